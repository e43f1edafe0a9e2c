import { css, html, LitElement, nothing } from 'lit';
import type { EditOperation, editImage, restoreVersion, updateFileDetails } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import type { Localizer } from '../i18n/localize.js';
import { shared } from '../styles/shared.js';
import {
  type ImageLayer,
  type Layer,
  layerFonts,
  layerTransformation,
  shapeTransformation,
  type TextLayer,
} from './delivery-layers.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';
import { withTransform } from './thumbnails.js';

/** A rectangle in image pixels. */
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

type Handle = 'move' | 'nw' | 'ne' | 'sw' | 'se';

/** What the editor calls on the server. */
export interface EditorCalls {
  editImage: typeof editImage;
  restoreVersion: typeof restoreVersion;
  updateFileDetails: typeof updateFileDetails;
}

/** Crop ratios offered besides free; hosts add theirs with `--ml-crop-presets: "Banner 3:1, Card 5:4"`. */
const builtInPresets: Array<[string, number]> = [
  ['1:1', 1],
  ['4:3', 4 / 3],
  ['3:2', 3 / 2],
  ['16:9', 16 / 9],
  ['9:16', 9 / 16],
];

const formats = ['jpg', 'png', 'webp', 'avif'] as const;
/** The type each output format stores: a new version must keep the file's (the server says so). */
const formatMimes: Record<(typeof formats)[number], string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
};
const stageWidth = 560;
const stageHeight = 380;
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** `x,y,w,h` (ImageKit's customCoordinates) as a box, when it is one. */
function parseBox(text: string | null): Box | undefined {
  const n = (text ?? '').split(',').map(Number);
  return n.length === 4 && n.every((v) => Number.isFinite(v) && v >= 0) && n[2]! > 0 && n[3]! > 0
    ? { x: n[0]!, y: n[1]!, w: n[2]!, h: n[3]! }
    : undefined;
}

/** The (dx, dy) an arrow key moves a box, handle or layer by: 1 px, 10 with Shift. */
function arrowMove(event: KeyboardEvent): [number, number] | undefined {
  const step = event.shiftKey ? 10 : 1;
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  return moves[event.key];
}

/**
 * The image editor, a lazy chunk: crop (free or a ratio), rotate by 90°, flip, resize with a
 * locked ratio, output format and quality, rounded corners and a background colour, text and
 * image (watermark) layers placed by dragging or the arrow keys; previewed in the browser and
 * saved on the server (`POST /_ml/files/{id}/edit`, layers as its `layers` operation) as a new
 * version (Undo restores the previous one) or a copy. "Focus area" sets ImageKit's
 * `customCoordinates` for `fo-custom`; "Apply on delivery" leaves the original alone and hands on
 * a URL that crops and draws the same (`r-`, `bg-`, `l-text`, `l-image`). Every handle moves
 * with the arrow keys (Shift: 10 px); Enter applies, Escape cancels.
 *
 * @fires asset-change - `{ asset }` after a save, an undo, a focus area or Apply on delivery.
 * @fires editor-close
 */
export class ImageEditorElement extends LitElement {
  static override styles = [
    shared,
    css`
      dialog {
        width: min(640px, calc(100vw - 24px));
        max-height: calc(100vh - 24px);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      h2 {
        margin: 0 0 8px;
        font-size: 15px;
      }
      .stage {
        position: relative;
        margin: 8px auto;
        touch-action: none;
      }
      canvas {
        display: block;
      }
      .box {
        position: absolute;
        box-sizing: border-box;
        border: 2px solid #fff;
        outline: 1px solid #000;
        box-shadow: 0 0 0 9999px rgb(0 0 0 / 0.45);
        cursor: move;
        padding: 0;
        background: transparent;
      }
      .stage {
        overflow: hidden;
      }
      .corner {
        position: absolute;
        width: 16px;
        height: 16px;
        margin: -8px;
        padding: 0;
        border: 2px solid #000;
        border-radius: 50%;
        background: #fff;
      }
      .layer {
        position: absolute;
        padding: 0;
        border: 1px dashed #fff;
        outline: 1px dashed #000;
        line-height: 1.2;
        white-space: pre;
        cursor: move;
        background: transparent;
      }
      .layer[aria-pressed='true'] {
        border-style: solid;
      }
      .box:focus-visible,
      .layer:focus-visible,
      .corner:focus-visible {
        outline: 3px solid var(--_accent);
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        font-size: 13px;
      }
      .controls p {
        flex-basis: 100%;
        margin: 0;
      }
      .controls input[type='number'] {
        width: 6em;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: 6px;
        margin-top: 10px;
      }
      .alert {
        color: var(--_danger);
      }
      p {
        margin: 4px 0;
        font-size: 13px;
      }
    `,
  ];

  @property({ attribute: false }) file: MediaFile | undefined;
  @property({ attribute: false }) client: MediaClient | undefined;
  /** The editing calls, from the details chunk (shared code between two lazy chunks would split the core bundle). */
  @property({ attribute: false }) calls: EditorCalls | undefined;
  /** `crop` edits pixels; `focus` sets the focus area on the original. */
  @state() private mode: 'crop' | 'focus' = 'crop';
  @state() private rotation: 0 | 90 | 180 | 270 = 0;
  @state() private flipH = false;
  @state() private flipV = false;
  /** The crop (in the rotated, flipped image) or the focus area (in the original). */
  @state() private box: Box = { x: 0, y: 0, w: 1, h: 1 };
  /** Width / height the box keeps; 0 for free. */
  @state() private ratio = 0;
  @state() private width: number | undefined;
  @state() private height: number | undefined;
  @state() private format: '' | (typeof formats)[number] = '';
  @state() private quality = 80;
  @state() private asCopy = false;
  @state() private busy = false;
  @state() private message: { text: string; error: boolean } | undefined;
  /** Corner radius on delivery (`r-`): pixels, 'max' for an ellipse, 0 for none. */
  @state() private radius: number | 'max' = 0;
  /** `#rrggbb` under whatever is transparent on delivery (`bg-`), or '' for none. */
  @state() private background = '';
  /** Text layers, drawn on delivery (`l-text`). */
  @state() private layers: Layer[] = [];
  /** The watermark chooser: a folder and its images (undefined while they load). */
  @state() private chooser: { folder: string; files?: MediaFile[]; error?: string } | undefined;
  /** The layer the controls edit; -1 for none. */
  @state() private selected = -1;
  /** The version Undo goes back to, after a save. */
  @state() private undoTo: string | undefined;
  /** The panel's Localizer (importing the localize controller here would split the core bundle). */
  @property({ attribute: false }) l10n!: Localizer;
  #image: HTMLImageElement | undefined;
  #drag: { handle: Handle; x: number; y: number; box: Box } | undefined;
  #layerDrag: { index: number; x: number; y: number; from: Layer } | undefined;

  /** The image's size after rotation: what the crop box lives in (the original's in focus mode). */
  get #space(): { w: number; h: number } {
    const w = this.file?.width ?? 1;
    const h = this.file?.height ?? 1;
    return this.mode === 'crop' && this.rotation % 180 ? { w: h, h: w } : { w, h };
  }

  /** A format other than the file's: only a copy can have it (a version keeps the file's type). */
  get #formatChange(): boolean {
    return this.format !== '' && formatMimes[this.format] !== this.file?.mime;
  }

  /** Whether the save makes a copy: the user's choice, or the only way for a format change. */
  get #savesCopy(): boolean {
    return this.asCopy || this.#formatChange;
  }

  get #scale(): number {
    const { w, h } = this.#space;
    return Math.min(stageWidth / w, stageHeight / h, 1);
  }

  protected override willUpdate(): void {
    if (!this.hasUpdated) this.#reset();
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector('dialog')!.showModal();
    const image = new Image();
    image.onload = () => {
      this.#image = image;
      this.#draw();
    };
    // A bounded rendition is enough for the preview; the server edits the original.
    image.src = withTransform(this.file!.url, 'w-1200,h-1200,c-at_max');
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.box')?.focus());
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (['rotation', 'flipH', 'flipV', 'mode'].some((key) => changed.has(key))) this.#draw();
  }

  #reset(): void {
    const { w, h } = this.#space;
    const focus = this.mode === 'focus' ? parseBox(this.file?.customCoordinates ?? null) : undefined;
    this.box =
      focus ?? (this.mode === 'focus' ? { x: w / 4, y: h / 4, w: w / 2, h: h / 2 } : { x: 0, y: 0, w, h });
    if (this.ratio) this.#applyRatio(this.ratio);
  }

  #draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const image = this.#image;
    const file = this.file;
    if (!canvas || !image || !file?.width || !file.height) return;
    const s = this.#scale;
    const { w, h } = this.#space;
    canvas.width = Math.round(w * s);
    canvas.height = Math.round(h * s);
    const ctx = canvas.getContext('2d')!;
    ctx.save();
    ctx.translate(canvas.width / 2, canvas.height / 2);
    // Flips apply to the rotated image, as on the server: flip the canvas, then rotate the drawing.
    if (this.mode === 'crop') {
      ctx.scale(this.flipH ? -1 : 1, this.flipV ? -1 : 1);
      ctx.rotate((this.rotation * Math.PI) / 180);
    }
    ctx.drawImage(image, (-file.width * s) / 2, (-file.height * s) / 2, file.width * s, file.height * s);
    ctx.restore();
  }

  override render() {
    const l = this.l10n;
    const file = this.file;
    if (!file) return nothing;
    const s = this.#scale;
    const { w, h } = this.#space;
    const b = this.box;
    const focus = this.mode === 'focus';
    const presets = [...builtInPresets, ...this.#hostPresets()];
    const corner = (handle: Handle, left: number, top: number, name: string) =>
      html`<button class="corner" type="button" data-handle=${handle} style=${`left:${left * s}px;top:${top * s}px`}
        aria-label=${l.t('handleCorner', { corner: name })} aria-describedby="box-status"
        @keydown=${(e: KeyboardEvent) => this.#onKey(e, handle)} @pointerdown=${(e: PointerEvent) => this.#onPointerDown(e, handle)}></button>`;
    return html`<dialog aria-labelledby="editor-title" @cancel=${(e: Event) => {
      e.preventDefault();
      this.#close();
    }}>
      <h2 id="editor-title">${l.t('editImage')}: ${file.name}</h2>
      <div class="controls" role="group" aria-label=${l.t('editMode')}>
        <button class="btn" type="button" aria-pressed=${String(!focus)} @click=${() => this.#setMode('crop')}>${l.t('cropMode')}</button>
        <button class="btn" type="button" aria-pressed=${String(focus)} @click=${() => this.#setMode('focus')}>${l.t('focusMode')}</button>
      </div>
      <div class="stage" style=${`width:${Math.round(w * s)}px;height:${Math.round(h * s)}px`}
        @pointermove=${this.#onPointerMove} @pointerup=${this.#onPointerUp} @pointercancel=${this.#onPointerUp}>
        <canvas aria-hidden="true"></canvas>
        <button class="box" type="button" data-handle="move"
          style=${`left:${b.x * s}px;top:${b.y * s}px;width:${b.w * s}px;height:${b.h * s}px`}
          aria-label=${focus ? l.t('handleFocus') : l.t('handleCrop')} aria-describedby="box-status"
          @keydown=${(e: KeyboardEvent) => this.#onKey(e, 'move')} @pointerdown=${(e: PointerEvent) => this.#onPointerDown(e, 'move')}></button>
        ${corner('nw', b.x, b.y, l.t('cornerNw'))}
        ${corner('ne', b.x + b.w, b.y, l.t('cornerNe'))}
        ${corner('sw', b.x, b.y + b.h, l.t('cornerSw'))}
        ${corner('se', b.x + b.w, b.y + b.h, l.t('cornerSe'))}
        ${focus ? nothing : this.layers.map((layer, index) => this.#renderLayer(layer, index))}
      </div>
      <p id="box-status" role="status" aria-live="polite">
        ${l.t(focus ? 'focusStatus' : 'cropStatus', { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.w), height: Math.round(b.h) })}
      </p>
      ${focus ? this.#renderFocusControls() : [this.#renderCropControls(presets), this.#renderLayerControls()]}
      ${this.message ? html`<p class=${this.message.error ? 'alert' : ''} role=${this.message.error ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
      <div class="buttons">
        ${this.undoTo ? html`<button class="btn" type="button" ?disabled=${this.busy} @click=${this.#undo}>${l.t('undo')}</button>` : nothing}
        ${focus ? nothing : html`<button class="btn" type="button" data-action="deliver" ?disabled=${this.busy || this.rotation !== 0 || this.flipH || this.flipV} @click=${this.#applyOnDelivery}>${l.t('applyOnDelivery')}</button>`}
        <button class="btn" type="button" @click=${this.#close}>${l.t('close')}</button>
        <button class="btn primary" type="button" data-action="apply" ?disabled=${this.busy} @click=${this.#apply}>${this.busy ? l.t('saving') : l.t('save')}</button>
      </div>
    </dialog>`;
  }

  #renderCropControls(presets: Array<[string, number]>) {
    const l = this.l10n;
    return html`<div class="controls">
        <label>${l.t('aspect')}
          <select id="ratio" @change=${(e: Event) => this.#applyRatio(Number((e.target as HTMLSelectElement).value))}>
            <option value="0">${l.t('aspectFree')}</option>
            ${presets.map(([name, ratio]) => html`<option value=${ratio} ?selected=${ratio === this.ratio}>${name}</option>`)}
          </select>
        </label>
        <button class="btn" type="button" @click=${() => this.#rotate()}>${l.t('rotate')}</button>
        <button class="btn" type="button" aria-pressed=${String(this.flipH)} @click=${() => {
          this.flipH = !this.flipH;
        }}>${l.t('flipH')}</button>
        <button class="btn" type="button" aria-pressed=${String(this.flipV)} @click=${() => {
          this.flipV = !this.flipV;
        }}>${l.t('flipV')}</button>
      </div>
      <div class="controls">
        <label>${l.t('resizeWidth')} <input id="resize-w" type="number" min="1" .value=${String(this.width ?? '')}
          @input=${(e: Event) => this.#resize('w', (e.target as HTMLInputElement).valueAsNumber)} /></label>
        <label>${l.t('resizeHeight')} <input id="resize-h" type="number" min="1" .value=${String(this.height ?? '')}
          @input=${(e: Event) => this.#resize('h', (e.target as HTMLInputElement).valueAsNumber)} /></label>
        <label>${l.t('format')}
          <select id="format" @change=${(e: Event) => {
            this.format = (e.target as HTMLSelectElement).value as typeof this.format;
          }}>
            <option value="">${l.t('formatSame')}</option>
            ${formats.map((f) => html`<option value=${f}>${f.toUpperCase()}</option>`)}
          </select>
        </label>
        ${
          this.format && this.format !== 'png'
            ? html`<label>${l.t('quality')} <input id="quality" type="number" min="1" max="100" .value=${String(this.quality)}
                @input=${(e: Event) => {
                  this.quality = clamp((e.target as HTMLInputElement).valueAsNumber || 80, 1, 100);
                }} /></label>`
            : nothing
        }
        <label><input type="checkbox" .checked=${this.#savesCopy} ?disabled=${this.#formatChange}
          aria-describedby=${this.#formatChange ? 'copy-why' : nothing} @change=${(e: Event) => {
            this.asCopy = (e.target as HTMLInputElement).checked;
          }} /> ${l.t('saveAsCopy')}</label>
        ${
          this.#formatChange
            ? html`<p id="copy-why" class="muted">${l.t('formatNeedsCopy', {
                format: this.format.toUpperCase(),
                current: (this.file?.mime.split('/')[1] ?? '').toUpperCase(),
              })}</p>`
            : nothing
        }
      </div>
      <div class="controls">
        <label>${l.t('cornerRadius')} <input id="radius" type="number" min="0" max="5000"
          .value=${this.radius === 'max' ? '' : String(this.radius)} ?disabled=${this.radius === 'max'}
          @input=${(e: Event) => {
            this.radius = clamp(Math.round((e.target as HTMLInputElement).valueAsNumber) || 0, 0, 5000);
          }} /></label>
        <label><input id="radius-max" type="checkbox" .checked=${this.radius === 'max'} @change=${(
          e: Event,
        ) => {
          this.radius = (e.target as HTMLInputElement).checked ? 'max' : 0;
        }} /> ${l.t('cornerRadiusMax')}</label>
        <label><input id="background-on" type="checkbox" .checked=${!!this.background} @change=${(
          e: Event,
        ) => {
          this.background = (e.target as HTMLInputElement).checked ? '#ffffff' : '';
        }} /> ${l.t('backgroundColour')}</label>
        ${
          this.background
            ? html`<input id="background" type="color" aria-label=${l.t('backgroundColour')} .value=${this.background}
                @input=${(e: Event) => {
                  this.background = (e.target as HTMLInputElement).value;
                }} />`
            : nothing
        }
      </div>`;
  }

  #renderLayer(layer: Layer, index: number) {
    const s = this.#scale;
    const place = `left:${layer.x * s}px;top:${layer.y * s}px`;
    const text = layer.kind === 'text';
    const style = text
      ? `${place};font:${Math.max(4, layer.size * s)}px '${layer.font}', sans-serif;color:${layer.color};background:${layer.background || 'transparent'}`
      : `${place};opacity:${layer.opacity / 100}`;
    return html`<button class="layer" type="button" data-layer=${index} style=${style}
      aria-pressed=${String(index === this.selected)} aria-describedby="layer-status"
      aria-label=${text ? this.l10n.t('textLayerHandle', { text: layer.text }) : this.l10n.t('imageLayerHandle', { name: layer.name })}
      @focus=${() => {
        this.selected = index;
      }}
      @keydown=${(e: KeyboardEvent) => this.#onLayerKey(e, index)}
      @pointerdown=${(e: PointerEvent) => this.#onLayerPointerDown(e, index)}>${
        text
          ? layer.text || ' '
          : html`<img alt="" draggable="false" src=${withTransform(layer.url, 'w-400,h-400,c-at_max')}
              style=${`display:block;width:${layer.width * s}px`} />`
      }</button>`;
  }

  #renderLayerControls() {
    const l = this.l10n;
    const layer = this.layers[this.selected];
    return html`<div class="controls" role="group" aria-label=${l.t('layers')}>
        <button class="btn" type="button" data-action="add-text" @click=${this.#addText}>${l.t('addText')}</button>
        <button class="btn" type="button" data-action="add-image" aria-expanded=${String(!!this.chooser)}
          @click=${() => (this.chooser ? this.#closeChooser() : void this.#openChooser())}>${l.t('addImage')}</button>
        ${this.chooser ? this.#renderChooser() : nothing}
        ${layer ? (layer.kind === 'text' ? this.#renderTextControls(layer) : this.#renderImageControls(layer)) : nothing}
        ${
          layer
            ? html`<button class="btn" type="button" @click=${() => this.#removeLayer(this.selected)}>${l.t('removeLayer')}</button>
              <p id="layer-status" role="status" aria-live="polite">${l.t('layerStatus', { x: Math.round(layer.x), y: Math.round(layer.y) })}</p>`
            : nothing
        }
      </div>`;
  }

  #renderTextControls(layer: TextLayer) {
    const l = this.l10n;
    const change = (patch: Partial<TextLayer>) => this.#changeLayer(this.selected, patch);
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    return html`<label>${l.t('layerText')} <input id="layer-text" type="text" .value=${layer.text}
        @input=${(e: Event) => change({ text: value(e) })} /></label>
      <label>${l.t('layerFont')}
        <select id="layer-font" @change=${(e: Event) => change({ font: value(e) as TextLayer['font'] })}>
          ${layerFonts.map((f) => html`<option ?selected=${f === layer.font}>${f}</option>`)}
        </select>
      </label>
      <label>${l.t('layerSize')} <input id="layer-size" type="number" min="4" max="500" .value=${String(layer.size)}
        @input=${(e: Event) => change({ size: clamp((e.target as HTMLInputElement).valueAsNumber || 4, 4, 500) })} /></label>
      <label>${l.t('layerColour')} <input id="layer-colour" type="color" .value=${layer.color}
        @input=${(e: Event) => change({ color: value(e) })} /></label>
      <label><input type="checkbox" .checked=${!!layer.background} @change=${(e: Event) =>
        change({
          background: (e.target as HTMLInputElement).checked ? '#000000' : '',
        })} /> ${l.t('layerBackground')}</label>
      ${
        layer.background
          ? html`<input id="layer-background" type="color" aria-label=${l.t('layerBackground')} .value=${layer.background}
              @input=${(e: Event) => change({ background: value(e) })} />`
          : nothing
      }`;
  }

  #renderImageControls(layer: ImageLayer) {
    const l = this.l10n;
    const change = (patch: Partial<ImageLayer>) => this.#changeLayer(this.selected, patch);
    const number = (e: Event) => (e.target as HTMLInputElement).valueAsNumber;
    return html`<span>${layer.name}</span>
      <label>${l.t('resizeWidth')} <input id="layer-width" type="number" min="1" max="5000" .value=${String(layer.width)}
        @input=${(e: Event) => change({ width: clamp(Math.round(number(e)) || 1, 1, 5000) })} /></label>
      <label>${l.t('layerOpacity')} <input id="layer-opacity" type="number" min="1" max="100" .value=${String(layer.opacity)}
        @input=${(e: Event) => change({ opacity: clamp(Math.round(number(e)) || 100, 1, 100) })} /></label>`;
  }

  #renderChooser() {
    const l = this.l10n;
    const chooser = this.chooser!;
    const body =
      chooser.files === undefined
        ? html`<p role="status">${l.t('loading')}</p>`
        : chooser.error
          ? html`<p class="alert" role="alert">${chooser.error}</p>`
          : chooser.files.length === 0
            ? html`<p role="status">${l.t('noImagesHere')}</p>`
            : html`<label>${l.t('watermarkImage')}
                <select id="watermark-file" @change=${(e: Event) => this.#addImage((e.target as HTMLSelectElement).value)}>
                  <option value="">${l.t('chooseImage')}</option>
                  ${chooser.files.map((f) => html`<option value=${f.fileId}>${f.name}</option>`)}
                </select>
              </label>`;
    return html`<label>${l.t('watermarkFolder')} <input id="watermark-folder" type="text" .value=${chooser.folder}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void this.#openChooser((e.target as HTMLInputElement).value);
          }
        }} /></label>
      <button class="btn" type="button" @click=${() =>
        this.#openChooser(
          this.renderRoot.querySelector<HTMLInputElement>('#watermark-folder')!.value,
        )}>${l.t('showImages')}</button>
      ${body}`;
  }

  /** Lists the images of `folder` (the file's own by default) to pick a watermark from. */
  async #openChooser(folder?: string): Promise<void> {
    const file = this.file;
    const client = this.client;
    if (!file || !client) return;
    const path = folder?.trim() || file.filePath.slice(0, file.filePath.lastIndexOf('/')) || '/';
    this.chooser = { folder: path };
    try {
      const assets = await client.listAssets({ path, type: 'file', fileType: 'image', limit: 200 });
      if (this.chooser?.folder !== path) return;
      this.chooser = { folder: path, files: assets.filter((a): a is MediaFile => a.type === 'file') };
    } catch (failure) {
      if (this.chooser?.folder === path)
        this.chooser = { folder: path, files: [], error: toMediaError(failure).message };
    }
  }

  #closeChooser(): void {
    this.chooser = undefined;
  }

  #addImage(fileId: string): void {
    const picked = this.chooser?.files?.find((f) => f.fileId === fileId);
    if (!picked) return;
    const { w } = this.#space;
    const b = this.box;
    this.layers = [
      ...this.layers,
      {
        kind: 'image',
        path: picked.filePath,
        name: picked.name,
        url: picked.url,
        width: Math.max(1, Math.min(picked.width ?? w, Math.round(w / 4))),
        opacity: 100,
        x: Math.round(b.x + b.w / 20),
        y: Math.round(b.y + b.h / 20),
      },
    ];
    this.selected = this.layers.length - 1;
    this.chooser = undefined;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-layer="${this.selected}"]`)?.focus(),
    );
  }

  #addText(): void {
    const { h } = this.#space;
    const b = this.box;
    this.layers = [
      ...this.layers,
      {
        kind: 'text',
        text: this.l10n.t('layerText'),
        font: 'Open Sans',
        size: Math.max(8, Math.round(h / 8)),
        color: '#ffffff',
        background: '',
        x: Math.round(b.x + b.w / 20),
        y: Math.round(b.y + b.h / 20),
      },
    ];
    this.selected = this.layers.length - 1;
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>('#layer-text');
      input?.focus();
      input?.select();
    });
  }

  /** `patch` holds fields of the layer's own kind (the controls for that kind send it). */
  #changeLayer(index: number, patch: Partial<TextLayer> | Partial<ImageLayer>): void {
    this.layers = this.layers.map((layer, i) => (i === index ? ({ ...layer, ...patch } as Layer) : layer));
  }

  #removeLayer(index: number): void {
    this.layers = this.layers.filter((_, i) => i !== index);
    this.selected = -1;
  }

  /** Moves a layer by (dx, dy) image pixels, its corner kept inside the image. */
  #moveLayer(index: number, dx: number, dy: number, from = this.layers[index]): void {
    if (!from) return;
    const { w, h } = this.#space;
    this.#changeLayer(index, { x: clamp(from.x + dx, 0, w - 1), y: clamp(from.y + dy, 0, h - 1) });
  }

  #onLayerKey(event: KeyboardEvent, index: number): void {
    const move = arrowMove(event);
    if (move) {
      event.preventDefault();
      this.#moveLayer(index, move[0], move[1]);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      this.#removeLayer(index);
      this.renderRoot.querySelector<HTMLElement>('[data-action="add-text"]')?.focus();
    }
  }

  #onLayerPointerDown(event: PointerEvent, index: number): void {
    event.preventDefault();
    (event.currentTarget as HTMLElement).focus();
    (event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId);
    this.selected = index;
    this.#layerDrag = { index, x: event.clientX, y: event.clientY, from: this.layers[index]! };
  }

  #renderFocusControls() {
    return html`<p class="muted">${this.l10n.t('focusHint')}</p>`;
  }

  #hostPresets(): Array<[string, number]> {
    const text = getComputedStyle(this)
      .getPropertyValue('--ml-crop-presets')
      .replace(/^\s*["']|["']\s*$/g, '');
    return text
      .split(',')
      .map((part) => /^(.*?)\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part.trim()))
      .filter((m): m is RegExpExecArray => !!m && Number(m[3]) > 0)
      .map((m) => [m[1] || `${m[2]}:${m[3]}`, Number(m[2]) / Number(m[3])]);
  }

  #setMode(mode: 'crop' | 'focus'): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.ratio = 0;
    this.message = undefined;
    this.#reset();
  }

  #rotate(): void {
    this.rotation = ((this.rotation + 90) % 360) as typeof this.rotation;
    this.width = this.height = undefined;
    this.#reset();
  }

  /** The largest box of this ratio, centred where the box is now. */
  #applyRatio(ratio: number): void {
    this.ratio = ratio;
    if (!ratio) return;
    const { w: sw, h: sh } = this.#space;
    let w = sw;
    let h = w / ratio;
    if (h > sh) {
      h = sh;
      w = h * ratio;
    }
    const cx = this.box.x + this.box.w / 2;
    const cy = this.box.y + this.box.h / 2;
    this.box = { x: clamp(cx - w / 2, 0, sw - w), y: clamp(cy - h / 2, 0, sh - h), w, h };
    this.#syncSize();
  }

  #resize(side: 'w' | 'h', value: number): void {
    const ok = Number.isFinite(value) && value > 0;
    const aspect = this.box.w / this.box.h;
    // The ratio is locked: one side follows the other.
    if (!ok) this.width = this.height = undefined;
    else if (side === 'w') [this.width, this.height] = [value, Math.max(1, Math.round(value / aspect))];
    else [this.width, this.height] = [Math.max(1, Math.round(value * aspect)), value];
  }

  #syncSize(): void {
    if (this.width !== undefined) this.#resize('w', this.width);
  }

  /** Moves a handle by (dx, dy) image pixels, keeping the box inside the image and to its ratio. */
  #moveHandle(handle: Handle, dx: number, dy: number, from = this.box): void {
    const { w: sw, h: sh } = this.#space;
    const min = 1;
    let { x, y, w, h } = from;
    if (handle === 'move') {
      x = clamp(x + dx, 0, sw - w);
      y = clamp(y + dy, 0, sh - h);
    } else {
      const west = handle === 'nw' || handle === 'sw';
      const north = handle === 'nw' || handle === 'ne';
      let right = x + w;
      let bottom = y + h;
      if (west) x = clamp(x + dx, 0, right - min);
      else right = clamp(right + dx, x + min, sw);
      if (north) y = clamp(y + dy, 0, bottom - min);
      else bottom = clamp(bottom + dy, y + min, sh);
      w = right - x;
      h = bottom - y;
      if (this.ratio) {
        // The side that moved more decides; the other follows, anchored at the opposite corner.
        if (Math.abs(dx) >= Math.abs(dy)) h = w / this.ratio;
        else w = h * this.ratio;
        if (west) x = right - w;
        if (north) y = bottom - h;
        if (x < 0 || y < 0 || x + w > sw || y + h > sh) return;
      }
    }
    this.box = { x, y, w, h };
    this.#syncSize();
  }

  #onKey(event: KeyboardEvent, handle: Handle): void {
    const move = arrowMove(event);
    if (move) {
      event.preventDefault();
      this.#moveHandle(handle, move[0], move[1]);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void this.#apply();
    }
  }

  #onPointerDown(event: PointerEvent, handle: Handle): void {
    event.preventDefault();
    (event.target as HTMLElement).focus();
    (event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId);
    this.#drag = { handle, x: event.clientX, y: event.clientY, box: this.box };
  }

  #onPointerMove(event: PointerEvent): void {
    const layerDrag = this.#layerDrag;
    if (layerDrag) {
      const s = this.#scale;
      const { index, from } = layerDrag;
      this.#moveLayer(index, (event.clientX - layerDrag.x) / s, (event.clientY - layerDrag.y) / s, from);
      return;
    }
    const drag = this.#drag;
    if (!drag) return;
    const s = this.#scale;
    this.#moveHandle(drag.handle, (event.clientX - drag.x) / s, (event.clientY - drag.y) / s, drag.box);
  }

  #onPointerUp(): void {
    this.#drag = undefined;
    this.#layerDrag = undefined;
  }

  #rounded(): Box {
    const { w: sw, h: sh } = this.#space;
    const x = clamp(Math.round(this.box.x), 0, sw - 1);
    const y = clamp(Math.round(this.box.y), 0, sh - 1);
    let w = clamp(Math.round(this.box.w), 1, sw - x);
    let h = clamp(Math.round(this.box.h), 1, sh - y);
    // A square stays square after rounding.
    if (this.ratio === 1) w = h = Math.min(w, h);
    return { x, y, w, h };
  }

  /** The edit as the server's operations, in the order it applies them. */
  #operations(): EditOperation[] {
    const ops: EditOperation[] = [];
    if (this.rotation) ops.push({ type: 'rotate', angle: this.rotation });
    if (this.flipH) ops.push({ type: 'flip', direction: 'horizontal' });
    if (this.flipV) ops.push({ type: 'flip', direction: 'vertical' });
    const b = this.#rounded();
    const { w, h } = this.#space;
    if (b.x !== 0 || b.y !== 0 || b.w !== w || b.h !== h)
      ops.push({ type: 'crop', x: b.x, y: b.y, width: b.w, height: b.h });
    // Drawn on the cropped image, as on delivery, before any resize.
    const drawn = this.#drawingSteps(b);
    if (drawn.length > 0) ops.push({ type: 'layers', transformation: drawn.join(':') });
    if (this.width && this.height && (this.width !== b.w || this.height !== b.h))
      ops.push({ type: 'resize', width: this.width, height: this.height });
    if (this.format)
      ops.push(
        this.format === 'png'
          ? { type: 'format', format: 'png' }
          : { type: 'format', format: this.format, quality: this.quality },
      );
    return ops;
  }

  async #apply(): Promise<void> {
    const { file, client, calls } = this;
    if (!file || !client || !calls || this.busy) return;
    const { editImage, updateFileDetails } = calls;
    const l = this.l10n;
    this.busy = true;
    this.message = undefined;
    try {
      if (this.mode === 'focus') {
        const b = this.#rounded();
        const saved = await updateFileDetails(client, file.fileId, {
          customCoordinates: `${b.x},${b.y},${b.w},${b.h}`,
        });
        this.file = saved;
        emit(this, 'asset-change', { asset: saved });
        this.message = { text: l.t('focusSaved'), error: false };
        return;
      }
      const operations = this.#operations();
      if (operations.length === 0) {
        this.message = { text: l.t('nothingToSave'), error: false };
        return;
      }
      const dot = file.name.lastIndexOf('.');
      const stem = dot > 0 ? file.name.slice(0, dot) : file.name;
      const ext = this.format ? `.${this.format}` : dot > 0 ? file.name.slice(dot) : '';
      const asCopy = this.#savesCopy;
      const saved = await editImage(client, file.fileId, {
        operations,
        ...(asCopy && { saveAs: { fileName: `${stem}-edited${ext}` } }),
      });
      if (asCopy) {
        emit(this, 'asset-change', { text: l.t('savedCopy', { name: saved.name }) });
      } else {
        this.undoTo = file.versionInfo.id;
        this.file = saved;
        emit(this, 'asset-change', { asset: saved });
      }
      this.message = { text: l.t('saved'), error: false };
      this.rotation = 0;
      this.flipH = this.flipV = false;
      this.width = this.height = undefined;
      this.format = '';
      this.radius = 0;
      this.background = '';
      this.layers = [];
      this.selected = -1;
      this.#reset();
      this.#reloadImage();
    } catch (failure) {
      this.message = { text: toMediaError(failure).message, error: true };
    } finally {
      this.busy = false;
    }
  }

  #reloadImage(): void {
    const image = new Image();
    image.onload = () => {
      this.#image = image;
      this.#draw();
    };
    image.src = withTransform(this.file!.url, 'w-1200,h-1200,c-at_max');
  }

  async #undo(): Promise<void> {
    const { file, client, calls, undoTo } = this;
    if (!file || !client || !calls || !undoTo) return;
    const { restoreVersion } = calls;
    this.busy = true;
    try {
      const restored = await restoreVersion(client, file.fileId, undoTo);
      this.file = restored;
      this.undoTo = undefined;
      emit(this, 'asset-change', { asset: restored });
      this.#reset();
      this.#reloadImage();
      this.message = { text: this.l10n.t('undone'), error: false };
    } catch (failure) {
      this.message = { text: toMediaError(failure).message, error: true };
    } finally {
      this.busy = false;
    }
  }

  /** Corners, background and layers as transformation steps, placed in the crop `b`. */
  #drawingSteps(b: Box): string[] {
    return [
      shapeTransformation(this.radius, this.background),
      ...this.layers.map((layer) => layerTransformation(layer, b)),
    ].filter(Boolean);
  }

  /**
   * Leaves the original alone: the file is handed on with a URL that crops and draws the layers
   * on delivery, each a step of its own after the crop.
   */
  #applyOnDelivery(): void {
    const file = this.file;
    if (!file) return;
    const b = this.#rounded();
    const { w, h } = this.#space;
    const steps = [
      ...(b.x !== 0 || b.y !== 0 || b.w !== w || b.h !== h
        ? [`cm-extract,x-${b.x},y-${b.y},w-${b.w},h-${b.h}`]
        : []),
      ...this.#drawingSteps(b),
    ];
    if (steps.length === 0) {
      this.message = { text: this.l10n.t('nothingToSave'), error: false };
      return;
    }
    const url = withTransform(file.url, steps.join(':'));
    emit(this, 'asset-change', { asset: { ...file, url, width: b.w, height: b.h } });
    this.message = { text: this.l10n.t('appliedOnDelivery'), error: false };
  }

  #close(): void {
    this.renderRoot.querySelector('dialog')?.close();
    emit(this, 'editor-close');
  }
}

customElements.get('ml-image-editor') || customElements.define('ml-image-editor', ImageEditorElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-image-editor': ImageEditorElement;
  }
}
