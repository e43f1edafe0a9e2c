// The element acting for a DAM user (issue 21): only the controls the user's level allows
// (view: no writes; contribute: writes but no delete, move or rename), and "Share with people…".
import 'axe-core';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { pngFile, uploadButton } from './bundle-helpers.js';
import {
  activeElement,
  cleanup,
  env,
  item,
  menuAt,
  mount,
  shadow,
  testFetchAuth,
  until as waitUntil,
} from './helpers.js';
import type { TestMember } from './test-server.js';

afterEach(cleanup);

const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } })
  .axe;

const until = <T>(check: () => T | undefined | null | false, what?: string) => waitUntil(check, what, 15_000);
const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Mounts the element for `member` in `folder`, and waits until it knows the member's levels. */
async function mountAs(member: TestMember, folder: string): Promise<MediaLibraryElement> {
  const seen = performance.getEntriesByType('resource').filter((e) => e.name.includes('/_ml/me')).length;
  const element = await mount(
    { 'initial-folder': folder },
    { fetchAuth: testFetchAuth({ member }).fetchAuth },
  );
  await until(
    () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/_ml/me')).length > seen,
    'the member’s levels',
  );
  // Once the answer is applied (the module chunks it waits for are loaded by then).
  await new Promise((resolve) => setTimeout(resolve, 50));
  await element.updateComplete;
  return element;
}

const root = (element: MediaLibraryElement) => shadow(element);

/** The context menu's entries for the grid item `name`, opened with a real right click. */
async function menuLabels(element: MediaLibraryElement, name: string): Promise<string[]> {
  const menu = await menuAt(element, () => item(element, name));
  const labels = [...menu.querySelectorAll('[role="menuitem"]')].map((e) => e.textContent!.trim());
  await sendKeys({ press: 'Escape' });
  return labels;
}

describe('a DAM member’s controls', () => {
  it('shows a view member no upload, new folder, delete, rename or Share', async () => {
    const member = {
      email: `view-${stamp()}@example.com`,
      grants: [{ folder: '/alpha', level: 'view' as const }],
    };
    const element = await mountAs(member, '/alpha');
    expect(root(element).querySelector('ml-upload-button'), 'upload').to.equal(null);
    expect(root(element).querySelector('[popovertarget="folder-form"]'), 'new folder').to.equal(null);
    expect(root(element).querySelector('[data-action="share"]'), 'share').to.equal(null);
    // The menus chunk loads when idle: the file's menu has its read actions only.
    const fileMenu = await menuLabels(element, 'red-dress.png');
    expect(fileMenu).to.include('Copy URL');
    for (const write of ['Move to…', 'Copy to…', 'Delete', 'Share with people…'])
      expect(fileMenu).not.to.include(write);
    // Viewing includes downloading: a folder still comes as a ZIP.
    const folderMenu = await menuLabels(element, 'nested');
    expect(folderMenu).to.deep.equal(['Open', 'Download as ZIP']);
  });

  it('shows a contribute member Upload and New folder, and offers no delete, move or rename', async () => {
    const folder = `/people-contribute-${stamp()}`;
    const member = {
      email: `contribute-${stamp()}@example.com`,
      grants: [{ folder, level: 'contribute' as const }],
    };
    const element = await mountAs(member, folder);
    await uploadButton(element);
    expect(root(element).querySelector('[popovertarget="folder-form"]'), 'new folder').not.to.equal(null);
    expect(root(element).querySelector('[data-action="share"]'), 'share').to.equal(null);

    // The panel (Uppy) only loads from the built bundle (see upload.test.ts): the file goes up
    // with the session the element uses, as the panel would send it.
    const session = await testFetchAuth({ member }).fetchAuth('session', { method: 'POST', body: '{}' });
    const { token } = (await session.json()) as { token: string };
    const form = new FormData();
    form.append('file', await pngFile('mine.png'));
    form.append('fileName', 'mine.png');
    form.append('folder', folder);
    form.append('useUniqueFileName', 'false');
    const upload = await fetch(`${env.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(upload.status, await upload.clone().text()).to.equal(200);
    await element.refresh();
    await until(
      () => shadow(shadow(element).querySelector('ml-asset-grid')!).querySelector('[data-index]'),
      'the file',
    );

    const labels = await menuLabels(element, 'mine.png');
    expect(labels).to.include('Copy to…');
    for (const manage of ['Move to…', 'Delete', 'Share with people…']) expect(labels).not.to.include(manage);
    // The details panel edits metadata but neither renames nor deletes.
    item(element, 'mine.png').click();
    root(element).querySelector<HTMLElement>('[aria-label="Show details"]')!.click();
    const details = await until(
      () => root(element).querySelector('ml-asset-details')?.shadowRoot?.querySelector('#alt'),
      'the editor',
    );
    const panelRoot = details.getRootNode() as ShadowRoot;
    expect(panelRoot.querySelector<HTMLInputElement>('#name')!.readOnly, 'name').to.equal(true);
    const buttons = [...panelRoot.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(buttons).to.include('Copy to…');
    expect(buttons).not.to.include('Delete');
    expect(buttons).not.to.include('Move to…');
  });
});

describe('a menu opened as the library starts', () => {
  it('waits for the member’s levels, and offers what they allow', async () => {
    const member = {
      email: `early-${stamp()}@example.com`,
      grants: [{ folder: '/alpha', level: 'manage' as const }],
    };
    // /_ml/me answers only once the menu has been asked for.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const realFetch = window.fetch;
    window.fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/_ml/me')) await held;
      return realFetch(input, init);
    };
    try {
      const element = await mount(
        { 'initial-folder': '/alpha' },
        { fetchAuth: testFetchAuth({ member }).fetchAuth },
      );
      await until(() => item(element, 'red-dress.png'), 'the file');
      const menu = menuAt(element, () => item(element, 'red-dress.png'));
      setTimeout(release, 300);
      const labels = [...(await menu).querySelectorAll('[role="menuitem"]')].map((e) =>
        e.textContent!.trim(),
      );
      expect(labels).to.include.members(['Move to…', 'Delete', 'Share with people…']);
      await sendKeys({ press: 'Escape' });
    } finally {
      release();
      window.fetch = realFetch;
    }
  });
});

describe('a file granted on its own', () => {
  it('is editable where its folder is view-only, and the others are not', async () => {
    const member: TestMember = {
      email: `file-${stamp()}@example.com`,
      grants: [
        { folder: '/alpha', level: 'view' },
        { file: '/alpha/logo.png', level: 'contribute' },
      ],
    };
    const element = await mountAs(member, '/alpha');
    expect(root(element).querySelector('ml-upload-button'), 'no upload in the folder').to.equal(null);
    root(element).querySelector<HTMLElement>('[aria-label="Show details"]')!.click();
    const details = await until(() => root(element).querySelector('ml-asset-details'), 'the details panel');
    item(element, 'logo.png').click();
    const alt = await until(
      () => details.shadowRoot?.querySelector<HTMLTextAreaElement>('#alt'),
      'the editor',
    );
    expect(alt.disabled).to.equal(false);
    expect(details.shadowRoot!.querySelector<HTMLInputElement>('#name')!.readOnly, 'no rename').to.equal(
      true,
    );
    item(element, 'red-dress.png').click();
    await until(
      () => details.shadowRoot?.querySelector('h3')?.textContent === 'red-dress.png',
      'the other file',
    );
    expect(details.shadowRoot!.querySelector('#alt'), 'no editor for a view-only file').to.equal(null);
  });
});

describe('a DAM member’s History tab', function () {
  this.timeout(60_000);

  it('is there for a file the member manages, and not where it only contributes', async () => {
    const member: TestMember = {
      email: `history-${stamp()}@example.com`,
      grants: [
        { folder: '/alpha', level: 'contribute' },
        { file: '/alpha/logo.png', level: 'manage' },
      ],
    };
    const element = await mountAs(member, '/alpha');
    root(element).querySelector<HTMLElement>('[aria-label="Show details"]')!.click();
    const details = await until(() => root(element).querySelector('ml-asset-details'), 'the details panel');
    const tabNames = () =>
      [...(details.shadowRoot?.querySelectorAll('[role="tab"]') ?? [])].map((t) => t.textContent!.trim());
    item(element, 'logo.png').click();
    await until(() => tabNames().includes('History'), 'the History tab of the managed file');
    item(element, 'red-dress.png').click();
    await until(
      () =>
        details.shadowRoot?.querySelector('h3')?.textContent === 'red-dress.png' &&
        !tabNames().includes('History'),
      'no History tab where the member only contributes',
    );
  });
});

describe('Share with people', () => {
  it('adds a group with Contribute, and shows an inherited grant greyed with its folder', async () => {
    const id = stamp();
    const parent = `/people-share-${id}`;
    const member: TestMember = {
      email: `owner-${id}@example.com`,
      name: `Owner ${id}`,
      groups: [`Designers ${id}`],
      grants: [
        { folder: parent, level: 'manage' },
        { folder: parent, level: 'view', group: `Readers ${id}` },
        { folder: `${parent}/inner`, level: 'view', group: `Interns ${id}` },
      ],
    };
    const element = await mountAs(member, `${parent}/inner`);
    const share = await until(
      () => root(element).querySelector<HTMLElement>('[data-action="share"]'),
      'Share',
    );
    share.focus();
    await sendKeys({ press: 'Enter' });
    const dialog = await until(
      () =>
        root(element)
          .querySelector('ml-share-dialog')
          ?.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'),
      'the dialog',
    );
    const rows = () => [...dialog.querySelectorAll<HTMLElement>('.grants li')];
    await until(() => rows().length === 3, 'three grants');
    const inherited = rows().find((r) => r.textContent!.includes(`Readers ${id}`))!;
    expect(inherited.hasAttribute('data-inherited')).to.equal(true);
    expect(inherited.textContent).to.include(`From ${parent}`);
    expect(inherited.querySelector('select, button'), 'no controls on an inherited grant').to.equal(null);
    expect(getComputedStyle(inherited).color).to.not.equal(getComputedStyle(dialog).color);
    const direct = rows().find((r) => r.textContent!.includes(`Interns ${id}`))!;
    expect(direct.querySelector('select')!.getAttribute('aria-label')).to.equal(`Access for Interns ${id}`);

    // Focus starts in the picker: type, choose with the keyboard, pick a level, add.
    expect(activeElement()?.id).to.equal('share-who');
    await sendKeys({ type: `Designers ${id}` });
    await until(() => dialog.querySelector('[role="option"]'), 'a match');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    expect(activeElement()?.id, 'focus on the level').to.equal('share-level');
    const level = dialog.querySelector<HTMLSelectElement>('#share-level')!;
    level.value = 'contribute';
    level.dispatchEvent(new Event('change'));
    dialog.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const added = await until(
      () => rows().find((r) => r.textContent!.includes(`Designers ${id}`)),
      'the new grant',
    );
    expect(added.hasAttribute('data-inherited')).to.equal(false);
    expect(added.querySelector('select')!.value).to.equal('contribute');

    // The server has it: the member's own session lists it on the folder.
    const session = await testFetchAuth({ member }).fetchAuth('session', { method: 'POST', body: '{}' });
    const { token } = (await session.json()) as { token: string };
    const grants = (await (
      await fetch(`${env.url}/_ml/grants?folder=${encodeURIComponent(`${parent}/inner`)}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as Array<{ level: string; inherited?: boolean; principal: { type: string } }>;
    expect(
      grants.filter((g) => !g.inherited && g.level === 'contribute' && g.principal.type === 'group'),
    ).to.have.length(1);

    // Escape closes it; focus goes back to Share.
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'the dialog to close');
    expect(activeElement()).to.equal(share);
  });

  it('has no axe-core violations, says at the field that nobody was picked, and closes the list before the dialog on Escape', async () => {
    const id = stamp();
    const member: TestMember = {
      email: `picker-${id}@example.com`,
      grants: [{ folder: `/people-pick-${id}`, level: 'manage' }],
    };
    const element = await mountAs(member, `/people-pick-${id}`);
    (await until(() => root(element).querySelector<HTMLElement>('[data-action="share"]'), 'Share')).click();
    const dialog = await until(
      () =>
        root(element)
          .querySelector('ml-share-dialog')
          ?.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'),
      'the dialog',
    );
    await until(() => dialog.querySelector('.grants li'), 'the member’s own grant');
    const results = await axe.run(root(element).querySelector('ml-share-dialog')!, {
      resultTypes: ['violations'],
    });
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
    dialog.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const input = dialog.querySelector<HTMLInputElement>('#share-who')!;
    await until(() => input.getAttribute('aria-invalid') === 'true', 'the error');
    expect(input.getAttribute('aria-describedby')).to.include('share-who-error');
    expect(dialog.querySelector('#share-who-error')!.textContent).to.include('Choose a person or group');

    // Escape closes the picker's list first, then the dialog.
    input.focus();
    await sendKeys({ type: `picker-${id}` });
    await until(() => dialog.querySelector('[role="option"]'), 'a match');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'Escape' });
    await until(() => input.getAttribute('aria-expanded') === 'false', 'the list to close');
    expect(dialog.open, 'the dialog stays').to.equal(true);
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'the dialog to close');
  });
});
