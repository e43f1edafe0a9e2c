// Collections in the element (issue 22): the sidebar section, a collection's view, "Add to
// collection…" by menu, keyboard and drag, "Remove from collection", reordering by keyboard, and
// opening one with `initial-collection` or the widget's `initialView.collection`; "Share link…" and
// "Download as ZIP" on a collection (its header and its sidebar menu), the link only for the whole library.
import 'axe-core';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { createMediaLibraryWidget } from '../../src/element/widget.js';
import type { MediaCollection, MediaFile } from '../../src/shared/wire.js';
import {
  activeElement,
  cleanup,
  click,
  env,
  grid,
  item,
  itemNames,
  mount,
  nextEvent,
  openMenu,
  settled,
  shadow,
  testFetchAuth,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } })
  .axe;

/** Runs axe-core over the element (into its shadow roots) and fails with what it found. */
async function expectNoViolations(target: Element, state: string): Promise<void> {
  const results = await axe.run(target, { resultTypes: ['violations'] });
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(found, `axe-core violations with ${state}:\n  ${found.join('\n  ')}`).to.deep.equal([]);
}

const until = <T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what?: string,
  timeout = 12_000,
) => waitUntil(check as () => T, what, timeout);

/** The media server's API with a read-write session for the whole library. */
async function api<T>(method: string, path: string, json?: unknown): Promise<T> {
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const response = await fetch(`${env.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined && { 'content-type': 'application/json' }),
    },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const newCollection = (name: string) => api<MediaCollection>('POST', '/_ml/collections', { name });
const filesIn = async (folder: string) =>
  api<MediaFile[]>('GET', `/v1/files?path=${encodeURIComponent(folder)}&sort=ASC_NAME`);
const itemsOf = async (id: string) =>
  (await api<MediaFile[]>('GET', `/_ml/collections/${id}/items`)).map((f) => f.name);

/** The sidebar's row for a collection, once the collections chunk has listed it. */
const sidebarRow = (element: MediaLibraryElement, name: string) =>
  until(
    () =>
      [
        ...(shadow(element)
          .querySelector('ml-collections')
          ?.shadowRoot?.querySelectorAll<HTMLButtonElement>('[data-collection]') ?? []),
      ].find((row) => row.querySelector('.name')?.textContent === name),
    `${name} in the sidebar`,
  );

const footer = (element: MediaLibraryElement) => shadow(element).querySelector('footer [role="status"]')!;

const entry = (menu: HTMLElement, label: string) =>
  [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')].find((e) => e.textContent!.trim() === label);

/** A real right click on `target`, repeated until the menus chunk (loaded when idle) answers it. */
async function menuOn(element: MediaLibraryElement, target: Element): Promise<HTMLElement> {
  return until(async () => {
    target.scrollIntoView({ block: 'nearest' });
    const box = target.getBoundingClientRect();
    await sendMouse({
      type: 'click',
      position: [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)],
      button: 'right',
    });
    return (
      shadow(element)
        .querySelector('ml-context-menu')
        ?.shadowRoot?.querySelector<HTMLElement>('[role="menu"]:popover-open') ?? undefined
    );
  }, 'the menus chunk');
}

const picker = (element: MediaLibraryElement) =>
  until(
    () =>
      shadow(element)
        .querySelector('ml-collection-picker')
        ?.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'),
    'the Add to collection dialog',
  );

describe('collections', function () {
  this.timeout(60_000);

  it('adds the selected files to a collection from the context menu, found with the dialog’s search', async () => {
    const target = await newCollection('Menu picks');
    await newCollection('Other things');
    const element = await mount({ 'initial-folder': '/edit/coll-menu', multiple: true });
    click(item(element, 'pick-a.png'));
    click(item(element, 'pick-b.png'), { ctrlKey: true });
    await until(() => element.selectedFiles.length === 2, 'two files selected');
    const menu = await menuOn(element, item(element, 'pick-b.png'));
    entry(menu, 'Add to collection…')!.click();
    const dialog = await picker(element);
    expect(dialog.querySelector('h2')!.textContent).to.equal('Add 2 files to a collection');
    const search = dialog.querySelector<HTMLInputElement>('input[type="search"]')!;
    await until(() => activeElement() === search, 'focus in the search');
    await until(() => dialog.querySelectorAll('ul .row').length >= 2, 'the collections listed');
    await expectNoViolations(element, 'the Add to collection dialog');
    search.value = 'menu p';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await until(() => dialog.querySelectorAll('ul .row').length === 1, 'the search to narrow the list');
    dialog.querySelector<HTMLButtonElement>('ul .row')!.click();
    await until(() => footer(element).textContent?.includes('2 files added to Menu picks.'), 'the notice');
    expect(dialog.open).to.equal(false);
    expect((await itemsOf(target.id)).sort()).to.deep.equal(['pick-a.png', 'pick-b.png']);
    // The sidebar's count follows.
    const row = await sidebarRow(element, 'Menu picks');
    await until(() => row.querySelector('.count')?.textContent === '2', 'the count in the sidebar');
  });

  it('adds a file by keyboard alone: Shift+F10, the menu, and a new collection made in the dialog', async () => {
    const element = await mount({ 'initial-folder': '/edit/coll-keys' });
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.focus();
    await sendKeys({ press: 'ArrowRight' });
    await until(() => scroller.getAttribute('aria-activedescendant') === 'item-0', 'the file active');
    await until(async () => {
      await sendKeys({ press: 'Shift+F10' });
      return shadow(element)
        .querySelector('ml-context-menu')
        ?.shadowRoot?.querySelector('[role="menu"]:popover-open');
    }, 'the menu by keyboard');
    const menu = await openMenu(element);
    await sendKeys({ press: 'a' });
    expect(activeElement()?.textContent?.trim()).to.equal('Add to collection…');
    await sendKeys({ press: 'Enter' });
    const dialog = await picker(element);
    await until(
      () => activeElement() === dialog.querySelector('input[type="search"]'),
      'focus in the search',
    );
    expect(menu.matches(':popover-open')).to.equal(false);
    // Tab to the new collection's name (past the listed collections), type it and press Enter.
    const name = dialog.querySelector<HTMLInputElement>('#picker-new')!;
    while (activeElement() !== name) await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Keyboard picks' });
    await sendKeys({ press: 'Enter' });
    await until(() => footer(element).textContent?.includes('1 file added to Keyboard picks.'), 'the notice');
    const made = (await api<MediaCollection[]>('GET', '/_ml/collections')).find(
      (c) => c.name === 'Keyboard picks',
    )!;
    expect(await itemsOf(made.id)).to.deep.equal(['keyed.png']);
  });

  it('adds files dragged from the grid onto a collection in the sidebar', async () => {
    const target = await newCollection('Drag target');
    const element = await mount({ 'initial-folder': '/edit/coll-drag' });
    const row = await sidebarRow(element, 'Drag target');
    const dataTransfer = new DataTransfer();
    const fire = (node: Element, type: string) =>
      node.dispatchEvent(
        new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer }),
      );
    fire(item(element, 'dragme.png'), 'dragstart');
    const over = new DragEvent('dragover', { bubbles: true, composed: true, cancelable: true, dataTransfer });
    row.dispatchEvent(over);
    expect(over.defaultPrevented, 'the collection takes the drop').to.equal(true);
    fire(row, 'drop');
    await until(() => footer(element).textContent?.includes('1 file added to Drag target.'), 'the notice');
    expect(await itemsOf(target.id)).to.deep.equal(['dragme.png']);
  });

  it('opens a collection like a folder, searches inside it, and removes a file from it', async () => {
    const files = await filesIn('/edit/coll-view');
    const id = (name: string) => files.find((f) => f.name === name)!.fileId;
    const view = await newCollection('Spring launch');
    await api('POST', `/_ml/collections/${view.id}/items`, {
      fileIds: [id('three.png'), id('one.png'), id('two.png')],
    });
    const element = await mount({ 'initial-folder': '/alpha' });
    const navigated = nextEvent<{ collection?: string }>(element, 'ml-navigate');
    (await sidebarRow(element, 'Spring launch')).click();
    expect((await navigated).collection, 'ml-navigate names the collection').to.equal(view.id);
    await until(() => element.currentCollection?.id === view.id, 'the collection open');
    await settled(element);
    await until(() => itemNames(element).join() === 'three.png,one.png,two.png', 'the collection’s order');
    const crumbs = shadow(element).querySelector('ml-collection-crumbs')!.shadowRoot!;
    expect(crumbs.querySelector('ol')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Collections Spring launch',
    );
    expect(crumbs.querySelector('[aria-current="page"]')!.textContent).to.equal('Spring launch');
    const row = await sidebarRow(element, 'Spring launch');
    expect(row.getAttribute('aria-current')).to.equal('true');
    await expectNoViolations(element, 'a collection’s view and the sidebar');

    const bar = shadow(element).querySelector('ml-search-bar')!;
    const input = shadow(bar).querySelector<HTMLInputElement>('input[type="search"]')!;
    input.value = 'name = "one.png"';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => itemNames(element).join() === 'one.png', 'the search inside the collection');
    expect(element.currentCollection?.id).to.equal(view.id);
    input.value = '';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => itemNames(element).length === 3, 'the whole collection again');

    const menu = await menuOn(element, item(element, 'one.png'));
    entry(menu, 'Remove from collection')!.click();
    await until(() => itemNames(element).join() === 'three.png,two.png', 'the file to leave the view');
    expect(footer(element).textContent).to.contain('1 file removed from Spring launch.');
    expect(await itemsOf(view.id)).to.deep.equal(['three.png', 'two.png']);
    expect((await filesIn('/edit/coll-view')).map((f) => f.name)).to.include('one.png');

    // A folder opens again from the tree, leaving the collection.
    click(item(element, 'two.png'));
    const treeRow = [
      ...shadow(shadow(element).querySelector('ml-folder-tree')!).querySelectorAll<HTMLElement>(
        '[role="treeitem"]',
      ),
    ].find((r) => r.querySelector('.name')?.textContent?.trim() === 'alpha')!;
    click(treeRow);
    await until(
      () => element.currentCollection === undefined && element.currentFolder === '/alpha',
      'the folder',
    );
  });

  it('opens with initial-collection and reorders by Alt+arrow keys, announcing the new position', async () => {
    const files = await filesIn('/edit/coll-order');
    const ordered = await newCollection('Ordered by keys');
    await api('POST', `/_ml/collections/${ordered.id}/items`, { fileIds: files.map((f) => f.fileId) });
    const element = await mount({ 'initial-collection': ordered.id });
    expect(element.currentCollection?.id).to.equal(ordered.id);
    await until(() => itemNames(element).join() === 'a.png,b.png,c.png', 'the collection');
    const crumbs = await until(
      () => shadow(element).querySelector('ml-collection-crumbs')?.shadowRoot,
      'crumbs',
    );
    await until(
      () => crumbs.querySelector('[aria-current="page"]')?.textContent === 'Ordered by keys',
      'its name',
    );
    // No folder actions in a collection's view.
    expect(shadow(element).querySelector('[popovertarget="sort-menu"]')).to.equal(null);

    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.focus();
    await sendKeys({ press: 'ArrowRight' });
    await until(() => scroller.getAttribute('aria-activedescendant') === 'item-0', 'a.png active');
    await until(async () => {
      await sendKeys({ press: 'Alt+ArrowRight' });
      return itemNames(element).join() === 'b.png,a.png,c.png';
    }, 'a.png moved one place later');
    expect(scroller.getAttribute('aria-activedescendant'), 'the keyboard stays on the moved file').to.equal(
      'item-1',
    );
    expect(footer(element).textContent).to.contain('Moved a.png to position 2 of 3.');
    await until(async () => (await itemsOf(ordered.id)).join() === 'b.png,a.png,c.png', 'the order saved');
    await sendKeys({ press: 'Alt+End' });
    await until(async () => (await itemsOf(ordered.id)).join() === 'b.png,c.png,a.png', 'moved to the end');
    expect(itemNames(element).join()).to.equal('b.png,c.png,a.png');

    // Dragging a file onto another puts it in that one's place.
    const dataTransfer = new DataTransfer();
    const fire = (node: Element, type: string) =>
      node.dispatchEvent(
        new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer }),
      );
    fire(item(element, 'a.png'), 'dragstart');
    fire(item(element, 'b.png'), 'dragover');
    fire(item(element, 'b.png'), 'drop');
    await until(() => itemNames(element).join() === 'a.png,b.png,c.png', 'a.png dragged to the start');
    await until(
      async () => (await itemsOf(ordered.id)).join() === 'a.png,b.png,c.png',
      'the dragged order saved',
    );
  });

  it('makes a collection from the sidebar’s New collection, refusing an empty name', async () => {
    const element = await mount({ 'initial-folder': '/alpha' });
    const section = await until(
      () =>
        shadow(element).querySelector('ml-collections')?.shadowRoot?.querySelector('section')
          ?.parentNode as ShadowRoot,
      'the collections section',
    );
    const open = await until(
      () =>
        [...section.querySelectorAll<HTMLButtonElement>('button')].find((b) =>
          b.textContent?.includes('New collection'),
        ),
      'the New collection button',
    );
    open.click();
    const input = await until(
      () => section.querySelector<HTMLInputElement>('#new-collection'),
      'the name field',
    );
    await until(() => activeElement() === input, 'focus in the name field');
    section.querySelector('form')!.requestSubmit();
    await until(
      () => section.querySelector('[role="alert"]')?.textContent === 'Enter a name for the collection.',
      'refused',
    );
    await sendKeys({ type: 'From the sidebar' });
    await sendKeys({ press: 'Enter' });
    const row = await sidebarRow(element, 'From the sidebar');
    expect(footer(element).textContent).to.contain('Collection From the sidebar created.');
    row.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => element.currentCollection?.name === 'From the sidebar', 'the new collection open');
  });

  it('shares a collection from its header (the link’s page lists its files) and downloads it from its sidebar menu', async () => {
    const files = await filesIn('/alpha');
    const id = (name: string) => files.find((f) => f.name === name)!.fileId;
    const shared = await newCollection(`For the agency ${Date.now().toString(36)}`);
    await api('POST', `/_ml/collections/${shared.id}/items`, {
      fileIds: [id('logo.png'), id('blue-sky.jpg')],
    });
    const element = await mount({ 'initial-collection': shared.id });
    await until(() => itemNames(element).join() === 'logo.png,blue-sky.jpg', 'the collection');
    const crumbs = await until(
      () => shadow(element).querySelector('ml-collection-crumbs')?.shadowRoot,
      'crumbs',
    );
    // The folder's "Share with people…" is not the collection's: not in its view.
    expect(shadow(element).querySelector('[data-action="share"]')).to.equal(null);
    const share = await until(
      () => crumbs.querySelector<HTMLButtonElement>('[data-action="share-collection"]'),
      'Share link… in the header',
    );
    expect(share.textContent!.trim()).to.equal('Share link…');
    share.click();
    const dialog = await until(
      () =>
        shadow(element)
          .querySelector('ml-share-link-dialog')
          ?.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'),
      'the share dialog',
    );
    expect(dialog.querySelector('h2')!.textContent).to.equal(`Share ${shared.name}`);
    await until(() => dialog.textContent!.includes('No links yet.'), 'no links yet');
    [...dialog.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent!.trim() === 'Create link')!
      .click();
    const url = await until(() => dialog.querySelector<HTMLInputElement>('input.url')?.value, 'the URL');
    // The public page: a gallery of the collection's files, and nothing else of the folder.
    const page = await fetch(url);
    expect(page.status).to.equal(200);
    const text = await page.text();
    expect(text).to.contain('logo.png');
    expect(text).to.contain('blue-sky.jpg');
    expect(text).not.to.contain('red-dress.png');
    await until(() => dialog.querySelector('li'), 'the link listed');
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'the dialog closed');

    // The sidebar's menu on the collection, by keyboard: Open, Download as ZIP, Share link….
    const row = await sidebarRow(element, shared.name);
    row.focus();
    const menu = await until(async () => {
      await sendKeys({ press: 'Shift+F10' });
      return shadow(element)
        .querySelector('ml-context-menu')
        ?.shadowRoot?.querySelector<HTMLElement>('[role="menu"]:popover-open');
    }, 'the collection’s menu');
    const entries = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    expect(entries.map((e) => e.textContent!.trim())).to.deep.equal([
      'Open',
      'Download as ZIP',
      'Share link…',
    ]);
    // The ZIP starts as a normal download (an <a download> clicked): caught here and fetched.
    const download = catchDownload(element);
    entries[1]!.click();
    const href = await download;
    // The whole collection (however many files it has), not a list of its ids.
    expect(downloadClaims(href)).to.include({ c: shared.id });
    const zip = await fetch(href);
    expect(zip.status).to.equal(200);
    const bytes = new Uint8Array(await zip.arrayBuffer());
    expect(String.fromCharCode(...bytes.slice(0, 2))).to.equal('PK');
    const names = new TextDecoder().decode(bytes);
    expect(names).to.contain('logo.png');
    expect(names).to.contain('blue-sky.jpg');
    expect(names).not.to.contain('red-dress.png');
    await until(() => footer(element).textContent!.includes('Your download is starting.'), 'said so');
  });

  it('offers no collection link to a DAM member (the server makes none), only its ZIP', async () => {
    const files = await filesIn('/alpha');
    const seen = await newCollection(`Seen by a member ${Date.now().toString(36)}`);
    await api('POST', `/_ml/collections/${seen.id}/items`, { fileIds: [files[0]!.fileId] });
    const member = {
      email: `coll-member-${Date.now().toString(36)}@example.com`,
      grants: [{ folder: '/alpha', level: 'manage' as const }],
    };
    // The resource timings buffer fills over a run: emptied, it shows this element's /_ml/me.
    performance.clearResourceTimings();
    const element = await mount(
      { 'initial-collection': seen.id },
      { fetchAuth: testFetchAuth({ member }).fetchAuth },
    );
    await until(
      () => performance.getEntriesByType('resource').some((e) => e.name.includes('/_ml/me')),
      'the member’s levels',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await element.updateComplete;
    const crumbs = await until(
      () => shadow(element).querySelector('ml-collection-crumbs')?.shadowRoot,
      'crumbs',
    );
    await until(() => crumbs.querySelector('[data-action="download-collection"]'), 'Download as ZIP');
    expect(crumbs.querySelector('[data-action="share-collection"]')).to.equal(null);
    const row = await sidebarRow(element, seen.name);
    row.focus();
    const menu = await until(async () => {
      await sendKeys({ press: 'Shift+F10' });
      return shadow(element)
        .querySelector('ml-context-menu')
        ?.shadowRoot?.querySelector<HTMLElement>('[role="menu"]:popover-open');
    }, 'the collection’s menu');
    const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    expect(items.map((e) => e.textContent!.trim())).to.deep.equal(['Open', 'Download as ZIP']);
    // Its ZIP holds the files it may see, named one by one (the server zips whole collections
    // only for the whole library).
    const download = catchDownload(element);
    items[1]!.click();
    const href = await download;
    expect(downloadClaims(href)).to.deep.include({ f: [files[0]!.fileId] });
    const zip = await fetch(href);
    expect(new TextDecoder().decode(await zip.arrayBuffer())).to.contain(files[0]!.name);
  });

  it('says when a collection is empty, and opens one from the widget’s initialView', async () => {
    const empty = await newCollection('Nothing yet');
    const div = document.createElement('div');
    div.id = 'collection-widget';
    div.dataset.testContainer = '';
    document.body.append(div);
    const widget = createMediaLibraryWidget(
      {
        container: div,
        view: 'inline',
        mlSettings: { initialView: { collection: { id: empty.id } } },
        endpoint: env.url,
        authUrl: env.authUrl,
      },
      () => undefined,
    );
    const element = widget.element as MediaLibraryElement;
    element.style.height = '600px';
    await settled(element);
    expect(element.currentCollection?.id).to.equal(empty.id);
    expect(shadow(grid(element)).querySelector('.empty-title')!.textContent).to.equal(
      'This collection is empty',
    );
    widget.destroy();
  });
});

/** The URL of the next download the element starts (an <a download> it clicks), kept from the browser. */
function catchDownload(element: HTMLElement): Promise<string> {
  return new Promise((resolve) => {
    const caught = (event: Event) => {
      const link = event.composedPath()[0];
      if (!(link instanceof HTMLAnchorElement && link.hasAttribute('download'))) return;
      event.preventDefault();
      shadow(element).removeEventListener('click', caught, { capture: true });
      resolve(link.href);
    };
    shadow(element).addEventListener('click', caught, { capture: true });
  });
}

/** What a signed download URL names (its token's payload: `f` file ids, `d` a folder, `c` a collection). */
function downloadClaims(href: string): Record<string, unknown> {
  const payload = new URL(href).searchParams.get('t')!.split('.')[0]!;
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
}
