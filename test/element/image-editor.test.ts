import 'axe-core';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { layerInput } from '../../src/element/parts/delivery-layers.js';
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

/** How many pixels of a box of the image at `url` pass `test`. */
async function countPixels(
  url: string,
  box: { x: number; y: number; w: number; h: number },
  test: (rgb: number[]) => boolean,
) {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(box.x, box.y, box.w, box.h).data;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) if (test([data[i]!, data[i + 1]!, data[i + 2]!])) count++;
  return count;
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
    [...editor.querySelectorAll('button')]
      .find((b) => b.textContent?.trim() === 'Apply on delivery')!
      .click();
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

  it('adds a text layer on delivery, placed with the arrow keys; the delivered image draws it there', async () => {
    const element = await mount({ 'initial-folder': '/edit/layers' });
    const { editor } = await openEditor(element, 'card.png');
    editor.querySelector<HTMLElement>('[data-action="add-text"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => editor.activeElement?.id === 'layer-text', 'the text field');
    await sendKeys({ type: 'Hi' });
    const size = editor.querySelector<HTMLInputElement>('#layer-size')!;
    size.value = '40';
    size.dispatchEvent(new Event('input'));
    const layer = await until(() => editor.querySelector<HTMLElement>('.layer'), 'the layer on the stage');
    await until(() => layer.textContent === 'Hi', 'the layer to show the text');
    expect(layer.getAttribute('aria-label')).to.contain('Text layer “Hi”');
    layer.focus();
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'ArrowDown' });
    const layerStatus = () => editor.querySelector('#layer-status')?.textContent?.trim();
    await until(() => layerStatus() === 'Layer: x 30, y 6', 'the layer to move');
    editor.querySelector<HTMLButtonElement>('[data-action="deliver"]')!.click();
    await until(() => editor.textContent?.includes('The original is unchanged'), 'confirmation');
    const inserted = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    const [file] = (await inserted).files;
    expect(file!.url).to.contain('tr=l-text,i-Hi,ff-Open_Sans,fs-40,co-FFFFFF,lx-30,ly-6,l-end');
    // The card is (200, 40, 40) all over: white lies where the text is, and nowhere else.
    const white = (rgb: number[]) => rgb.every((c) => c > 200);
    expect(await countPixels(file!.url, { x: 30, y: 6, w: 60, h: 60 }, white)).to.be.greaterThan(40);
    expect(await countPixels(file!.url, { x: 110, y: 0, w: 90, h: 100 }, white)).to.equal(0);
    expect(await countPixels(file!.url, { x: 0, y: 70, w: 200, h: 30 }, white)).to.equal(0);
    const original = await fileAt('/edit/layers', 'card.png');
    expect([original.width, original.height]).to.deep.equal([200, 100]);
  });

  it('writes plain text as i- and anything else as ie- base64 of UTF-8, which the server draws', async () => {
    expect(layerInput('Hi there')).to.equal('i-Hi%20there');
    const encoded = layerInput('Ça, 50%: ok');
    expect(encoded).to.match(/^ie-/);
    const bytes = Uint8Array.from(atob(decodeURIComponent(encoded.slice(3))), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).to.equal('Ça, 50%: ok');
    const card = await fileAt('/edit/layers', 'card.png');
    const response = await fetch(`${card.url}&tr=l-text,${encoded},fs-20,l-end`);
    expect(response.status).to.equal(200);
  });

  it('drags a layer with the mouse', async () => {
    const element = await mount({ 'initial-folder': '/edit/layers' });
    const { editor } = await openEditor(element, 'card.png');
    editor.querySelector<HTMLButtonElement>('[data-action="add-text"]')!.click();
    const layer = await until(() => editor.querySelector<HTMLElement>('.layer'), 'the layer');
    const at = layer.getBoundingClientRect();
    const [x, y] = [Math.round(at.left + 4), Math.round(at.top + 4)];
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [x + 15, y + 10] });
    await sendMouse({ type: 'move', position: [x + 30, y + 20] });
    await sendMouse({ type: 'up' });
    // The card shows at scale 1: screen pixels are image pixels; the layer began at (10, 5).
    await until(
      () => editor.querySelector('#layer-status')?.textContent?.trim() === 'Layer: x 40, y 25',
      'the layer to follow the mouse',
    );
    expect(editor.activeElement).to.equal(layer);
  });

  it('saves a text layer into the pixels as a new version', async () => {
    const element = await mount({ 'initial-folder': '/edit/layers' });
    const { editor } = await openEditor(element, 'save-me.png');
    editor.querySelector<HTMLButtonElement>('[data-action="add-text"]')!.click();
    const text = await until(() => editor.querySelector<HTMLInputElement>('#layer-text'), 'the text field');
    text.value = 'Hi';
    text.dispatchEvent(new Event('input'));
    const size = editor.querySelector<HTMLInputElement>('#layer-size')!;
    size.value = '40';
    size.dispatchEvent(new Event('input'));
    editor.querySelector<HTMLButtonElement>('[data-action="apply"]')!.click();
    await until(
      () => editor.querySelector('[role="status"]:not(#box-status)')?.textContent?.includes('Saved'),
      'saved',
    );
    const after = await fileAt('/edit/layers', 'save-me.png');
    expect([after.width, after.height]).to.deep.equal([200, 100]);
    expect(await api<MediaFile[]>(`/v1/files/${after.fileId}/versions`)).to.have.length(2);
    // The layer sat at (10, 5): the stored pixels have white there, and the URL no transformation.
    expect(after.url).not.to.contain('tr=');
    const white = (rgb: number[]) => rgb.every((c) => c > 200);
    expect(await countPixels(after.url, { x: 10, y: 5, w: 60, h: 60 }, white)).to.be.greaterThan(40);
    expect(await countPixels(after.url, { x: 110, y: 0, w: 90, h: 100 }, white)).to.equal(0);
    expect(editor.querySelector('.layer')).to.equal(null);
  });

  it('rounds corners on a background colour on delivery (r-, bg-)', async () => {
    const element = await mount({ 'initial-folder': '/edit/layers' });
    const { editor } = await openEditor(element, 'card.png');
    const radius = editor.querySelector<HTMLInputElement>('#radius')!;
    radius.value = '30';
    radius.dispatchEvent(new Event('input'));
    editor.querySelector<HTMLInputElement>('#background-on')!.click();
    const colour = await until(() => editor.querySelector<HTMLInputElement>('#background'), 'the colour');
    colour.value = '#ffff00';
    colour.dispatchEvent(new Event('input'));
    editor.querySelector<HTMLButtonElement>('[data-action="deliver"]')!.click();
    await until(() => editor.textContent?.includes('The original is unchanged'), 'confirmation');
    const inserted = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    const [file] = (await inserted).files;
    expect(file!.url).to.contain('tr=r-30,bg-FFFF00');
    const corner = await pixels(file!.url, 1, 1);
    expect(corner.rgb).to.deep.equal([255, 255, 0]);
    expect((await pixels(file!.url, 100, 50)).rgb).to.deep.equal([200, 40, 40]);
    expect((await api<MediaFile[]>(`/v1/files/${file!.fileId}/versions`)).length).to.equal(1);
  });

  it('adds an image from the library as a watermark on delivery, with opacity and position', async () => {
    const element = await mount({ 'initial-folder': '/edit/layers' });
    const { editor } = await openEditor(element, 'card.png');
    editor.querySelector<HTMLElement>('[data-action="add-image"]')!.focus();
    await sendKeys({ press: 'Enter' });
    // The chooser lists the images of the file's own folder.
    const pick = await until(() => editor.querySelector<HTMLSelectElement>('#watermark-file'), 'the images');
    const logo = [...pick.options].find((o) => o.textContent === 'logo.png')!;
    pick.value = logo.value;
    pick.dispatchEvent(new Event('change'));
    await until(
      () => editor.activeElement?.getAttribute('aria-label')?.includes('Image layer “logo.png”'),
      'focus',
    );
    const opacity = editor.querySelector<HTMLInputElement>('#layer-opacity')!;
    opacity.value = '50';
    opacity.dispatchEvent(new Event('input'));
    editor.querySelector<HTMLElement>('.layer')!.focus();
    await sendKeys({ press: 'Shift+ArrowRight' });
    await until(
      () => editor.querySelector('#layer-status')?.textContent?.trim() === 'Layer: x 20, y 5',
      'moved',
    );
    const results = await axe.run(editor.querySelector('dialog')!, { resultTypes: ['violations'] });
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
    editor.querySelector<HTMLButtonElement>('[data-action="deliver"]')!.click();
    await until(() => editor.textContent?.includes('The original is unchanged'), 'confirmation');
    const inserted = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    const [file] = (await inserted).files;
    expect(file!.url).to.contain('tr=l-image,i-edit@@layers@@logo.png,t-false,w-20,o-50,lx-20,ly-5,l-end');
    // Half blue over (200, 40, 40) inside the logo's square; the card untouched beside it.
    const [r, g, b] = (await pixels(file!.url, 30, 15)).rgb;
    expect(Math.abs(r! - 100) < 12 && g! < 40 && Math.abs(b! - 147) < 12, `blend ${[r, g, b]}`).to.equal(
      true,
    );
    expect((await pixels(file!.url, 50, 15)).rgb).to.deep.equal([200, 40, 40]);
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
