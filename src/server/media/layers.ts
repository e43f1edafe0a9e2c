import type { OverlayOptions } from 'sharp';
import { badRequest } from '../errors.js';
import { sizesFor } from './concrete.js';
import {
  fromRaw,
  gradientOverlay,
  opacityMask,
  type Raw,
  rawOverlay,
  roundedMask,
  solid,
  toRaw,
} from './effects.js';
import { bundledFont, defaultFont, type FontFace, renderText } from './text.js';
import type {
  ImageLayer,
  Layer,
  LayerFocus,
  LayerMode,
  Placement,
  Radius,
  SolidLayer,
  Step,
  TextLayer,
} from './transformation.js';
import { evaluate, type Sizes } from './values.js';

/** What a render starts from: an image's bytes, its type and, for `fo-custom`, its custom coordinates. */
export interface RenderSource {
  bytes: Buffer;
  mime: string;
  /** `x,y,w,h`, for `fo-custom`. */
  customCoordinates: string | null;
  /** Names these exact bytes (a file version), so renders of them may be reused. */
  id?: string;
}

/** Where layers find the files they name; each answers a 400 for a file that cannot be used. */
export interface LayerSources {
  image(path: string): Promise<RenderSource>;
  font(path: string): Promise<FontFace>;
}

export interface Size {
  width: number;
  height: number;
}

export interface LayerEnv {
  sources: LayerSources;
  /** Runs an image layer's own steps from its source, with `base` the size it will be drawn on. */
  renderImage(source: RenderSource, steps: Step[], base: Size, page: number | undefined): Promise<Raw>;
  /** Refuses a size past the render limits, before its pixels are made. */
  check(width: number, height: number): void;
  timeoutSeconds: number;
}

/** A layer's pixels and where its top-left corner goes on its base. */
export interface PlacedLayer {
  raw: Raw;
  left: number;
  top: number;
  mode?: LayerMode;
  /** For `lm-displace`: the largest move, in pixels, along each axis. */
  displace?: { x: number; y: number };
}

const transparent = { r: 0, g: 0, b: 0, alpha: 0 };
const black = { r: 0, g: 0, b: 0, alpha: 1 };
/** ImageKit's default text size. */
const defaultFontSize = 45;

const baseSizes = (base: Size): Sizes => ({ bw: base.width, bh: base.height, bar: base.width / base.height });

const corners = (radius: Radius, sizes: Sizes): 'max' | number[] =>
  radius === 'max' ? 'max' : radius.map((r) => evaluate(r, sizes, 'r'));

/** Renders a layer for a base of `base`'s size and places it. */
export async function renderLayer(layer: Layer, base: Size, env: LayerEnv): Promise<PlacedLayer> {
  let raw: Raw;
  let initial: Size;
  if (layer.type === 'image') {
    ({ raw, initial } = await imageLayer(layer, base, env));
  } else {
    raw = layer.type === 'text' ? await textLayer(layer, base, env) : await solidLayer(layer, base, env);
    initial = raw;
  }
  env.check(raw.width, raw.height);
  const { mode, x, y, ...rest } = layer.placement;
  if (mode === 'displace') {
    // A displacement map's lx and ly are how far it moves pixels; it sits where lfo puts it.
    const sizes = sizesFor({ initial, base }, raw);
    return {
      raw,
      ...place(rest, raw, base, initial),
      mode,
      displace: {
        x: x === undefined ? 0 : evaluate(x, sizes, 'lx'),
        y: y === undefined ? 0 : evaluate(y, sizes, 'ly'),
      },
    };
  }
  return { raw, ...place(layer.placement, raw, base, initial), ...(mode && { mode }) };
}

/**
 * Image layers drawn lately, by source version, steps and base size: a logo on every card of a
 * template is decoded, trimmed and resized once. Their pixels are only ever read.
 */
const drawnImages = new Map<string, Raw>();
const drawnImagesBudget = 32 * 1024 * 1024;
let drawnImagesBytes = 0;

function keepDrawn(key: string, raw: Raw): void {
  if (raw.data.length > drawnImagesBudget / 8) return;
  drawnImages.set(key, raw);
  drawnImagesBytes += raw.data.length;
  for (const [oldest, old] of drawnImages) {
    if (drawnImagesBytes <= drawnImagesBudget) break;
    drawnImages.delete(oldest);
    drawnImagesBytes -= old.data.length;
  }
}

async function imageLayer(layer: ImageLayer, base: Size, env: LayerEnv) {
  const source = await env.sources.image(layer.path);
  // ImageKit trims an image layer's uniform border unless the layer says t-false.
  const [first, ...rest] = layer.steps;
  const steps: Step[] =
    first && !('condition' in first) ? [{ trim: 10, ...first }, ...rest] : [{ trim: 10 }, ...layer.steps];
  const key =
    source.id && `${source.id}|${layer.page ?? ''}|${base.width}×${base.height}|${JSON.stringify(steps)}`;
  const kept = key ? drawnImages.get(key) : undefined;
  if (key && kept) {
    // Most recently used last.
    drawnImages.delete(key);
    drawnImages.set(key, kept);
    return { raw: kept, initial: kept };
  }
  const raw = await env.renderImage(source, steps, base, layer.page);
  if (key) keepDrawn(key, raw);
  return { raw, initial: raw };
}

async function textLayer(layer: TextLayer, base: Size, env: LayerEnv): Promise<Raw> {
  const sizes = baseSizes(base);
  const size = Math.round(evaluate(layer.fontSize ?? defaultFontSize, sizes, 'fs'));
  const wrap = layer.width === undefined ? undefined : Math.round(evaluate(layer.width, sizes, 'w'));
  if (size < 1 || (wrap !== undefined && wrap < 1)) {
    throw badRequest('A text layer needs a font size and width of at least 1 pixel.', {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  // Refuse a text past the limits from its length alone, before Pango lays it out.
  const longest = Math.max(...layer.text.split('\n').map((line) => line.length));
  const lines = layer.text.split('\n').length;
  const estimateWidth = Math.min(wrap ?? Number.POSITIVE_INFINITY, Math.ceil(longest * size * 0.7));
  env.check(estimateWidth, Math.ceil((lines + (wrap ? (longest * size * 0.7) / wrap : 0)) * size * 1.5));
  const font =
    layer.fontFamily === undefined
      ? defaultFont
      : layer.fontFamily.startsWith('/')
        ? await env.sources.font(layer.fontFamily)
        : bundledFont(layer.fontFamily);
  const { data, info } = await renderText(
    {
      text: layer.text,
      font,
      size,
      color: layer.color ?? black,
      bold: layer.bold ?? false,
      italic: layer.italic ?? false,
      strikethrough: layer.strikethrough ?? false,
      align: layer.innerAlign ?? 'center',
      ...(layer.lineHeight !== undefined && { lineHeight: evaluate(layer.lineHeight, sizes, 'lh') }),
      ...(wrap !== undefined && { wrapWidth: wrap }),
    },
    env.timeoutSeconds,
  );
  const [top, right, bottom, left] = (layer.padding ?? [0, 0, 0, 0]).map((v) =>
    Math.max(0, Math.round(evaluate(v, sizes, 'pa'))),
  ) as [number, number, number, number];
  const set = { data, width: info.width, height: info.height };
  // Plain text needs no box around it.
  if (
    !layer.background &&
    !layer.padding &&
    !layer.radius &&
    layer.alpha === undefined &&
    wrap === undefined
  ) {
    return turn(set, layer);
  }
  const inner = Math.max(wrap ?? 0, info.width);
  const width = inner + left + right;
  const height = info.height + top + bottom;
  env.check(width, height);
  const shift =
    layer.innerAlign === 'left'
      ? 0
      : layer.innerAlign === 'right'
        ? inner - info.width
        : Math.floor((inner - info.width) / 2);
  const overlays: OverlayOptions[] = [rawOverlay(set, { left: left + shift, top })];
  if (layer.radius) overlays.push(roundedMask(width, height, corners(layer.radius, sizes)));
  if (layer.alpha !== undefined) overlays.push(opacityMask(width, height, layer.alpha * 10));
  return turn(await toRaw(solid(width, height, layer.background ?? transparent).composite(overlays)), layer);
}

/** A text layer's flips and rotation, applied to its finished box. */
async function turn(raw: Raw, layer: TextLayer): Promise<Raw> {
  if (!layer.flip && !layer.rotate) return raw;
  let turned = fromRaw(raw);
  if (layer.flip === 'h' || layer.flip === 'h_v') turned = turned.flop();
  if (layer.flip === 'v' || layer.flip === 'h_v') turned = turned.flip();
  if (layer.rotate) turned = turned.rotate(layer.rotate, { background: transparent });
  return toRaw(turned);
}

async function solidLayer(layer: SolidLayer, base: Size, env: LayerEnv): Promise<Raw> {
  const sizes = baseSizes(base);
  const width = Math.round(layer.width === undefined ? base.width : evaluate(layer.width, sizes, 'w'));
  const height = Math.round(layer.height === undefined ? base.height : evaluate(layer.height, sizes, 'h'));
  if (width < 1 || height < 1) {
    throw badRequest('A solid layer is at least 1 pixel wide and high.', {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  env.check(width, height);
  const overlays: OverlayOptions[] = [];
  if (layer.gradient) {
    const stop = evaluate(layer.gradient.stop, sizes, 'sp');
    overlays.push(gradientOverlay(width, height, { ...layer.gradient, stop }, 'over'));
  }
  if (layer.radius) overlays.push(roundedMask(width, height, corners(layer.radius, sizes)));
  if (layer.alpha !== undefined) overlays.push(opacityMask(width, height, layer.alpha * 10));
  const canvas = solid(width, height, layer.color);
  return toRaw(overlays.length > 0 ? canvas.composite(overlays) : canvas);
}

/** Where along `outer` a `focus` puts something `inner` long: the start, the middle or the end. */
function along(focus: LayerFocus, outer: number, inner: number, start: string, end: string): number {
  if (focus.includes(start)) return 0;
  if (focus.includes(end)) return outer - inner;
  return Math.round((outer - inner) / 2);
}

/** The fraction along an axis `focus` names: 0 at the start, ½ in the middle, 1 at the end. */
const fraction = (focus: LayerFocus, start: string, end: string) =>
  focus.includes(start) ? 0 : focus.includes(end) ? 1 : 0.5;

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);

/**
 * ImageKit's layer positions: `lfo` places it by side or corner (centred by default); `lx`/`ly`
 * place its top-left corner, counted from the far side when negative (`N`) and kept within the
 * base; `lxc`/`lyc` its centre. With `lap`, offsets count from that point of the base, and the
 * layer's same point goes there.
 */
export function place(p: Placement, layer: Size, base: Size, initial: Size): { left: number; top: number } {
  // Positions are worked out last: cw and ch are the layer's final size.
  const sizes = sizesFor({ initial, base }, layer);
  const value = (v: Placement['x'], name: string) => (v === undefined ? undefined : evaluate(v, sizes, name));
  const [x, y, xc, yc] = [
    value(p.x, 'lx'),
    value(p.y, 'ly'),
    value(p.xCenter, 'lxc'),
    value(p.yCenter, 'lyc'),
  ];
  if (x === undefined && y === undefined && xc === undefined && yc === undefined) {
    const focus = p.focus ?? 'center';
    return {
      left: along(focus, base.width, layer.width, 'left', 'right'),
      top: along(focus, base.height, layer.height, 'top', 'bottom'),
    };
  }
  const axis = (
    offset: number | undefined,
    centre: number | undefined,
    outer: number,
    inner: number,
    start: string,
    end: string,
  ) => {
    if (p.anchor) {
      const at = fraction(p.anchor, start, end);
      if (centre !== undefined) return Math.round(outer * at + centre - inner / 2);
      return Math.round(outer * at + (offset ?? 0) - inner * at);
    }
    if (centre !== undefined) return Math.round(centre - inner / 2);
    const room = outer - inner;
    const from = (offset ?? 0) < 0 ? room + (offset ?? 0) : (offset ?? 0);
    return Math.round(clamp(from, Math.min(0, room), Math.max(0, room)));
  };
  return {
    left: axis(x, xc, base.width, layer.width, 'left', 'right'),
    top: axis(y, yc, base.height, layer.height, 'top', 'bottom'),
  };
}

/** The part of a layer that falls on a canvas of `size`, or nothing. */
function clip(placed: PlacedLayer, size: Size): { raw: Raw; left: number; top: number } | undefined {
  const { raw, left, top } = placed;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(size.width, left + raw.width);
  const y1 = Math.min(size.height, top + raw.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  if (x0 === left && y0 === top && x1 - x0 === raw.width && y1 - y0 === raw.height) return { raw, left, top };
  const width = x1 - x0;
  const height = y1 - y0;
  const data = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((y0 - top + row) * raw.width + (x0 - left)) * 4;
    raw.data.copy(data, row * width * 4, from, from + width * 4);
  }
  return { raw: { data, width, height }, left: x0, top: y0 };
}

/** Decoded pixels a layer can be drawn into: three (RGB) or four (RGBA) bytes a pixel. */
export interface Canvas {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/**
 * Draws plain layers (no `lm`) onto decoded pixels, in order, with sRGB "over" as libvips does.
 * Only the pixels under each layer are touched: libvips' composite reads the whole base in float
 * for even one small layer, which cost a 1200×630 card about twice its resize and encode.
 */
export function drawLayersOver(canvas: Canvas, layers: PlacedLayer[]): void {
  const { data, width, channels } = canvas;
  for (const layer of layers) {
    const visible = clip(layer, canvas);
    if (!visible) continue;
    if (layer.displace) {
      displaceUnder(canvas, visible, layer.displace);
      continue;
    }
    const src = visible.raw.data;
    for (let row = 0; row < visible.raw.height; row++) {
      let s = row * visible.raw.width * 4;
      let d = ((visible.top + row) * width + visible.left) * channels;
      for (let col = 0; col < visible.raw.width; col++, s += 4, d += channels) {
        const a = src[s + 3]!;
        if (a === 0) continue;
        if (channels === 3 || a === 255) {
          const keep = 255 - a;
          data[d] = (src[s]! * a + data[d]! * keep + 127) / 255;
          data[d + 1] = (src[s + 1]! * a + data[d + 1]! * keep + 127) / 255;
          data[d + 2] = (src[s + 2]! * a + data[d + 2]! * keep + 127) / 255;
          if (channels === 4) data[d + 3] = 255;
          continue;
        }
        // Both may be partly clear: straight (not premultiplied) alpha on both sides.
        const under = (data[d + 3]! * (255 - a)) / 255;
        const out = a + under;
        data[d] = (src[s]! * a + data[d]! * under) / out + 0.5;
        data[d + 1] = (src[s + 1]! * a + data[d + 1]! * under) / out + 0.5;
        data[d + 2] = (src[s + 2]! * a + data[d + 2]! * under) / out + 0.5;
        data[d + 3] = out + 0.5;
      }
    }
  }
}

/**
 * `lm-displace`: each base pixel under the map takes the pixel its red (across) and green (down)
 * channels point at: 128 stays, 255 reaches `x` (or `y`) pixels on, 0 as far back; the map's
 * alpha weighs the move in, and the map itself is not drawn.
 */
function displaceUnder(
  canvas: Canvas,
  map: { raw: Raw; left: number; top: number },
  by: { x: number; y: number },
) {
  const { data, width, height, channels } = canvas;
  const before = Buffer.from(data);
  const m = map.raw.data;
  for (let row = 0; row < map.raw.height; row++) {
    for (let col = 0; col < map.raw.width; col++) {
      const i = (row * map.raw.width + col) * 4;
      const a = m[i + 3]!;
      if (a === 0) continue;
      const x = map.left + col;
      const y = map.top + row;
      const fromX = clamp(Math.round(x + (by.x * (m[i]! - 128)) / 127), 0, width - 1);
      const fromY = clamp(Math.round(y + (by.y * (m[i + 1]! - 128)) / 127), 0, height - 1);
      const d = (y * width + x) * channels;
      const s = (fromY * width + fromX) * channels;
      for (let c = 0; c < channels; c++)
        data[d + c] = (before[s + c]! * a + before[d + c]! * (255 - a) + 127) / 255;
    }
  }
}

const blends: Record<Exclude<LayerMode, 'displace'>, OverlayOptions['blend']> = {
  multiply: 'multiply',
  cutout: 'dest-out',
  cutter: 'dest-in',
};

/**
 * The overlays that draw `layers` on a canvas of `size`, in order. A cutter keeps only what lies
 * under the layer's opaque pixels, so its mask covers the whole canvas; `crop` is the box the
 * canvas is then cut to.
 */
export function layerOverlays(
  layers: PlacedLayer[],
  size: Size,
): { overlays: OverlayOptions[]; crop?: Size & { left: number; top: number } } {
  const overlays: OverlayOptions[] = [];
  let crop: (Size & { left: number; top: number }) | undefined;
  for (const layer of layers) {
    const visible = clip(layer, size);
    if (layer.mode === 'cutter') {
      const mask = Buffer.alloc(size.width * size.height * 4);
      if (visible) {
        for (let row = 0; row < visible.raw.height; row++) {
          visible.raw.data.copy(
            mask,
            ((visible.top + row) * size.width + visible.left) * 4,
            row * visible.raw.width * 4,
            (row + 1) * visible.raw.width * 4,
          );
        }
        crop = { left: visible.left, top: visible.top, width: visible.raw.width, height: visible.raw.height };
      }
      overlays.push(rawOverlay({ data: mask, ...size }, { blend: 'dest-in' }));
      continue;
    }
    if (!visible) continue;
    overlays.push(
      rawOverlay(visible.raw, {
        left: visible.left,
        top: visible.top,
        blend: layer.mode && layer.mode !== 'displace' ? blends[layer.mode] : 'over',
      }),
    );
  }
  return { overlays, ...(crop && { crop }) };
}
