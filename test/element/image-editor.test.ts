import 'axe-core';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  cleanup,
  click,
  env,
  grid,
  item,
  itemNames,
  mount,
  nextEvent,
  shadow,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

// Saves go through the real server on a shared, busy machine: allow them time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } })
  .axe;

async function api<T>(path: string): Promise<T> {
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const response = await fetch(`${env.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

const fileAt = async (folder: string, name: string) =>
  (await api<MediaFile[]>(`/v1/files?path=${encodeURIComponent(folder)}`)).find((f) => f.name === name)!;

/** Decodes an image URL and answers its size and the colour at (x, y). */
async function pixels(url: string, x: number, y: number) {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const [r, g, b] = ctx.getImageData(x, y, 1, 1).data;
  return { width: bitmap.width, height: bitmap.height, rgb: [r!, g!, b!] };
}

/** Opens the editor for `name` with the keyboard path a user would take (focus, Enter). */
async function openEditor(element: MediaLibraryElement, name: string) {
  click(item(element, name));
  shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
  const details = await until(() => shadow(element).querySelector('ml-asset-details'), 'the panel');
  const root = await until(
    () => details.shadowRoot?.querySelector('h3')?.textContent === name && details.shadowRoot,
    'file',
  );
  const open = root.querySelector<HTMLButtonElement>('[data-action="edit-image"]')!;
  open.focus();
  await sendKeys({ press: 'Enter' });
  const editorHost = await until(() => root.querySelector('ml-image-editor'), 'the editor');
  const editor = await until(
    () => editorHost.shadowRoot?.querySelector('dialog[open]') && editorHost.shadowRoot,
    'dialog',
  );
  await until(() => editor.activeElement?.classList.contains('box'), 'focus on the crop area');
  return { root, editor, editorHost };
}

const status = (editor: ShadowRoot) =>
  editor.querySelector('#box-status')!.textContent!.replace(/\s+/g, ' ').trim();

describe('the image editor', function () {
  this.timeout(60_000);
  it('saves a 1:1 crop, chosen with the keyboard, as a new version with equal sides', async () => {
    const element = await mount({ 'initial-folder': '/edit/crop' });
    const before = await fileAt('/edit/crop', 'square-me.png');
    const thumb = () =>
      shadow(grid(element)).querySelector<HTMLImageElement>(`img[data-file="${before.fileId}"]`)?.src;
    const oldThumb = await until(thumb, 'the thumbnail');
    const { editor } = await openEditor(element, 'square-me.png');
    const ratio = editor.querySelector<HTMLSelectElement>('#ratio')!;
    ratio.focus();
    // Keyboard selection of the first preset (1:1) in the native select.
    await sendKeys({ press: 'ArrowDown' });
    await until(() => status(editor).includes('50 × 50'), 'a square crop');
    editor.querySelector<HTMLElement>('.box')!.focus();
    await sendKeys({ press: 'Shift+ArrowRight' });
    await until(() => status(editor).includes('x 25,'), 'the box to move 10 px');
    await sendKeys({ press: 'Enter' });
    await until(
      () => editor.querySelector('[role="status"]:not(#box-status)')?.textContent?.includes('Saved'),
      'saved',
    );
    const after = await fileAt('/edit/crop', 'square-me.png');
    expect(after.fileId).to.equal(before.fileId);
    expect([after.width, after.height]).to.deep.equal([50, 50]);
    expect(await api<MediaFile[]>(`/v1/files/${before.fileId}/versions`)).to.have.length(2);
    await until(() => thumb() && thumb() !== oldThumb, 'the grid thumbnail to refresh');
  });

  it('moves crop handles with the arrow keys and announces their values; Escape cancels', async () => {
    const element = await mount({ 'initial-folder': '/edit/crop' });
    const { editor, root } = await openEditor(element, 'undo-me.png');
    expect(status(editor)).to.equal('Crop: x 0, y 0, 80 × 50 pixels');
    const corner = editor.querySelector<HTMLButtonElement>('[data-handle="nw"]')!;
    expect(corner.getAttribute('aria-label')).to.contain('Top left');
    corner.focus();
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Shift+ArrowDown' });
    await until(() => status(editor) === 'Crop: x 1, y 10, 79 × 40 pixels', 'the corner to move');
    const results = await axe.run(editor.querySelector('dialog')!, { resultTypes: ['violations'] });
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
    await sendKeys({ press: 'Escape' });
    await until(() => !root.querySelector('ml-image-editor'), 'the editor to close');
    const file = await fileAt('/edit/crop', 'undo-me.png');
    expect([file.width, file.height]).to.deep.equal([80, 50]);
  });

  it('resizes with a locked ratio and saves a WebP copy, leaving the original', async () => {
    const element = await mount({ 'initial-folder': '/edit/convert' });
    const { editor, root } = await openEditor(element, 'convert-me.png');
    const width = editor.querySelector<HTMLInputElement>('#resize-w')!;
    width.value = '40';
    width.dispatchEvent(new Event('input'));
    await until(
      () => editor.querySelector<HTMLInputElement>('#resize-h')?.value === '25',
      'the height to follow',
    );
    const format = editor.querySelector<HTMLSelectElement>('#format')!;
    format.value = 'webp';
    format.dispatchEvent(new Event('change'));
    const copy = [...editor.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')][0]!;
    copy.click();
    editor.querySelector<HTMLButtonElement>('[data-action="apply"]')!.click();
    await until(() => editor.textContent?.includes('Saved.'), 'saved');
    const files = await api<MediaFile[]>('/v1/files?path=%2Fedit%2Fconvert');
    const made = files.find((f) => f.name === 'convert-me-edited.webp')!;
    expect([made.width, made.height, made.mime]).to.deep.equal([40, 25, 'image/webp']);
    const original = files.find((f) => f.name === 'convert-me.png')!;
    expect([original.width, original.height]).to.deep.equal([80, 50]);
    // The listing shows the copy, and the details panel still the file that is selected.
    await until(() => itemNames(element).includes('convert-me-edited.webp'), 'the copy in the grid');
    await element.updateComplete;
    expect(root.querySelector('h3')?.textContent).to.equal('convert-me.png');
    expect(root.querySelector('.empty')).to.equal(null);
  });

  it('saves a format change as a copy, and says why: a new version keeps the file’s format', async () => {
    const element = await mount({ 'initial-folder': '/edit/reformat' });
    const before = await fileAt('/edit/reformat', 'format-me.png');
    const { editor } = await openEditor(element, 'format-me.png');
    const copy = [...editor.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')][0]!;
    const format = editor.querySelector<HTMLSelectElement>('#format')!;
    const choose = async (value: string) => {
      format.value = value;
      format.dispatchEvent(new Event('change'));
      await (editor.host as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    };
    await choose('png');
    expect([copy.checked, copy.disabled], 'PNG on a PNG: a version is possible').to.deep.equal([
      false,
      false,
    ]);
    await choose('jpg');
    expect([copy.checked, copy.disabled], 'JPG on a PNG: only a copy').to.deep.equal([true, true]);
    const why = editor.querySelector(`#${copy.getAttribute('aria-describedby')}`)!;
    expect(why.textContent).to.contain('This file is PNG').and.to.contain('JPG result is saved as a copy');
    editor.querySelector<HTMLButtonElement>('[data-action="apply"]')!.click();
    await until(() => editor.textContent?.includes('Saved.'), 'saved');
    expect(editor.querySelector('.error, [role="alert"]')?.textContent?.trim() ?? '').to.not.contain(
      'saveAs',
    );
    const made = await fileAt('/edit/reformat', 'format-me-edited.jpg');
    expect(made.mime).to.equal('image/jpeg');
    const after = await fileAt('/edit/reformat', 'format-me.png');
    expect(after.mime).to.equal('image/png');
    expect(await api<MediaFile[]>(`/v1/files/${before.fileId}/versions`)).to.have.length(1);
  });

  it('Undo after a save restores the previous version', async () => {
    const element = await mount({ 'initial-folder': '/edit/crop' });
    const { editor } = await openEditor(element, 'undo-me.png');
    editor.querySelector<HTMLButtonElement>('.controls button:not([aria-pressed])')!.click(); // Rotate 90°
    editor.querySelector<HTMLButtonElement>('[data-action="apply"]')!.click();
    await until(async () => (await fileAt('/edit/crop', 'undo-me.png')).width === 50, 'the rotation saved');
    const undo = await until(
      () => [...editor.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Undo'),
      'Undo',
    );
    undo.click();
    await until(() => editor.textContent?.includes('The previous version is back'), 'undone');
    const file = await fileAt('/edit/crop', 'undo-me.png');
    expect([file.width, file.height]).to.deep.equal([80, 50]);
  });

  it('crops on delivery: the original stays, and Insert hands on a URL that crops', async () => {
    const element = await mount({ 'initial-folder': '/edit/crop' });
    const { editor } = await openEditor(element, 'deliver-me.png');
    editor.querySelector<HTMLElement>('[data-handle="se"]')!.focus();
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'Shift+ArrowLeft' });
    await until(() => status(editor).includes('50 × 50'), 'a narrower crop');
    [...editor.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Crop on delivery')!.click();
    await until(() => editor.textContent?.includes('The original is unchanged'), 'confirmation');
    const inserted = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    const [file] = (await inserted).files;
    expect(file!.url).to.contain('tr=cm-extract,x-0,y-0,w-50,h-50');
    const delivered = await pixels(file!.url, 0, 0);
    expect([delivered.width, delivered.height]).to.deep.equal([50, 50]);
    const original = await fileAt('/edit/crop', 'deliver-me.png');
    expect([original.width, original.height]).to.deep.equal([80, 50]);
  });

  it('sets a focus area with the keyboard that round-trips through customCoordinates and fo-custom', async () => {
    const element = await mount({ 'initial-folder': '/edit/focus' });
    const { editor } = await openEditor(element, 'halves.png');
    [...editor.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Focus area')!.click();
    await until(() => status(editor).startsWith('Focus area: x 20, y 10, 40 × 20'), 'the default focus area');
    editor.querySelector<HTMLElement>('.box')!.focus();
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'Shift+ArrowRight' });
    await until(() => status(editor).startsWith('Focus area: x 40, y 10'), 'the box at the right edge');
    await sendKeys({ press: 'Enter' });
    await until(() => editor.textContent?.includes('Focus area saved'), 'saved');
    const file = await fileAt('/edit/focus', 'halves.png');
    expect(file.customCoordinates).to.equal('40,10,40,20');
    const cropped = await pixels(`${file.url}&tr=w-30,h-30,fo-custom`, 0, 15);
    expect([cropped.width, cropped.height]).to.deep.equal([30, 30]);
    // The left edge of the crop is already in the blue half: the crop follows the focus area.
    expect(cropped.rgb[2]).to.be.greaterThan(200);
    expect(cropped.rgb[0]).to.be.lessThan(60);
  });

  it('inserts images with insert-transformation, cropped around their focus area', async () => {
    const element = await mount({
      'initial-folder': '/edit/insert-focus',
      'insert-transformation': 'w-30,h-30',
    });
    const inserted = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    item(element, 'halves.png').dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    const [file] = (await inserted).files;
    expect(file!.url).to.match(/[?&]tr=w-30,h-30,fo-custom$/);
    const cropped = await pixels(file!.url, 0, 15);
    expect([cropped.width, cropped.height]).to.deep.equal([30, 30]);
    // The focus area is the blue right half: the crop's left edge is blue, not the image's red.
    expect(cropped.rgb[2]).to.be.greaterThan(200);
    expect(cropped.rgb[0]).to.be.lessThan(60);
    // Files other than images keep their URL.
    const pdf = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    item(element, 'doc.pdf').dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    expect((await pdf).files[0]!.url).to.not.contain('tr=');
  });
});
