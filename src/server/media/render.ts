import sharp, { type OverlayOptions, type Sharp, type SharpOptions } from 'sharp';
import { badRequest } from '../errors.js';
import { type ConcreteStep, concreteStep, type Frame, sizesFor } from './concrete.js';
import {
  distort,
  distortedSize,
  fromRaw,
  gradientOverlay,
  opacityMask,
  type Raw,
  rawOverlay,
  roundedMask,
  toRaw,
  withShadow,
} from './effects.js';
import {
  applyGeometry,
  type Geometry,
  parseRegion,
  planGeometry,
  type Region,
  sharpColor,
} from './geometry.js';
import {
  drawLayersOver,
  type LayerEnv,
  type LayerSources,
  layerOverlays,
  type PlacedLayer,
  type RenderSource,
  renderLayer,
  type Size,
} from './layers.js';
import {
  type FormatParam,
  isConditional,
  type Layer,
  type OutputOptions,
  type Step,
  type Transformation,
} from './transformation.js';
import { evaluate, holds } from './values.js';

export type { LayerSources, RenderSource } from './layers.js';

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
 * source's format, except that SVG and TIFF become PNG and JPEG, which browsers show. `f-svg`
 * is served as the SVG itself, never rendered.
 */
export function resolveOutputFormat(
  param: FormatParam | undefined,
  sourceMime: string,
  accept: string | undefined,
  /** The render makes transparency (`e-bgremove`): `f-auto` picks a format that keeps it. */
  alpha = false,
): OutputFormat {
  const own = ownFormat[sourceMime] ?? (sourceMime === 'image/tiff' ? 'jpeg' : 'png');
  switch (param) {
    case undefined:
    case 'orig':
    case 'svg':
      return own;
    case 'auto':
      if (accept?.includes('image/avif')) return 'avif';
      if (accept?.includes('image/webp')) return 'webp';
      return alpha && own === 'jpeg' ? 'png' : own;
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
  /** Largest output (and in-between image of a chain, and each layer), in pixels. */
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

const timeoutSeconds = 30;
const rawBytes = (s: Size) => s.width * s.height * 4;

/** Refuses a size past the side or pixel limit, before any pixel of it is made. */
export function assertWithinLimits(width: number, height: number, limits: RenderLimits): void {
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

/** An image on its way through a chain: a sharp pipeline, its size, and whether it is decoded pixels. */
interface Pixels {
  image: Sharp;
  width: number;
  height: number;
  /** The pipeline reads raw pixels in memory (a later step may start from it directly). */
  decoded: boolean;
  /** The pixels may be transparent somewhere. */
  alpha: boolean;
  /** The pipeline ends in a composite (sharp flattens before compositing, so a JPEG decodes it first). */
  composited?: boolean;
}

/**
 * Cuts the subject out of an image (`e-bgremove`): RGBA pixels in, the same size out, transparent
 * outside the subject. Given by the caller that has a background remover (delivery).
 */
export type BackgroundCutter = (pixels: Raw) => Promise<Raw>;

/** Everything a render consults besides the step: limits, and where layers find their files. */
interface Env {
  limits: RenderLimits;
  sources: LayerSources | undefined;
  cutOut: BackgroundCutter | undefined;
  /** Sources read once per render, planning and drawing alike. */
  cache: Map<string, Promise<RenderSource>>;
}

const sourceOptions = (limits: RenderLimits, page?: number): SharpOptions => ({
  limitInputPixels: limits.maxPixels,
  failOn: 'error',
  ...(page !== undefined && { page: page - 1 }),
});

/** A source decoded and turned upright, with its size and, when it has several, the page asked for. */
async function openSource(
  source: RenderSource,
  firstStep: Step | undefined,
  limits: RenderLimits,
  page?: number,
) {
  const options = sourceOptions(limits, page);
  if (source.mime === 'image/svg+xml') options.density = await svgDensity(source.bytes, firstStep, limits);
  const meta = await sharp(source.bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' }).metadata();
  if (page !== undefined && page > (meta.pages ?? 1)) {
    throw badRequest(
      `pg-${page}: this image has ${meta.pages ?? 1} page${(meta.pages ?? 1) === 1 ? '' : 's'}.`,
      {
        reason: 'INVALID_TRANSFORMATION',
      },
    );
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const image = sharp(source.bytes, options).autoOrient().timeout({ seconds: timeoutSeconds });
  return { image, width, height, alpha: meta.hasAlpha ?? false };
}

/**
 * Runs the chain with sharp. Every decoder is bounded by `limitInputPixels`; each step after the
 * first starts from the previous step's raw pixels, so steps compose as ImageKit chains do. The
 * whole render (layers included) is planned first: sizes checked against the limits, and the
 * memory it will hold reserved.
 */
export async function renderTransformation(
  source: RenderSource,
  t: Transformation,
  format: OutputFormat,
  limits: RenderLimits,
  sources?: LayerSources,
  cutOut?: BackgroundCutter,
): Promise<Buffer> {
  const env: Env = { limits, sources, cutOut, cache: new Map() };
  const start = await openSource(source, t.steps[0], limits, multiPage(source.mime) ? t.page : undefined);
  if (t.page !== undefined && !multiPage(source.mime) && t.page > 1) {
    throw badRequest(`pg-${t.page}: this file has one page.`, { reason: 'INVALID_TRANSFORMATION' });
  }
  const custom = parseRegion(source.customCoordinates);
  const frame: Frame = { initial: start };
  const plan = await planChain(t.steps, start, frame, env, custom, start.width * start.height);
  const pixels = plan.size.width * plan.size.height;
  // The source's own bytes are in memory for the whole render too.
  const needed =
    source.bytes.length +
    renderBaseBytes +
    Math.max(plan.peak, plan.held + pixels * encoderBytesPerPixel(format, t.output, pixels));
  const release = await (limits.memory?.reserve(needed) ?? (() => {}));
  try {
    let result = await runChain({ ...start, decoded: false }, t.steps, frame, env, custom, false);
    // A background colour composited under transparency would be flattened to white before it is drawn.
    if (format === 'jpeg' && result.composited && !result.decoded) result = await decode(result, limits);
    return await encode(result.image, format, t.output, result.width * result.height).toBuffer();
  } finally {
    release();
  }
}

const multiPage = (mime: string) => mime === 'image/gif' || mime === 'image/webp' || mime === 'image/tiff';

/** Reads a layer's image once per render. */
function layerSource(env: Env, path: string): Promise<RenderSource> {
  if (!env.sources) {
    throw badRequest('Layers from the library are not available here.', { reason: 'INVALID_TRANSFORMATION' });
  }
  let source = env.cache.get(path);
  if (!source) {
    source = env.sources.image(path);
    env.cache.set(path, source);
  }
  return source;
}

/** The steps to run from here: an `if` block is replaced by its branch, chosen by the image now. */
function nextSteps(queue: Step[], at: number, frame: Frame, size: Size): void {
  const step = queue[at]!;
  if (!isConditional(step)) return;
  const now = sizesFor(frame, size);
  const branch = holds(step.condition, {
    w: size.width,
    h: size.height,
    ar: size.width / size.height,
    iw: now.iw!,
    ih: now.ih!,
    iar: now.iar!,
  })
    ? step.then
    : step.otherwise;
  queue.splice(at, 1, ...branch);
  if (queue[at] && isConditional(queue[at]!)) nextSteps(queue, at, frame, size);
}

const hasFinishing = (s: ConcreteStep) =>
  Boolean(s.flip || s.rotate || s.blur || s.grayscale || s.sharpen || s.unsharpMask || s.contrast);

/** Work on the step's whole result, in memory: shape, effects, backgrounds under transparency, layers. */
const hasPixelWork = (s: ConcreteStep, alpha: boolean) =>
  Boolean(
    s.radius ||
      s.opacity !== undefined ||
      s.distort ||
      s.shadow ||
      s.gradient ||
      s.colorize ||
      s.layers?.length ||
      (s.background && 'color' in s.background && alpha),
  );

/** What a step makes: its geometry, turned by a rotation, grown by a border or an arc. */
function stepOutput(step: ConcreteStep, geometry: Geometry): Size {
  let { width, height } = geometry;
  if (step.rotate === 90 || step.rotate === 270) [width, height] = [height, width];
  else if (step.rotate) {
    const radians = (step.rotate * Math.PI) / 180;
    [width, height] = [
      Math.round(Math.abs(width * Math.cos(radians)) + Math.abs(height * Math.sin(radians))),
      Math.round(Math.abs(width * Math.sin(radians)) + Math.abs(height * Math.cos(radians))),
    ];
  }
  if (step.border) {
    width += 2 * step.border.width;
    height += 2 * step.border.width;
  }
  if (step.distort) ({ width, height } = distortedSize(width, height, step.distort));
  return { width, height };
}

/**
 * Plans a chain before any pixel is decoded (a trim is taken to keep the size): every size it
 * makes is checked against the limits, and its memory estimated. A chain's steps pass raw pixels
 * (four bytes each, two images at a hand-over), a rotation or trim decodes the source whole,
 * layers hold their own pixels and sources. An over-estimate is safe; an under-estimate is what
 * the limit is for.
 */
async function planChain(
  steps: Step[],
  start: Size,
  frame: Frame,
  env: Env,
  custom: Region | null,
  sourcePixels: number,
): Promise<{ size: Size; peak: number; held: number }> {
  const queue = [...steps];
  let size: Size = { width: start.width, height: start.height };
  let held = 0;
  let peak = 0;
  for (let at = 0; at < queue.length; at++) {
    nextSteps(queue, at, frame, size);
    const step = queue[at];
    if (!step || isConditional(step)) continue;
    const concrete = concreteStep(step, sizesFor(frame, size));
    if (at === 0 && (concrete.rotate || concrete.flip || concrete.trim)) held = sourcePixels * 4;
    const geometry = planGeometry(concrete, size.width, size.height, at === 0 ? custom : null);
    assertWithinLimits(geometry.width, geometry.height, env.limits);
    const out = stepOutput(concrete, geometry);
    assertWithinLimits(out.width, out.height, env.limits);
    let layers = 0;
    for (const layer of concrete.layers ?? []) layers += await planLayer(layer, out, env);
    // A cut-out holds the step's input decoded, and the remover's answer beside it.
    if (concrete.removeBackground) peak = Math.max(peak, held + rawBytes(size) * 3 + layers);
    const materialised =
      at < queue.length - 1 ||
      Boolean(concrete.trim) ||
      hasFinishing(concrete) ||
      hasPixelWork(concrete, true) ||
      Boolean(concrete.border);
    if (materialised) {
      // Up to three images at once within a step: its input, an in-between, and its result.
      const working = rawBytes(out) * (hasPixelWork(concrete, true) ? 2 : 1);
      peak = Math.max(peak, held + working + layers);
      held = rawBytes(out);
    }
    size = out;
  }
  return { size, peak, held };
}

/** Bytes a layer holds while it is drawn, after checking every size it makes against the limits. */
async function planLayer(layer: Layer, base: Size, env: Env): Promise<number> {
  if (layer.type === 'solid') {
    const sizes = sizesFor({ initial: base, base }, base);
    const width = Math.round(layer.width === undefined ? base.width : evaluate(layer.width, sizes, 'w'));
    const height = Math.round(layer.height === undefined ? base.height : evaluate(layer.height, sizes, 'h'));
    assertWithinLimits(width, height, env.limits);
    return rawBytes({ width, height });
  }
  // A text layer's size is known once it is set; it is checked then. Reserve about its base's worth.
  if (layer.type === 'text') return rawBytes(base);
  const source = await layerSource(env, layer.path);
  const start = await openSource(source, layer.steps[0], env.limits, layer.page);
  const plan = await planChain(
    layer.steps,
    start,
    { initial: start, base },
    env,
    parseRegion(source.customCoordinates),
    start.width * start.height,
  );
  return source.bytes.length + rawBytes(start) + plan.peak + rawBytes(plan.size);
}

/** Runs a chain: each step from the previous one's pixels, the last left as a pipeline unless `decodeLast`. */
async function runChain(
  start: Pixels,
  steps: Step[],
  frame: Frame,
  env: Env,
  custom: Region | null,
  decodeLast: boolean,
): Promise<Pixels> {
  const queue = [...steps];
  let pixels = start;
  for (let at = 0; at < queue.length; at++) {
    nextSteps(queue, at, frame, pixels);
    const step = queue[at];
    if (!step || isConditional(step)) continue;
    pixels = await runStep(
      pixels,
      concreteStep(step, sizesFor(frame, pixels)),
      env,
      at === 0 ? custom : null,
    );
    if (at < queue.length - 1 && !pixels.decoded) pixels = await decode(pixels, env.limits);
  }
  if (decodeLast && !pixels.decoded) pixels = await decode(pixels, env.limits);
  return pixels;
}

/** Decodes a pipeline into raw pixels, the next operations' input. */
async function decode(pixels: Pixels, limits: RenderLimits): Promise<Pixels> {
  const { data, info } = await pixels.image.raw().toBuffer({ resolveWithObject: true });
  const image = sharp(data, {
    raw: { width: info.width, height: info.height, channels: info.channels },
    limitInputPixels: limits.maxPixels,
  }).timeout({ seconds: timeoutSeconds });
  return {
    image,
    width: info.width,
    height: info.height,
    decoded: true,
    alpha: info.channels === 4 || info.channels === 2,
  };
}

const fromRawPixels = (raw: Raw, alpha: boolean): Pixels => ({
  image: fromRaw(raw).timeout({ seconds: timeoutSeconds }),
  width: raw.width,
  height: raw.height,
  decoded: true,
  alpha,
});

/** Trims a uniform border; an image that is all border stays as it is. */
async function trimmed(pixels: Pixels, threshold: number, limits: RenderLimits): Promise<Pixels> {
  try {
    return await decode({ ...pixels, image: pixels.image.clone().trim({ threshold }) }, limits);
  } catch {
    return pixels;
  }
}

/** `e-bgremove`: the step's input with its background made transparent, as decoded pixels. */
async function withoutBackground(pixels: Pixels, env: Env): Promise<Pixels> {
  if (!env.cutOut) {
    throw badRequest(
      'e-bgremove works on library files (delivery URLs, post transformations) only, not here.',
      {
        reason: 'UNSUPPORTED_TRANSFORMATION',
      },
    );
  }
  return fromRawPixels(await env.cutOut(await toRaw(pixels.image)), true);
}

async function runStep(start: Pixels, step: ConcreteStep, env: Env, custom: Region | null): Promise<Pixels> {
  let pixels = start;
  if (step.removeBackground) pixels = await withoutBackground(pixels, env);
  if (step.trim) pixels = await trimmed(pixels, step.trim, env.limits);
  if (step.dominant) {
    if (!pixels.decoded) pixels = await decode(pixels, env.limits);
    const { dominant } = await pixels.image.clone().stats();
    step.background = { color: { ...dominant, alpha: 1 } };
  }
  const geometry = planGeometry(step, pixels.width, pixels.height, custom);
  assertWithinLimits(geometry.width, geometry.height, env.limits);
  const blurred = step.background && 'blurred' in step.background ? step.background.blurred : undefined;
  const input = blurred ? pixels.image.clone() : undefined;
  const moved = Boolean(geometry.preExtract || geometry.resize || geometry.extend);
  pixels = {
    ...pixels,
    image: applyGeometry(pixels.image, geometry),
    width: geometry.width,
    height: geometry.height,
    decoded: pixels.decoded && !moved,
  };
  if (input && blurred && moved) pixels = await underBlurred(pixels, input, blurred);
  const finishing = hasFinishing(step);
  if (finishing) {
    if (moved) pixels = await decode(pixels, env.limits);
    pixels = { ...pixels, image: applyFinishing(pixels.image, step), decoded: false };
    if (step.rotate && step.rotate % 90 !== 0) pixels.alpha = true;
  }
  if (step.border) {
    if (moved || finishing) pixels = await decode(pixels, env.limits);
    const b = step.border.width;
    pixels = {
      ...pixels,
      image: pixels.image.extend({
        top: b,
        bottom: b,
        left: b,
        right: b,
        background: sharpColor(step.border.color),
      }),
      decoded: false,
    };
  }
  const expected = stepOutput(step, geometry);
  pixels = { ...pixels, width: expected.width, height: expected.height };
  if (hasPixelWork(step, pixels.alpha)) {
    pixels = await pixelWork(pixels, step, env, !finishing && !step.border && exactGeometry(geometry));
  }
  return pixels;
}

/** Whether sharp makes exactly the size planned (a fit within a box may round differently). */
const exactGeometry = (g: Geometry) =>
  !g.resize || (g.resize.fit !== 'inside' && g.resize.fit !== 'outside' && !g.resize.withoutEnlargement);

/** `bg-blurred` with a pad crop: the padding shows the image itself, covering the box, blurred. */
async function underBlurred(
  pixels: Pixels,
  input: Sharp,
  blurred: { intensity: number | 'auto'; brightness: number },
): Promise<Pixels> {
  const front = await toRaw(pixels.image);
  const { width, height } = front;
  const sigma =
    blurred.intensity === 'auto'
      ? Math.max(2, Math.max(width, height) / 40)
      : Math.max(0.3, blurred.intensity / 2);
  let back = input.resize({ width, height, fit: 'cover' }).blur(sigma);
  if (blurred.brightness) back = back.linear(1, blurred.brightness);
  const raw = await toRaw(
    sharp(await back.removeAlpha().raw().toBuffer(), { raw: { width, height, channels: 3 } }).composite([
      rawOverlay(front),
    ]),
  );
  return fromRawPixels(raw, false);
}

/** Flips come before rotation within a step (sharp's order); chain steps for the other order. */
function applyFinishing(image: Sharp, s: ConcreteStep): Sharp {
  if (s.flip === 'h' || s.flip === 'h_v') image = image.flop();
  if (s.flip === 'v' || s.flip === 'h_v') image = image.flip();
  if (s.rotate) {
    // Any angle turns within a larger canvas, filled by the step's background or left clear.
    const fill =
      s.background && 'color' in s.background
        ? sharpColor(s.background.color)
        : { r: 0, g: 0, b: 0, alpha: 0 };
    image =
      s.rotate % 90 === 0
        ? image.rotate(s.rotate)
        : image.ensureAlpha().rotate(s.rotate, { background: fill });
  }
  if (s.blur) image = image.blur(Math.max(0.3, s.blur / 2));
  if (s.sharpen) image = image.sharpen({ sigma: 0.5 + s.sharpen * 0.5 });
  if (s.unsharpMask) {
    const { sigma, amount, threshold } = s.unsharpMask;
    image = image.sharpen({
      sigma,
      m1: 0,
      m2: Math.max(0.01, amount * 2),
      x1: Math.min(100, threshold * 100),
    });
  }
  if (s.contrast) image = image.normalise();
  if (s.grayscale) image = image.greyscale();
  return image;
}

/** The step's whole-image work, in ImageKit's order: distortion, shadow, shape, tint, gradient, background, layers. */
async function pixelWork(start: Pixels, step: ConcreteStep, env: Env, exact: boolean): Promise<Pixels> {
  // Distortions and shadows read every pixel; the rest composite onto the pipeline as it is, when
  // its size is known to the pixel (otherwise it is decoded first, to know it).
  let raw = step.distort || step.shadow || !exact ? await toRaw(start.image) : undefined;
  let alpha = start.alpha;
  if (raw && step.distort) {
    raw = distort(raw, step.distort);
    alpha = true;
  }
  if (raw && step.shadow) raw = await withShadow(raw, step.shadow);
  const { width, height } = raw ?? start;
  // Layers need only the size they are drawn on: they render side by side.
  const drawing = Promise.all(
    (step.layers ?? []).map((layer) => renderLayer(layer, { width, height }, layerEnv(env))),
  );
  const overlays: OverlayOptions[] = [];
  if (step.radius) {
    overlays.push(roundedMask(width, height, step.radius));
    alpha = true;
  }
  if (step.opacity !== undefined) {
    overlays.push(opacityMask(width, height, step.opacity));
    alpha = true;
  }
  if (step.colorize) {
    // Each colour moves towards the tint by the intensity, where the image is; alpha stays.
    const tint = { ...step.colorize.color, alpha: step.colorize.intensity / 100 };
    overlays.push({ input: solidInput(width, height, tint), blend: 'atop' });
  }
  if (step.gradient) overlays.push(gradientOverlay(width, height, step.gradient, 'atop'));
  if (step.background && 'color' in step.background) {
    // A background colour shows wherever the image is transparent, as on ImageKit.
    overlays.push({ input: solidInput(width, height, step.background.color), blend: 'dest-over' });
    alpha = step.background.color.alpha < 1;
  }
  const placed = await drawing;
  const displaces = placed.some((l) => l.mode === 'displace');
  if (displaces && placed.some((l) => l.mode && l.mode !== 'displace')) {
    throw badRequest(
      'lm-displace: a displacement map shares its step with plain layers only; put the others in a step of their own (`:`).',
      {
        reason: 'INVALID_TRANSFORMATION',
      },
    );
  }
  if (
    placed.length > 0 &&
    placed.every((l) => !l.mode || l.mode === 'displace') &&
    (overlays.length === 0 || displaces)
  ) {
    // The step's own shape and colour work comes first, as ImageKit's order has it.
    const under = raw ? fromRaw(raw) : start.image;
    return drawnOver(
      overlays.length > 0 ? fromRaw(await toRaw(under.ensureAlpha().composite(overlays))) : under,
      placed,
      alpha,
    );
  }
  const drawn = layerOverlays(placed, { width, height });
  overlays.push(...drawn.overlays);
  if (placed.some((l) => l.mode === 'cutter' || l.mode === 'cutout')) alpha = true;
  let image = (raw ? fromRaw(raw) : start.image.ensureAlpha()).composite(overlays);
  let size = { width, height };
  if (drawn.crop) {
    const cut = await toRaw(fromRaw(await toRaw(image)).extract(drawn.crop));
    image = fromRaw(cut);
    size = cut;
  }
  return {
    image: image.timeout({ seconds: timeoutSeconds }),
    ...size,
    decoded: false,
    alpha,
    composited: overlays.length > 0,
  };
}

/**
 * Plain layers (and displacement maps) drawn straight into the decoded image (see drawLayersOver);
 * the result stays decoded for the next step. A grey image becomes sRGB first, to hold colour.
 */
async function drawnOver(image: Sharp, placed: PlacedLayer[], alpha: boolean): Promise<Pixels> {
  let { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    ({ data, info } = await sharp(data, {
      raw: { width: info.width, height: info.height, channels: info.channels },
    })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }));
  }
  const channels = info.channels === 4 ? 4 : 3;
  drawLayersOver({ data, width: info.width, height: info.height, channels }, placed);
  return {
    image: sharp(data, { raw: { width: info.width, height: info.height, channels } }).timeout({
      seconds: timeoutSeconds,
    }),
    width: info.width,
    height: info.height,
    decoded: true,
    alpha: alpha || channels === 4,
  };
}

const solidInput = (
  width: number,
  height: number,
  c: { r: number; g: number; b: number; alpha: number },
) => ({
  create: { width, height, channels: 4 as const, background: sharpColor(c) },
});

/** What layers need from the render: their files, the limits, and the pipeline for image layers' own steps. */
function layerEnv(env: Env): LayerEnv {
  return {
    sources: {
      image: (path) => layerSource(env, path),
      font: (path) => {
        if (!env.sources)
          throw badRequest('Fonts from the library are not available here.', {
            reason: 'INVALID_TRANSFORMATION',
          });
        return env.sources.font(path);
      },
    },
    check: (width, height) => assertWithinLimits(width, height, env.limits),
    timeoutSeconds,
    renderImage: async (source, steps, base, page) => {
      const start = await openSource(source, steps[0], env.limits, page);
      const frame: Frame = { initial: start, base };
      const done = await runChain(
        { ...start, decoded: false },
        steps,
        frame,
        env,
        parseRegion(source.customCoordinates),
        false,
      );
      return toRaw(done.image);
    },
  };
}

/** SVGs are vector: rasterise them at the size the first step asks for, not at 72 dpi then upscale. */
async function svgDensity(bytes: Buffer, first: Step | undefined, limits: RenderLimits) {
  const meta = await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  const step = first && !isConditional(first) ? first : undefined;
  const px = (d: NonNullable<typeof step>['width']) => (d && 'px' in d ? d.px * (step?.dpr ?? 1) : 0);
  const scale = Math.max(px(step?.width) / (meta.width || 1), px(step?.height) / (meta.height || 1), 1);
  return Math.min(72 * scale, 72 * 50);
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
