import { expect } from 'chai';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bundle,
  cellNamed,
  env,
  mountInline as mount,
  openDetails,
  shadow,
  sessionToken as token,
  until,
} from './bundle-helpers.js';
import { until as waitUntil } from './until.js';

await import(/* @vite-ignore */ bundle);

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${await token()}`);
  return fetch(`${env.url}${path}`, { ...init, headers });
}

/** Uploads a PNG (a figure on a plain ground) with the test token endpoint's session. */
async function uploadPng(
  folder: string,
  name: string,
  fields: Record<string, string> = {},
): Promise<MediaFile> {
  const canvas = new OffscreenCanvas(96, 72);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#e8e8e8';
  context.fillRect(0, 0, 96, 72);
  context.fillStyle = '#804020';
  context.beginPath();
  context.arc(48, 30, 14, 0, Math.PI * 2);
  context.fill();
  context.fillRect(30, 44, 36, 28);
  const form = new FormData();
  form.set('file', await canvas.convertToBlob({ type: 'image/png' }), name);
  form.set('fileName', name);
  form.set('folder', folder);
  form.set('useUniqueFileName', 'false');
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const response = await api('/api/v1/files/upload', { method: 'POST', body: form });
  if (response.status !== 200) throw new Error(`upload: ${response.status} ${await response.text()}`);
  return (await response.json()) as MediaFile;
}

const hold = (on: boolean) =>
  fetch(`${env.url}/_ml/test/ai-hold`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hold: on }),
  });

const statusOf = (root: ShadowRoot) =>
  root.querySelector<HTMLElement>('.ai-status')?.textContent?.trim() ?? '';

/** Every text the AI status line showed, however briefly. */
function recordStatus(root: ShadowRoot): string[] {
  const seen: string[] = [];
  const note = () => {
    const text = statusOf(root);
    if (text && seen.at(-1) !== text) seen.push(text);
  };
  new MutationObserver(note).observe(root, { subtree: true, childList: true, characterData: true });
  note();
  return seen;
}

/** Counts the element's looks at a file's AI jobs. */
function countAiLooks(): { count: number; urls: string[]; restore(): void } {
  const original = window.fetch;
  const counter = {
    count: 0,
    urls: [] as string[],
    restore: () => {
      window.fetch = original;
    },
  };
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (/\/_ml\/files\/[^/]+\/ai$/.test(new URL(url, location.href).pathname)) {
      counter.count++;
      counter.urls.push(`${Math.round(performance.now())} ${url}`);
    }
    return original(input, init);
  };
  return counter;
}

afterEach(async () => {
  await hold(false);
  for (const element of document.querySelectorAll('media-library')) element.remove();
  await new Promise((resolve) => setTimeout(resolve, 600));
  localStorage.clear();
});

describe('AI jobs in the details panel', function () {
  this.timeout(90_000);

  it('says "Analysing…" while the file is analysed, then shows its AI tags without a reload', async () => {
    await hold(true);
    const folder = `/ai-jobs-${Date.now()}`;
    await uploadPng(folder, 'tagged.png', {
      extensions: JSON.stringify([{ name: 'google-auto-tagging', minConfidence: 50 }]),
    });
    const element = await mount(folder);
    const root = await openDetails(element, 'tagged.png');
    const status = await until(() => root.querySelector<HTMLElement>('.ai-status'), 'the AI status');
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.getAttribute('aria-live')).to.equal('polite');
    await until(() => statusOf(root) === 'Analysing…', 'Analysing… while the job is held');
    expect(root.querySelector('ml-ai-tags')?.shadowRoot?.querySelector('li')).to.equal(null);

    await hold(false);
    // The job runs the server's own models first (loaded on the first job), then the fake Vision.
    const items = await waitUntil(
      () => {
        const list = root.querySelector('ml-ai-tags')?.shadowRoot?.querySelectorAll('li');
        return list && list.length >= 2 ? [...list] : undefined;
      },
      'the AI tags',
      60_000,
    );
    const tags = items.map((li) => li.querySelector('[aria-hidden="true"]')?.textContent?.trim());
    expect(tags).to.include.members(['Dog', 'Animal']);
    expect(statusOf(root)).to.equal('Analysis finished.');
  });

  it('stops looking when the details panel closes', async () => {
    await hold(true);
    const folder = `/ai-jobs-close-${Date.now()}`;
    await uploadPng(folder, 'held.png', { extensions: JSON.stringify([{ name: 'google-auto-tagging' }]) });
    const element = await mount(folder);
    const looks = countAiLooks();
    try {
      const root = await openDetails(element, 'held.png');
      await until(() => statusOf(root) === 'Analysing…', 'Analysing…');
      await until(() => looks.count >= 2, 'a second look after the first wait');
      shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
      await until(() => !shadow(element).querySelector('ml-asset-details'), 'the panel closed');
      const after = looks.count;
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(looks.count, looks.urls.join('\n')).to.equal(after);
    } finally {
      looks.restore();
    }
  });

  it('Remove background asks first, stores a new version and shows it in the panel and the grid', async () => {
    const folder = `/ai-remove-bg-${Date.now()}`;
    const uploaded = await uploadPng(folder, 'person.png');
    const element = await mount(folder);
    const root = await openDetails(element, 'person.png');
    const seen = recordStatus(root);
    const picture = root.querySelector<HTMLImageElement>('.preview img')!;
    const before = picture.src;
    const cellPicture = () => cellNamed(element, 'person.png')?.querySelector('img')?.src;
    const cellBefore = cellPicture();

    const remover = await until(() => root.querySelector('ml-remove-background')?.shadowRoot, 'the part');
    const button = await until(
      () => remover.querySelector<HTMLButtonElement>('[data-action="remove-background"]'),
      'Remove background',
    );
    expect(button.textContent?.trim()).to.equal('Remove background');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    button.focus();
    button.click();
    const question = await until(() => remover.querySelector<HTMLElement>('[role="group"]'), 'the question');
    expect(question.textContent).to.match(/stored as a new version of the file/);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    // A PNG keeps transparency: the first choice, focused.
    const transparent = remover.querySelector<HTMLInputElement>('input[value="transparent"]')!;
    await until(() => remover.activeElement === transparent, 'focus on the first choice');
    expect(transparent.checked).to.equal(true);

    // Escape takes the question back, focus on the button.
    question.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await until(() => !remover.querySelector('[role="group"]'), 'the question closed');
    await until(() => remover.activeElement === button, 'focus back on the button');

    button.click();
    await until(() => remover.querySelector('[role="group"]'), 'the question again');
    remover.querySelector<HTMLButtonElement>('[data-action="confirm-remove-background"]')!.click();

    await until(() => /Background removed/.test(statusOf(root)), 'the background removed');
    expect(seen).to.include('Removing the background…');
    expect(statusOf(root)).to.equal('Background removed. The result is the current version (Version 2).');
    await until(
      () => picture.isConnected && root.querySelector<HTMLImageElement>('.preview img')!.src !== before,
      'the new picture',
    );
    const versions = await until(() => {
      const list = root.querySelector('ml-versions')?.shadowRoot?.querySelectorAll('li');
      return list && list.length === 2 ? list : undefined;
    }, 'both versions listed');
    expect(versions[0]?.textContent).to.match(/Version 2/);
    await until(() => cellPicture() !== cellBefore, 'the grid cell’s new thumbnail');

    const listed = (await (await api(`/v1/files/${uploaded.fileId}/versions`)).json()) as MediaFile[];
    expect(listed).to.have.length(2);
  });

  it('a file’s context menu offers Remove background…, which opens the question in the details panel', async () => {
    const folder = `/ai-remove-bg-menu-${Date.now()}`;
    await uploadPng(folder, 'menu.png');
    const element = await mount(folder);
    const cell = await until(() => cellNamed(element, 'menu.png'), 'menu.png in the grid');
    const item = await until(() => {
      const box = cell.getBoundingClientRect();
      cell.dispatchEvent(
        new MouseEvent('contextmenu', {
          bubbles: true,
          composed: true,
          cancelable: true,
          clientX: box.left + box.width / 2,
          clientY: box.top + box.height / 2,
        }),
      );
      const menu = shadow(element).querySelector('ml-context-menu')?.shadowRoot;
      return [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])].find(
        (entry) => entry.textContent?.trim() === 'Remove background…',
      );
    }, 'Remove background… in the menu');
    item.click();
    const panel = await until(() => shadow(element).querySelector('ml-asset-details'), 'the details panel');
    const remover = await until(
      () => panel.shadowRoot?.querySelector('ml-remove-background')?.shadowRoot,
      'the part',
    );
    const question = await until(() => remover.querySelector<HTMLElement>('[role="group"]'), 'the question');
    expect(question.textContent).to.match(/Remove the background of menu\.png\?/);
    await until(
      () => remover.activeElement === remover.querySelector('input[value="transparent"]'),
      'focus on the first choice',
    );
  });

  it('says at the button why the background could not be removed', async () => {
    const folder = `/ai-remove-bg-gone-${Date.now()}`;
    const uploaded = await uploadPng(folder, 'gone.png');
    const element = await mount(folder);
    const root = await openDetails(element, 'gone.png');
    const remover = await until(() => root.querySelector('ml-remove-background')?.shadowRoot, 'the part');
    const button = await until(
      () => remover.querySelector<HTMLButtonElement>('[data-action="remove-background"]'),
      'Remove background',
    );
    button.click();
    await until(() => remover.querySelector('[role="group"]'), 'the question');
    // Someone else deletes the file meanwhile.
    expect((await api(`/v1/files/${uploaded.fileId}`, { method: 'DELETE' })).status).to.equal(204);
    remover.querySelector<HTMLButtonElement>('[data-action="confirm-remove-background"]')!.click();
    const alert = await until(() => remover.querySelector<HTMLElement>('[role="alert"]'), 'the error');
    expect(alert.textContent).to.match(/^The background could not be removed: /);
    expect(button.getAttribute('aria-describedby')).to.equal(alert.id);
  });
});
