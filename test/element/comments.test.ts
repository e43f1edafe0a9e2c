import 'axe-core';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import { SessionAuthorizer } from '../../src/client/auth.js';
import { MediaClient } from '../../src/client/media-client.js';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { CommentComposerElement } from '../../src/element/parts/comment-composer.js';
import type { NotificationBellElement } from '../../src/element/parts/notification-bell.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bearer,
  cleanup,
  click,
  env,
  item,
  mount,
  shadow,
  testFetchAuth,
  uploadPng as uploadShared,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } })
  .axe;

/** Runs axe-core over an element (into its shadow roots) and fails with what it found. */
async function expectNoViolations(target: Element, state: string): Promise<void> {
  const results = await axe.run(target, { resultTypes: ['violations'] });
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(found, `axe-core violations with ${state}:\n  ${found.join('\n  ')}`).to.deep.equal([]);
}

// Writes go through the real server on a shared, busy machine: allow them time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

async function api(user: string, method: string, path: string, json?: unknown): Promise<Response> {
  return fetch(`${env.url}${path}`, {
    method,
    headers: {
      authorization: await bearer(user),
      ...(json !== undefined && { 'content-type': 'application/json' }),
    },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
}

const uploadPng = async (folder: string, name: string): Promise<MediaFile> =>
  uploadShared(folder, name, { authorization: await bearer('ann@example.com'), width: 40, height: 30 });

/** Opens the file's details and its Comments tab; answers the comments panel's shadow root. */
async function openComments(element: MediaLibraryElement, name: string): Promise<ShadowRoot> {
  click(item(element, name));
  shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
  const details = await until(
    () => shadow(element).querySelector('ml-asset-details')?.shadowRoot,
    'the panel',
  );
  const tab = await until(() => details.querySelector<HTMLElement>('#tab-comments'), 'the Comments tab');
  tab.click();
  return until(
    () =>
      details.querySelector('ml-comments-panel')?.shadowRoot?.querySelector('#new-comment') &&
      details.querySelector('ml-comments-panel')!.shadowRoot,
    'the comments panel with its composer',
  );
}

const composerOf = (panel: ShadowRoot, selector = '#new-comment') =>
  panel.querySelector<CommentComposerElement>(selector)!;
const textareaOf = (composer: CommentComposerElement) => composer.shadowRoot!.querySelector('textarea')!;

/** Types into the composer as a person would: the value, then an input event. */
async function type(area: HTMLTextAreaElement, text: string): Promise<void> {
  area.focus();
  area.value += text;
  area.setSelectionRange(area.value.length, area.value.length);
  area.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  // The Comment button is enabled once the composer has rendered the text.
  await ((area.getRootNode() as ShadowRoot).host as CommentComposerElement).updateComplete;
}

const key = (target: HTMLElement, name: string) =>
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key: name, bubbles: true, composed: true, cancelable: true }),
  );

describe('comments', function () {
  this.timeout(90_000);

  it('has a Comments tab with a count, posts a comment and shows it as text', async () => {
    const file = await uploadPng('/scratch/comments-tab', 'talk.png');
    await api('bo@example.com', 'POST', `/_ml/files/${file.fileId}/comments`, { text: 'First from Bo' });
    const { fetchAuth } = testFetchAuth({ user: 'ann@example.com' });
    const element = await mount({ 'initial-folder': '/scratch/comments-tab' }, { fetchAuth });
    click(item(element, 'talk.png'));
    shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
    const details = await until(
      () => shadow(element).querySelector('ml-asset-details')?.shadowRoot,
      'the panel',
    );
    const tab = await until(
      () => details.querySelector<HTMLElement>('#tab-comments[role="tab"]'),
      'the Comments tab',
    );
    await until(() => tab.textContent!.trim() === 'Comments (1)', 'the count in the tab');
    tab.click();
    const panel = await until(
      () =>
        details.querySelector('ml-comments-panel')?.shadowRoot?.querySelector('#new-comment') &&
        details.querySelector('ml-comments-panel')!.shadowRoot,
      'the panel',
    );
    await until(() => panel.querySelector('article .text')?.textContent === 'First from Bo', 'Bo’s comment');
    const composer = composerOf(panel);
    await composer.updateComplete;
    await type(textareaOf(composer), 'Line one\n<b>not bold</b>');
    composer.shadowRoot!.querySelector<HTMLButtonElement>('.btn.primary')!.click();
    await until(() => panel.querySelectorAll('article').length === 2, 'the new comment');
    const mine = [...panel.querySelectorAll('article .text')].at(-1)!;
    expect(mine.textContent).to.equal('Line one\n<b>not bold</b>');
    expect(mine.querySelector('b')).to.equal(null);
    await until(() => tab.textContent!.trim() === 'Comments (2)', 'the count updated');
    // Ann's own comment has Edit and Delete; Bo's has not.
    const [bos, anns] = [...panel.querySelectorAll('article')];
    expect([...bos!.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.not.include('Edit');
    expect([...anns!.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.include('Edit');
  });

  it('autocompletes a mention by keyboard (combobox) and stores who was meant', async () => {
    const file = await uploadPng('/scratch/comments-mention', 'mention.png');
    const { fetchAuth } = testFetchAuth({ user: 'ann@example.com' });
    const element = await mount({ 'initial-folder': '/scratch/comments-mention' }, { fetchAuth });
    const panel = await openComments(element, 'mention.png');
    const composer = composerOf(panel);
    await composer.updateComplete;
    const area = textareaOf(composer);
    expect(area.getAttribute('aria-autocomplete')).to.equal('list');
    expect(area.getAttribute('aria-haspopup')).to.equal('listbox');
    await type(area, 'Please look @B');
    const list = composer.shadowRoot!.querySelector('[role="listbox"]')!;
    await until(() => !(list as HTMLElement).hidden && list.querySelector('[role="option"]'), 'suggestions');
    const options = () => [...list.querySelectorAll('[role="option"]')];
    const bo = options().findIndex((o) => o.textContent!.includes('Bo Baker'));
    expect(bo).to.be.greaterThan(-1);
    for (let i = 0; i < bo; i++) key(area, 'ArrowDown');
    await composer.updateComplete;
    const active = area.getAttribute('aria-activedescendant')!;
    expect(composer.shadowRoot!.getElementById(active)!.textContent).to.contain('Bo Baker');
    expect(composer.shadowRoot!.getElementById(active)!.getAttribute('aria-selected')).to.equal('true');
    key(area, 'Enter');
    await composer.updateComplete;
    expect(area.value).to.equal('Please look @Bo Baker ');
    expect((list as HTMLElement).hidden).to.equal(true);

    await type(area, 'and @B');
    await until(
      () => !(list as HTMLElement).hidden && list.querySelector('[role="option"]'),
      'suggestions again',
    );
    await expectNoViolations(element, 'the comments tab with suggestions open');
    key(area, 'Escape');
    await composer.updateComplete;
    expect((list as HTMLElement).hidden).to.equal(true);
    area.value = 'Please look @Bo Baker ';
    await type(area, '');
    composer.shadowRoot!.querySelector<HTMLButtonElement>('.btn.primary')!.click();
    await until(() => panel.querySelector('article'), 'the comment');
    const threads = await (await api('ann@example.com', 'GET', `/_ml/files/${file.fileId}/comments`)).json();
    expect(threads.threads[0].mentions.map((m: { name: string }) => m.name)).to.deep.equal(['Bo Baker']);
  });

  it('places a pin with the keyboard and by clicking the image, and shows pins on the preview', async () => {
    await uploadPng('/scratch/comments-pins', 'pins.png');
    const { fetchAuth } = testFetchAuth({ user: 'ann@example.com' });
    const element = await mount({ 'initial-folder': '/scratch/comments-pins' }, { fetchAuth });
    const panel = await openComments(element, 'pins.png');
    const composer = composerOf(panel);
    const pinButton = () =>
      [...panel.querySelectorAll<HTMLButtonElement>('ml-comment-composer > button')].find(
        (b) => b.textContent!.trim() === 'Pin on image',
      );
    await until(pinButton, 'the pin button');
    pinButton()!.click();
    const preview = await until(() => panel.querySelector<HTMLElement>('.preview.placing'), 'placing');
    await until(() => panel.activeElement === preview || preview.matches(':focus'), 'the preview has focus');
    key(preview, 'ArrowRight');
    key(preview, 'ArrowDown');
    key(preview, 'Enter');
    await until(() => !panel.querySelector('.preview.placing'), 'placed');
    expect(panel.querySelector('.pin.draft')!.getAttribute('aria-label')).to.equal(
      'Pin at 55% across, 55% down',
    );
    await type(textareaOf(composer), 'This corner');
    composer.shadowRoot!.querySelector<HTMLButtonElement>('.btn.primary')!.click();
    const pin = await until(
      () => panel.querySelector<HTMLButtonElement>('button.pin'),
      'the pin on the preview',
    );
    expect(pin.getAttribute('aria-label')).to.equal('Pin 1: This corner');
    expect(pin.style.left).to.equal('55%');

    // With the mouse: click where the pin goes.
    pinButton()!.click();
    const image = await until(() => panel.querySelector<HTMLElement>('.preview.placing'), 'placing again');
    const box = image.getBoundingClientRect();
    image.dispatchEvent(
      new MouseEvent('click', {
        bubbles: true,
        clientX: box.left + box.width * 0.25,
        clientY: box.top + box.height * 0.75,
      }),
    );
    await until(() => panel.querySelector('.pin.draft'), 'the draft pin');
    expect(panel.querySelector('.pin.draft')!.getAttribute('aria-label')).to.equal(
      'Pin at 25% across, 75% down',
    );
  });

  it('badges grid cells that have comments', async () => {
    const file = await uploadPng('/scratch/comments-badge', 'badged.png');
    await uploadPng('/scratch/comments-badge', 'quiet.png');
    await api('bo@example.com', 'POST', `/_ml/files/${file.fileId}/comments`, { text: 'badge me' });
    const element = await mount({ 'initial-folder': '/scratch/comments-badge' });
    await until(() => item(element, 'badged.png').querySelector('.comments'), 'the badge');
    expect(item(element, 'badged.png').querySelector('.comments')!.textContent).to.equal('1 comment');
    expect(item(element, 'quiet.png').querySelector('.comments')).to.equal(null);
  });

  it('badges the cells End lands on in a 10,000-file folder, not only the first rows', async () => {
    // The oldest file of /big is its last cell (newest first).
    const oldest = await api('bo@example.com', 'GET', '/v1/files?path=/big&sort=ASC_CREATED&limit=1');
    const [last] = (await oldest.json()) as MediaFile[];
    await api('bo@example.com', 'POST', `/_ml/files/${last!.fileId}/comments`, { text: 'at the end' });
    const element = await mount({ 'initial-folder': '/big' });
    const grid = shadow(element).querySelector('ml-asset-grid')!;
    shadow(grid).querySelector<HTMLElement>('.scroller')!.focus();
    await sendKeys({ press: 'End' });
    const cell = await until(
      () => shadow(grid).querySelector<HTMLElement>(`[aria-posinset="${env.bigCount}"] .comments`),
      'the last cell’s badge',
      30_000,
    );
    expect(cell.textContent).to.equal('1 comment');
  });
});

describe('<ml-notification-bell>', function () {
  this.timeout(60_000);

  it('shows the unread count live, lists notifications and marks them read', async () => {
    await import('../../src/element/parts/notification-bell.js');
    const file = await uploadPng('/scratch/bell', 'bell.png');
    await api('bo@example.com', 'POST', '/_ml/notifications/read', { all: true });
    const client = new MediaClient({
      endpoint: env.url,
      auth: new SessionAuthorizer({
        fetchAuth: (path, init) => {
          const headers = new Headers(init.headers);
          headers.set('x-test-user', 'bo@example.com');
          return fetch(`${env.authUrl}/${path}`, { ...init, headers });
        },
      }),
    });
    const bell = document.createElement('ml-notification-bell') as NotificationBellElement;
    bell.dataset.testContainer = '';
    bell.client = client;
    document.body.append(bell);
    const button = await until(
      () => bell.shadowRoot?.querySelector<HTMLButtonElement>('button[part="button"]'),
      'the bell',
    );
    await until(() => button.getAttribute('aria-label') === 'Notifications', 'no unread');
    const posted = await api('ann@example.com', 'POST', `/_ml/files/${file.fileId}/comments`, {
      text: 'Bo, see this',
      mentions: [
        { type: 'user', id: (await (await api('bo@example.com', 'GET', '/_ml/me')).json()).user.id },
      ],
    });
    expect(posted.status).to.equal(201);
    // No reload: the stream brings it.
    await until(() => bell.shadowRoot!.querySelector('.count')?.textContent === '1', 'the count, live', 5000);
    expect(button.getAttribute('aria-label')).to.equal('Notifications, 1 unread');
    button.click();
    const panel = bell.shadowRoot!.querySelector<HTMLElement>('[part="panel"]')!;
    await until(() => panel.querySelector('li a'), 'the list');
    const link = panel.querySelector<HTMLAnchorElement>('li a')!;
    await expectNoViolations(bell, 'the bell with its panel open');
    expect(link.textContent).to.contain('Ann Archer mentioned you');
    expect(link.textContent).to.contain('Bo, see this');
    expect(link.getAttribute('href')).to.match(new RegExp(`^/app/\\?file=${file.fileId}&comment=`));
    [...panel.querySelectorAll<HTMLButtonElement>('header button')]
      .find((b) => b.textContent!.trim() === 'Mark all read')!
      .click();
    await until(() => !bell.shadowRoot!.querySelector('.count'), 'read');
    // Settings: which kinds, and email.
    [...panel.querySelectorAll<HTMLButtonElement>('header button')]
      .find((b) => b.textContent!.trim() === 'Settings')!
      .click();
    const form = await until(() => panel.querySelector('form'), 'the settings');
    const mentions = [...form.querySelectorAll('label')].find(
      (label) => label.textContent!.trim() === 'Mentions',
    )!;
    mentions.querySelector('input')!.click();
    form.querySelector('select')!.value = 'daily';
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => form.querySelector('[role="status"]')?.textContent === 'Saved.', 'saved');
    const saved = await (await api('bo@example.com', 'GET', '/_ml/notifications/settings')).json();
    expect(saved.kinds).to.not.include('mention');
    expect(saved.email).to.equal('daily');
    key(panel, 'Escape');
    await until(() => panel.hidden, 'closed');
    bell.remove();
  });
});
