import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { badRequest } from '../errors.js';
import type {
  Color,
  Dimension,
  FormatParam,
  OutputOptions,
  Transformation,
  TransformStep,
} from './transformation.js';

/** What a transformation can produce. */
export type OutputFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif';

export const mimeOfFormat: Record<OutputFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
};

/** The format a source is re-encoded in when the URL does not choose one. */
const ownFormat: Record<string, OutputFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
};

/**
 * `f-auto` picks AVIF, then WebP, from what the client accepts; no `f` (or `f-orig`) keeps the
 * source's format, except that SVG and TIFF become PNG and JPEG, which browsers show.
 */
export function resolveOutputFormat(
  param: FormatParam | undefined,
  sourceMime: string,
  accept: string | undefined,
): OutputFormat {
  const own = ownFormat[sourceMime] ?? (sourceMime === 'image/tiff' ? 'jpeg' : 'png');
  switch (param) {
    case undefined:
    case 'orig':
      return own;
    case 'auto':
      if (accept?.includes('image/avif')) return 'avif';
      if (accept?.includes('image/webp')) return 'webp';
      return own;
    case 'jpg':
    case 'jpeg':
      return 'jpeg';
    default:
      return param;
  }
}

export interface RenderLimits {
  /** Largest input, in pixels: never decoded beyond this (sharp's `limitInputPixels`). */
  maxPixels: number;
  /** Largest output width or height. */
  maxSize: number;
  /** Largest output (and in-between image of a chain), in pixels. */
  maxOutputPixels: number;
  /** Memory for renders running at once; a render waits until its estimate fits. */
  memory?: RenderMemory;
}

/** Memory shared by the renders running at once. */
export interface RenderMemory {
  /** Waits until `bytes` fit beside the renders running, and holds them; answers the release. */
  reserve(bytes: number): Promise<() => void>;
}

/** Up to this many output pixels, JPEGs get optimised Huffman tables (which buffer the whole image). */
const optimisedJpegPixels = 4_000_000;

/**
 * What an encoder holds per output pixel, measured with sharp 0.34 on an 8000² image: baseline
 * JPEG and PNG stream by lines; optimised or progressive JPEG, WebP, AVIF and GIF hold it whole.
 */
function encoderBytesPerPixel(format: OutputFormat, o: OutputOptions, pixels: number): number {
  switch (format) {
    case 'jpeg':
      return o.progressive || pixels <= optimisedJpegPixels ? 6.5 : 0.5;
    case 'png':
      return 0.5;
    case 'webp':
      return 5.5;
    case 'avif':
      return 21;
    case 'gif':
      return 11;
  }
}

/** Fixed cost of any render: decoder state, buffers, the encoded result. */
const renderBaseBytes = 16 * 1024 * 1024;

export interface RenderSource {
  bytes: Buffer;
  mime: string;
  /** `x,y,w,h`, for `fo-custom`. */
  customCoordinates: string | null;
}

interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

const timeoutSeconds = 30;
const white: Color = { r: 255, g: 255, b: 255, alpha: 1 };
const sharpColor = (c: Color) => ({ r: c.r, g: c.g, b: c.b, alpha: c.alpha });

/** Refuses a step's output past the side or pixel limit, before any pixel of it is made. */
function assertWithinLimits(width: number, height: number, limits: RenderLimits): void {
  if (width > limits.maxSize || height > limits.maxSize) {
    throw badRequest(
      `The transformation would make a ${width}×${height} image; this server makes images up to ${limits.maxSize} pixels wide and high.`,
      { reason: 'TRANSFORMATION_TOO_LARGE' },
    );
  }
  if (width * height > limits.maxOutputPixels) {
    throw badRequest(
      `The transformation would make a ${width}×${height} image (${width * height} pixels); this server makes images of up to ${limits.maxOutputPixels} pixels.`,
      { reason: 'TRANSFORMATION_TOO_LARGE' },
    );
  }
}

function parseRegion(text: string | null): Region | null {
  if (!text) return null;
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const [left, top, width, height] = parts as [number, number, number, number];
  return width > 0 && height > 0 ? { left, top, width, height } : null;
}

/**
 * Runs the chain with sharp. Every decoder is bounded by `limitInputPixels`; each step after the
 * first starts from the previous step's raw pixels, so steps compose as ImageKit chains do.
 */
export async function renderTransformation(
  source: RenderSource,
  t: Transformation,
  format: OutputFormat,
  limits: RenderLimits,
): Promise<Buffer> {
  const options: SharpOptions = { limitInputPixels: limits.maxPixels, failOn: 'error' };
  if (source.mime === 'image/svg+xml') options.density = await svgDensity(source.bytes, t.steps[0], limits);
  const image = sharp(source.bytes, options).autoOrient().timeout({ seconds: timeoutSeconds });
  const meta = await sharp(source.bytes, options).metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const custom = parseRegion(source.customCoordinates);
  // The source's own bytes are in memory for the whole render too.
  const needed = source.bytes.length + memoryNeeded(t, width, height, custom, format, limits);
  const release = await (limits.memory?.reserve(needed) ?? (() => {}));
  try {
    return await runSteps(image, t, format, width, height, custom, limits);
  } finally {
    release();
  }
}

/** The size a step makes: its geometry, turned by a rotation and grown by a border; refused past the limits. */
function stepOutput(step: TransformStep, geometry: Geometry, limits: RenderLimits) {
  let { width, height } = geometry;
  if (step.rotate === 90 || step.rotate === 270) [width, height] = [height, width];
  if (step.border) {
    width += 2 * step.border.width;
    height += 2 * step.border.width;
  }
  assertWithinLimits(width, height, limits);
  return { width, height };
}

/** Sizes each step makes, planned before any pixel is decoded (a trim is taken to keep the size). */
function stepSizes(
  t: Transformation,
  width: number,
  height: number,
  custom: Region | null,
  limits: RenderLimits,
) {
  const sizes: Array<{ width: number; height: number; materialised: boolean }> = [];
  for (const [index, step] of t.steps.entries()) {
    const geometry = planGeometry(step, width, height, index === 0 ? custom : null, limits);
    ({ width, height } = stepOutput(step, geometry, limits));
    const materialised =
      index < t.steps.length - 1 ||
      Boolean(step.trim) ||
      (hasFinishing(step) && Boolean(geometry.extend || step.border));
    sizes.push({ width, height, materialised });
  }
  return sizes;
}

/**
 * About how much memory a render holds at its peak: a chain's steps pass raw pixels (four bytes
 * each, two images at a hand-over), a rotation or trim decodes the source whole, and the encoder
 * holds what its format needs. An over-estimate is safe; an under-estimate is what the limit is for.
 */
export function memoryNeeded(
  t: Transformation,
  width: number,
  height: number,
  custom: Region | null,
  format: OutputFormat,
  limits: RenderLimits,
): number {
  const raw = (w: number, h: number) => w * h * 4;
  const first = t.steps[0];
  let held = first && (first.rotate || first.flip || first.trim) ? raw(width, height) : 0;
  let peak = held;
  let out = { width, height };
  for (const size of stepSizes(t, width, height, custom, limits)) {
    if (size.materialised) {
      peak = Math.max(peak, held + raw(size.width, size.height));
      held = raw(size.width, size.height);
    }
    out = size;
  }
  const pixels = out.width * out.height;
  return renderBaseBytes + Math.max(peak, held + pixels * encoderBytesPerPixel(format, t.output, pixels));
}

async function runSteps(
  start: Sharp,
  t: Transformation,
  format: OutputFormat,
  startWidth: number,
  startHeight: number,
  custom: Region | null,
  limits: RenderLimits,
): Promise<Buffer> {
  let image = start;
  let width = startWidth;
  let height = startHeight;
  for (const [index, step] of t.steps.entries()) {
    if (step.trim) {
      ({ image, width, height } = await materialise(image.trim({ threshold: step.trim }), limits));
    }
    const geometry = planGeometry(step, width, height, index === 0 ? custom : null, limits);
    image = applyGeometry(image, geometry);
    const finishing = hasFinishing(step);
    if (finishing && (geometry.extend || step.border)) {
      ({ image } = await materialise(image, limits));
    }
    if (finishing) image = applyFinishing(image, step);
    ({ width, height } = stepOutput(step, geometry, limits));
    if (index < t.steps.length - 1) ({ image, width, height } = await materialise(image, limits));
  }
  return encode(image, format, t.output, width * height).toBuffer();
}

/** SVGs are vector: rasterise them at the size the first step asks for, not at 72 dpi then upscale. */
async function svgDensity(bytes: Buffer, step: TransformStep | undefined, limits: RenderLimits) {
  const meta = await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  const px = (d: Dimension | undefined) => (d && 'px' in d ? d.px * (step?.dpr ?? 1) : 0);
  const scale = Math.max(px(step?.width) / (meta.width || 1), px(step?.height) / (meta.height || 1), 1);
  return Math.min(72 * scale, 72 * 50);
}

async function materialise(image: Sharp, limits: RenderLimits) {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const next = sharp(data, {
    raw: { width: info.width, height: info.height, channels: info.channels },
    limitInputPixels: limits.maxPixels,
  }).timeout({ seconds: timeoutSeconds });
  return { image: next, width: info.width, height: info.height };
}

interface Geometry {
  preExtract?: Region;
  resize?: {
    width?: number;
    height?: number;
    fit: 'cover' | 'contain' | 'fill' | 'inside' | 'outside';
    position?: string | number;
    background?: Color;
    withoutEnlargement?: boolean;
  };
  extend?: { top: number; bottom: number; left: number; right: number; background: Color };
  /** Output size of the step's geometry. */
  width: number;
  height: number;
}

const coverPositions: Record<string, string | number> = {
  center: 'centre',
  top: 'top',
  left: 'left',
  bottom: 'bottom',
  right: 'right',
  top_left: 'left top',
  top_right: 'right top',
  bottom_left: 'left bottom',
  bottom_right: 'right bottom',
  auto: sharp.strategy.attention,
  custom: 'centre',
};

/** Where `fo` puts a window of `inner` within `outer` along one axis: 0, the middle or the end. */
function along(focus: string, outer: number, inner: number, start: string, end: string): number {
  if (focus.includes(start)) return 0;
  if (focus.includes(end)) return outer - inner;
  return Math.floor((outer - inner) / 2);
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/** The pixel sizes a step asks for, from w, h, ar and dpr; either may stay undefined. */
function targetSize(step: TransformStep, width: number, height: number) {
  const resolve = (d: Dimension | undefined, of: number) =>
    d === undefined ? undefined : 'px' in d ? d.px : Math.max(1, Math.round(d.fraction * of));
  let w = resolve(step.width, width);
  let h = resolve(step.height, height);
  if (step.aspectRatio) {
    const ratio = step.aspectRatio.width / step.aspectRatio.height;
    if (w !== undefined && h === undefined) h = Math.max(1, Math.round(w / ratio));
    else if (h !== undefined && w === undefined) w = Math.max(1, Math.round(h * ratio));
  }
  if (step.dpr !== undefined) {
    if (w !== undefined) w = Math.max(1, Math.round(w * step.dpr));
    if (h !== undefined) h = Math.max(1, Math.round(h * step.dpr));
  }
  return { w, h };
}

/**
 * Decides crop, resize and padding for one step from the input size, before any pixel is
 * touched, and refuses an output over the size limit (what is made, not what is asked: `w-400,
 * c-at_max` of a small image is small).
 */
function planGeometry(
  step: TransformStep,
  width: number,
  height: number,
  custom: Region | null,
  limits: RenderLimits,
): Geometry {
  const geometry = geometryOf(step, width, height, custom);
  assertWithinLimits(geometry.width, geometry.height, limits);
  return geometry;
}

function geometryOf(step: TransformStep, width: number, height: number, custom: Region | null): Geometry {
  const { w, h } = targetSize(step, width, height);
  const focus = step.focus ?? 'center';
  const background = step.background ?? white;

  if (step.cropMode === 'extract' || step.cropMode === 'pad_extract') {
    if (focus === 'auto') {
      throw badRequest(
        'fo-auto works with resizing crops; with cm-extract use x, y, xc, yc or a side such as fo-top.',
        {
          reason: 'INVALID_TRANSFORMATION',
        },
      );
    }
    const region = focus === 'custom' && custom && w === undefined && h === undefined ? custom : undefined;
    const ew = region?.width ?? w ?? width;
    const eh = region?.height ?? h ?? height;
    const rw = Math.min(ew, width);
    const rh = Math.min(eh, height);
    let left: number;
    let top: number;
    if (region) [left, top] = [region.left, region.top];
    else if (step.x !== undefined || step.y !== undefined) {
      left = step.x ?? along(focus, width, rw, 'left', 'right');
      top = step.y ?? along(focus, height, rh, 'top', 'bottom');
    } else if (step.xc !== undefined || step.yc !== undefined) {
      left = step.xc !== undefined ? Math.round(step.xc - rw / 2) : along(focus, width, rw, 'left', 'right');
      top = step.yc !== undefined ? Math.round(step.yc - rh / 2) : along(focus, height, rh, 'top', 'bottom');
    } else if (focus === 'custom' && custom) {
      left = Math.round(custom.left + custom.width / 2 - rw / 2);
      top = Math.round(custom.top + custom.height / 2 - rh / 2);
    } else {
      left = along(focus, width, rw, 'left', 'right');
      top = along(focus, height, rh, 'top', 'bottom');
    }
    const preExtract = {
      left: clamp(left, 0, width - rw),
      top: clamp(top, 0, height - rh),
      width: rw,
      height: rh,
    };
    if (step.cropMode === 'extract' || (ew === rw && eh === rh)) {
      return { preExtract, width: rw, height: rh };
    }
    const padLeft = along(focus, ew, rw, 'left', 'right');
    const padTop = along(focus, eh, rh, 'top', 'bottom');
    return {
      preExtract,
      extend: {
        left: padLeft,
        right: ew - rw - padLeft,
        top: padTop,
        bottom: eh - rh - padTop,
        background,
      },
      width: ew,
      height: eh,
    };
  }

  if (w === undefined && h === undefined) return { width, height };

  if (step.cropMode === 'pad_resize' && w !== undefined && h !== undefined) {
    const position = focus === 'auto' || focus === 'custom' ? 'centre' : coverPositions[focus]!;
    return { resize: { width: w, height: h, fit: 'contain', position, background }, width: w, height: h };
  }

  const crop = step.crop ?? 'maintain_ratio';
  if (w === undefined || h === undefined) {
    if (crop === 'force') {
      return {
        resize: { width: w ?? width, height: h ?? height, fit: 'fill' },
        width: w ?? width,
        height: h ?? height,
      };
    }
    const withoutEnlargement = crop === 'at_max' || crop === 'maintain_ratio_no_enlarge';
    let scale = w !== undefined ? w / width : h! / height;
    if (withoutEnlargement) scale = Math.min(scale, 1);
    return {
      resize: { ...(w !== undefined ? { width: w } : { height: h! }), fit: 'inside', withoutEnlargement },
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    };
  }
  switch (crop) {
    case 'force':
      return { resize: { width: w, height: h, fit: 'fill' }, width: w, height: h };
    case 'at_max':
    case 'at_max_enlarge':
    case 'at_least': {
      const scales = [w / width, h / height];
      let scale = crop === 'at_least' ? Math.max(...scales) : Math.min(...scales);
      if (crop === 'at_max') scale = Math.min(scale, 1);
      return {
        resize: {
          width: w,
          height: h,
          fit: crop === 'at_least' ? 'outside' : 'inside',
          withoutEnlargement: crop === 'at_max',
        },
        width: Math.max(1, Math.round(width * scale)),
        height: Math.max(1, Math.round(height * scale)),
      };
    }
    default: {
      const withoutEnlargement = crop === 'maintain_ratio_no_enlarge';
      const size =
        withoutEnlargement && (w > width || h > height) ? { width, height } : { width: w, height: h };
      if (focus === 'custom' && custom) {
        return {
          preExtract: windowAround(custom, w / h, width, height),
          resize: { width: w, height: h, fit: 'fill', withoutEnlargement },
          ...size,
        };
      }
      return {
        resize: { width: w, height: h, fit: 'cover', position: coverPositions[focus]!, withoutEnlargement },
        ...size,
      };
    }
  }
}

/** The smallest window of `ratio` (w/h) that holds `region`, kept inside the image. */
function windowAround(region: Region, ratio: number, width: number, height: number): Region {
  let ww = Math.max(region.width, region.height * ratio);
  let wh = ww / ratio;
  if (ww > width) [ww, wh] = [width, width / ratio];
  if (wh > height) [ww, wh] = [height * ratio, height];
  const w = Math.max(1, Math.round(ww));
  const h = Math.max(1, Math.round(wh));
  const left = Math.round(region.left + region.width / 2 - w / 2);
  const top = Math.round(region.top + region.height / 2 - h / 2);
  return { left: clamp(left, 0, width - w), top: clamp(top, 0, height - h), width: w, height: h };
}

function applyGeometry(image: Sharp, g: Geometry): Sharp {
  if (g.preExtract) image = image.extract(g.preExtract);
  if (g.resize) {
    const { background, ...resize } = g.resize;
    image = image.resize({ ...resize, ...(background && { background: sharpColor(background) }) });
  }
  if (g.extend) {
    const { background, ...sides } = g.extend;
    image = image.extend({ ...sides, background: sharpColor(background) });
  }
  return image;
}

const hasFinishing = (s: TransformStep) =>
  Boolean(s.flip || s.rotate || s.blur || s.grayscale || s.sharpen || s.contrast || s.border);

/** Flips come before rotation within a step (sharp's order); chain steps for the other order. */
function applyFinishing(image: Sharp, s: TransformStep): Sharp {
  if (s.flip === 'h' || s.flip === 'h_v') image = image.flop();
  if (s.flip === 'v' || s.flip === 'h_v') image = image.flip();
  if (s.rotate) image = image.rotate(s.rotate);
  if (s.blur) image = image.blur(Math.max(0.3, s.blur / 2));
  if (s.sharpen) image = image.sharpen({ sigma: 0.5 + s.sharpen * 0.5 });
  if (s.contrast) image = image.normalise();
  if (s.grayscale) image = image.greyscale();
  if (s.border) {
    const b = s.border.width;
    image = image.extend({ top: b, bottom: b, left: b, right: b, background: sharpColor(s.border.color) });
  }
  return image;
}

/** Encodes with ImageKit's default qualities (80; AVIF 50); metadata is stripped unless `md-true`. */
export function encode(image: Sharp, format: OutputFormat, o: OutputOptions, pixels: number): Sharp {
  if (o.keepMetadata) image = image.keepMetadata();
  else if (o.keepColorProfile) image = image.keepIccProfile();
  switch (format) {
    case 'jpeg':
      return image.flatten({ background: '#ffffff' }).jpeg({
        quality: o.quality ?? 80,
        progressive: o.progressive ?? false,
        // Optimised tables buffer every coefficient (6 bytes a pixel): worth it on web-sized images only.
        optimiseCoding: pixels <= optimisedJpegPixels,
      });
    case 'png':
      return image.png({ progressive: o.progressive ?? false });
    case 'webp':
      return image.webp({ quality: o.quality ?? 80, lossless: o.lossless ?? false });
    case 'avif':
      return image.avif({ quality: o.quality ?? 50, lossless: o.lossless ?? false, effort: 2 });
    case 'gif':
      return image.gif();
  }
}
