import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { AssetDetailsElement } from '../../src/element/parts/asset-details.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  activeElement,
  bearer,
  cleanup,
  click,
  env,
  item,
  itemNames,
  menuAt,
  mount,
  settled,
  shadow,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

// Real server, busy machine: allow the round trips time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

const searchBar = (element: MediaLibraryElement) => shadow(shadow(element).querySelector('ml-search-bar')!);

/** Uploads a canvas drawing as a PNG into `folder`, with extra upload fields. */
async function put(
  folder: string,
  name: string,
  draw: (g: CanvasRenderingContext2D) => void,
  fields: Record<string, string> = {},
): Promise<MediaFile> {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  draw(canvas.getContext('2d')!);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  const form = new FormData();
  form.set('file', blob, name);
  form.set('fileName', name);
  form.set('folder', folder);
  form.set('useUniqueFileName', 'false');
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const response = await fetch(`${env.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization: await bearer() },
    body: form,
  });
  if (response.status !== 200) throw new Error(`upload of ${name}: ${await response.text()}`);
  return (await response.json()) as MediaFile;
}

const house = (hue: number) => (g: CanvasRenderingContext2D) => {
  g.fillStyle = `hsl(${hue} 70% 55%)`;
  g.fillRect(0, 0, 160, 120);
  g.fillStyle = `hsl(${hue + 180} 70% 30%)`;
  g.fillRect(20, 50, 60, 60);
  g.beginPath();
  g.arc(125, 30, 18, 0, Math.PI * 2);
  g.fill();
};

const rings = (g: CanvasRenderingContext2D) => {
  g.fillStyle = '#fde68a';
  g.fillRect(0, 0, 160, 120);
  g.strokeStyle = '#7c3aed';
  g.lineWidth = 6;
  for (let r = 10; r < 80; r += 14) {
    g.beginPath();
    g.arc(80, 60, r, 0, Math.PI * 2);
    g.stroke();
  }
};

const stripes = (g: CanvasRenderingContext2D) => {
  g.fillStyle = '#fff';
  g.fillRect(0, 0, 160, 120);
  g.fillStyle = '#111';
  for (let x = 0; x < 160; x += 16) g.fillRect(x, 0, 8, 120);
};

async function fileNamed(folder: string, name: string): Promise<MediaFile> {
  const response = await fetch(`${env.url}/v1/files?path=${encodeURIComponent(folder)}`, {
    headers: { authorization: await bearer() },
  });
  return ((await response.json()) as MediaFile[]).find((f) => f.name === name)!;
}

async function openDetails(folder: string, name: string) {
  const element = await mount({ 'initial-folder': folder });
  click(item(element, name));
  shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
  const panel = await until(
    () => shadow(element).querySelector('ml-asset-details') as AssetDetailsElement | null,
    'the details panel',
  );
  await until(() => panel.shadowRoot?.querySelector('h3')?.textContent === name, 'the file in the panel');
  return { element, panel, root: shadow(panel) };
}

describe('search suggestions', () => {
  before(async () => {
    await put('/ai-suggest', 'quokka-portrait.png', rings, { tags: 'quokka,quiet' });
    await put('/ai-suggest', 'other.png', stripes);
  });

  it('suggests as the user types, moves with Down and Up, runs the chosen one with Enter', async () => {
    const element = await mount({ 'initial-folder': '/ai-suggest' });
    const bar = searchBar(element);
    const input = bar.querySelector<HTMLInputElement>('input[type="search"]')!;
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    input.focus();
    await sendKeys({ type: 'quok' });
    const listbox = await until(
      () => bar.querySelector<HTMLElement>('#suggestions[role="listbox"]:not([hidden])'),
      'the suggestions',
    );
    expect(input.getAttribute('aria-controls')).to.equal('suggestions');
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    const labels = [...listbox.querySelectorAll('[role="option"] .label')].map((o) => o.textContent);
    expect(labels).to.include.members(['quokka', 'quokka-portrait.png']);

    await sendKeys({ press: 'ArrowDown' });
    await until(
      () => input.getAttribute('aria-activedescendant') === 'suggestion-0',
      'the first option active',
    );
    expect(bar.querySelector('#suggestion-0')!.getAttribute('aria-selected')).to.equal('true');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowUp' });
    await until(() => input.getAttribute('aria-activedescendant') === 'suggestion-0', 'back on the first');
    // Focus never left the field: the option is active only for assistive technology.
    expect(activeElement()).to.equal(input);

    await sendKeys({ press: 'Enter' });
    await until(() => input.getAttribute('aria-expanded') === 'false', 'the list closed');
    // The tag suggestion ran `tags IN ["quokka"]`, shown as the custom query chip.
    await settled(element);
    await until(() => itemNames(element).join() === 'quokka-portrait.png', 'the tagged file alone');
    expect(input.value).to.equal('');
    expect(bar.querySelector('.chip.on')?.textContent).to.contain('Custom query');
  });

  it('closes on Escape, keeping the words, and a second Escape clears them', async () => {
    const element = await mount({ 'initial-folder': '/ai-suggest' });
    const bar = searchBar(element);
    const input = bar.querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ type: 'qui' });
    await until(() => input.getAttribute('aria-expanded') === 'true', 'the suggestions');
    await sendKeys({ press: 'Escape' });
    await until(() => input.getAttribute('aria-expanded') === 'false', 'the list closed');
    expect(input.value).to.equal('qui');
    await sendKeys({ press: 'Escape' });
    await until(() => input.value === '', 'the field cleared');
  });
});

describe('find similar', () => {
  before(async () => {
    await put('/ai-similar', 'house.png', house(200));
    await put('/ai-similar', 'house-green.png', house(120));
    await put('/ai-similar', 'stripes.png', stripes);
  });

  it('opens "Similar to" from the details panel, lists the look-alike first, and Escape goes back', async () => {
    const { element, root } = await openDetails('/ai-similar', 'house.png');
    root.querySelector<HTMLButtonElement>('[data-action="find-similar"]')!.click();
    const view = await until(() => shadow(element).querySelector('ml-similar-view'), 'the similar view');
    const viewRoot = shadow(view);
    expect(viewRoot.querySelector('h3')!.textContent).to.equal('Similar to house.png');
    await until(() => viewRoot.activeElement === viewRoot.querySelector('h3'), 'focus on the heading');
    const names = await until(() => {
      const found = [...viewRoot.querySelectorAll('li .name')].map((n) => n.textContent);
      return found.length >= 2 && found;
    }, 'the results');
    expect(names[0]).to.equal('house-green.png');
    expect(names).not.to.include('house.png');
    expect(shadow(element).querySelector<HTMLElement>('[part="content"]')!.hidden).to.equal(true);

    await sendKeys({ press: 'Escape' });
    await until(() => !shadow(element).querySelector('ml-similar-view'), 'the view closed');
    expect(shadow(element).querySelector<HTMLElement>('[part="content"]')!.hidden).to.equal(false);
  });

  it('opens from a file’s context menu too', async () => {
    const element = await mount({ 'initial-folder': '/ai-similar' });
    const menu = await menuAt(element, item(element, 'house-green.png'));
    [...menu.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent?.trim() === 'Find similar')!
      .click();
    const view = await until(() => shadow(element).querySelector('ml-similar-view'), 'the similar view');
    await until(() => shadow(view).querySelector('li .name')?.textContent === 'house.png', 'house.png first');
    shadow(view).querySelector<HTMLButtonElement>('[data-action="back"]')!.click();
    await until(() => !shadow(element).querySelector('ml-similar-view'), 'back to the files');
  });
});

describe('AI tags in the details panel', () => {
  let file: MediaFile;
  before(async () => {
    file = await put('/ai-tags', 'beach.png', house(190), { tags: 'holiday' });
    const response = await fetch('/_ml/test/ai-tags', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        fileId: file.fileId,
        AITags: [
          { name: 'sea', confidence: 93.4, source: 'local' },
          { name: 'boat', confidence: 61, source: 'local' },
        ],
      }),
    });
    expect(response.status).to.equal(200);
    await put('/ai-tags', 'plain.png', stripes);
  });

  it('shows AI tags apart with their confidence, accepts one into the tags and rejects another', async () => {
    const { root } = await openDetails('/ai-tags', 'beach.png');
    const ai = await until(
      () =>
        root.querySelector('ml-ai-tags')?.shadowRoot?.querySelector('ul') &&
        shadow(root.querySelector('ml-ai-tags')!),
      'the AI tags',
    );
    expect(ai.querySelector('h4')!.textContent).to.equal('AI tags');
    const sea = [...ai.querySelectorAll<HTMLElement>('.name')].find((n) => n.textContent!.startsWith('sea'))!;
    // Read out with its confidence, and shown as a tooltip on focus as on hover.
    expect(sea.querySelector('.visually-hidden')!.textContent).to.equal('sea: 93% confidence');
    expect(sea.querySelector('[aria-hidden="true"]')!.textContent).to.equal('sea');
    expect(sea.tabIndex).to.equal(0);
    sea.focus();
    await sendKeys({ press: 'Shift' });
    expect(getComputedStyle(sea, '::after').content).to.equal('"sea: 93% confidence"');
    // Manual tags stay in their own field.
    expect(root.querySelector('ml-tag-input')!.tags).to.deep.equal(['holiday']);

    ai.querySelector<HTMLButtonElement>('[aria-label="Accept sea as a tag"]')!.click();
    await until(() => root.querySelector('ml-tag-input')!.tags.includes('sea'), 'sea among the tags');
    let stored = await fileNamed('/ai-tags', 'beach.png');
    expect(stored.tags).to.deep.equal(['holiday', 'sea']);
    expect(stored.AITags!.map((t) => t.name)).to.deep.equal(['boat']);

    await until(() => ai.querySelector('[aria-label="Reject AI tag boat"]'), 'boat still offered');
    ai.querySelector<HTMLButtonElement>('[aria-label="Reject AI tag boat"]')!.click();
    await until(() => !ai.querySelector('ul'), 'no AI tags left');
    stored = await fileNamed('/ai-tags', 'beach.png');
    expect(stored.AITags ?? []).to.deep.equal([]);
    expect(stored.tags).to.deep.equal(['holiday', 'sea']);
  });

  it('shows nothing for a file without AI tags', async () => {
    const { root } = await openDetails('/ai-tags', 'plain.png');
    const ai = root.querySelector('ml-ai-tags')!;
    await (ai as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(shadow(ai).querySelector('h4, ul')).to.equal(null);
  });
});
