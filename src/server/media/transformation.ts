import { cocoLabels } from '../ai/labels.js';
import { badRequest } from '../errors.js';
import {
  type Color,
  type Condition,
  type Expression,
  evaluate,
  invalid,
  isExpressionText,
  parseColor,
  parseCondition,
  parseExpression,
  parseNumber,
  parseValue,
  unsupported,
  type Value,
} from './values.js';

export type { Color } from './values.js';
export { parseColor } from './values.js';

/**
 * ImageKit's URL transformation language (imagekit-api.md §8): steps separated by `:`, parameters
 * within a step by `,`, each `key-value`; layers from `l-<type>` to `l-end` with their own steps
 * inside, and `if-<condition>` blocks to `if-end`. Parsing validates every parameter, so a typo is
 * a 400 rather than a silently untransformed image, and yields a typed plan whose canonical form
 * keys the rendition cache. Sizes an expression names are worked out when rendering.
 */

/** A width or height: pixels, a fraction (0–1) of the step's input, or an arithmetic expression. */
export type Dimension = { px: number } | { fraction: number } | { expr: Expression };

export const crops = [
  'maintain_ratio',
  'force',
  'at_max',
  'at_max_enlarge',
  'at_least',
  'maintain_ratio_no_enlarge',
] as const;
export type Crop = (typeof crops)[number];

export const cropModes = [
  'pad_resize',
  'extract',
  'pad_extract',
  'pad_resize_no_enlarge',
  'pad_extract_no_shrink',
] as const;
export type CropMode = (typeof cropModes)[number];

export const focuses = [
  'center',
  'top',
  'left',
  'bottom',
  'right',
  'top_left',
  'top_right',
  'bottom_left',
  'bottom_right',
  'auto',
  'custom',
] as const;
export type Focus = (typeof focuses)[number];

/** Where a layer sits in its base, and the point of the base `lx`/`ly` count from. */
export const layerFocuses = focuses.slice(0, 9) as readonly LayerFocus[];
export type LayerFocus = Exclude<Focus, 'auto' | 'custom'>;

export const formatParams = ['auto', 'webp', 'jpg', 'jpeg', 'png', 'avif', 'gif', 'svg', 'orig'] as const;
export type FormatParam = (typeof formatParams)[number];

/** Corner radii (top-left, top-right, bottom-right, bottom-left) or `max` for a circle or ellipse. */
export type Radius = 'max' | [Value, Value, Value, Value];

export type Background =
  | { color: Color }
  | { blurred: { intensity: number | 'auto'; brightness: number } }
  | { dominant: true };

export interface Shadow {
  /** 0–15. */
  blur: number;
  /** 0–100: how dark. */
  saturation: number;
  /** Offsets in percent of the width and height. */
  x: number;
  y: number;
}

export interface Gradient {
  /** CSS-style degrees: 0 runs towards the top, 180 (the default) towards the bottom. */
  angle: number;
  from: Color;
  to: Color;
  /** Where `to` is reached: a fraction (≤ 1) of the gradient line or pixels. */
  stop: Value;
}

export type Distort = { perspective: number[] } | { arc: number };

/** One step of a chain: resizing and cropping first, then flips, rotation, effects and layers. */
export interface TransformStep {
  width?: Dimension;
  height?: Dimension;
  aspectRatio?: { width: number; height: number } | { expr: Expression };
  dpr?: number;
  crop?: Crop;
  cropMode?: CropMode;
  focus?: Focus;
  /** `fo-face` or `fo-<COCO label>`: crop around what the models found (focus is then `custom`). */
  detectFocus?: string;
  /** `e-bgremove` (or `e-removedotbg`): the subject cut out of the step's input, first thing in the step. */
  removeBackground?: true;
  x?: Value;
  y?: Value;
  xc?: Value;
  yc?: Value;
  background?: Background;
  border?: { width: Value; color: Color };
  /** Clockwise degrees, 0–360 exclusive. */
  rotate?: number;
  flip?: 'h' | 'v' | 'h_v';
  blur?: number;
  grayscale?: boolean;
  /** Sharpening sigma; `e-sharpen` alone uses a mild default. */
  sharpen?: number;
  contrast?: boolean;
  /** Trim threshold (1–99) for a uniform border; 0 (`t-false`) turns an image layer's default trim off. */
  trim?: number;
  radius?: Radius;
  /** 0–100. */
  opacity?: number;
  unsharpMask?: { radius: number; sigma: number; amount: number; threshold: number };
  shadow?: Shadow;
  gradient?: Gradient;
  colorize?: { color: Color; intensity: number };
  distort?: Distort;
  /** Drawn over the step's result, in order. */
  layers?: Layer[];
}

/** `if-<condition>,…,if-else,…,if-end`: one branch's steps, chosen by the image at that point. */
export interface ConditionalStep {
  condition: Condition;
  then: Step[];
  otherwise: Step[];
}

export type Step = TransformStep | ConditionalStep;
export const isConditional = (step: Step): step is ConditionalStep => 'condition' in step;

export const layerModes = ['multiply', 'cutter', 'cutout', 'displace'] as const;
export type LayerMode = (typeof layerModes)[number];

export interface Placement {
  x?: Value;
  y?: Value;
  xCenter?: Value;
  yCenter?: Value;
  focus?: LayerFocus;
  anchor?: LayerFocus;
  mode?: LayerMode;
}

export interface ImageLayer {
  type: 'image';
  /** A file path in the library, such as `/brand/logo.png`. */
  path: string;
  page?: number;
  placement: Placement;
  steps: Step[];
}

export interface TextLayer {
  type: 'text';
  text: string;
  placement: Placement;
  fontSize?: Value;
  /** A bundled font's name, or a font file's path in the library. */
  fontFamily?: string;
  color?: Color;
  background?: Color;
  /** Top, right, bottom, left. */
  padding?: [Value, Value, Value, Value];
  innerAlign?: 'left' | 'center' | 'right';
  /** 1–9: ImageKit's transparency steps. */
  alpha?: number;
  bold?: boolean;
  italic?: boolean;
  strikethrough?: boolean;
  lineHeight?: Value;
  /** Wrap at this width. */
  width?: Value;
  radius?: Radius;
  rotate?: number;
  flip?: 'h' | 'v' | 'h_v';
}

export interface SolidLayer {
  type: 'solid';
  placement: Placement;
  color: Color;
  width?: Value;
  height?: Value;
  alpha?: number;
  radius?: Radius;
  gradient?: Gradient;
}

export type Layer = ImageLayer | TextLayer | SolidLayer;

/** How the final image is encoded; the last value in the chain wins. */
export interface OutputOptions {
  format?: FormatParam;
  quality?: number;
  progressive?: boolean;
  lossless?: boolean;
  keepMetadata?: boolean;
  keepColorProfile?: boolean;
}

export interface Transformation {
  steps: Step[];
  output: OutputOptions;
  /** `orig-true`: serve the original bytes, ignoring everything else. */
  original: boolean;
  /** Every step was a bare `n-<name>`: allowed unsigned on private files, as ImageKit allows. */
  onlyNamed: boolean;
  /** `di-<path>`: what to serve, transformed, when the file does not exist. */
  defaultImage?: string;
  /** `pg-<n>`: the page (PDF) or frame (GIF, WebP) to start from, from 1. */
  page?: number;
  /** `w-auto` or `dpr-auto` read client hints: responses vary by them. */
  clientHints: boolean;
  /** `w-auto` chose a width from `Sec-CH-Width`: the `Content-DPR` the response carries. */
  contentDpr?: number;
  /** `f-mp4`/`f-webm`, `so-`, `eo-`, `du-`: what a video's rendition (or poster frame) is. */
  video?: VideoOptions;
}

export const videoFormats = ['mp4', 'webm'] as const;
export type VideoFormat = (typeof videoFormats)[number];

/** A video's output and trim, in seconds; on a thumbnail, `start` picks the poster frame. */
export interface VideoOptions {
  format?: VideoFormat;
  start?: number;
  end?: number;
  duration?: number;
}

/** What the client said about its display (`Sec-CH-Width`/`Width`, `Sec-CH-DPR`/`DPR`). */
export interface ClientHints {
  width?: number;
  dpr?: number;
}

/** Name → definition of the named transformations (`n-<name>`). */
export type NamedTransforms = ReadonlyMap<string, string>;

/** Built in, as ImageKit's media library expects them: a small grid thumbnail. */
export const builtInNamedTransforms: Readonly<Record<string, string>> = {
  ik_ml_thumbnail: 'w-400,h-400,c-at_max,f-webp,q-75',
  media_library_thumbnail: 'w-400,h-400,c-at_max,f-webp,q-75',
};

/** Parameters ImageKit has that this server does not implement; named so the 400 says so. */
const knownUnsupported: Record<string, string> = {
  z: 'zoom needs face or object detection, which this server does not run.',
  cr: 'colour replacement is not available on this server.',
  dn: 'density is not available on this server.',
  vc: 'choosing the video codec is not available on this server: f-mp4 is H.264, f-webm VP9.',
  ac: 'audio transcoding is not available on this server.',
  sr: 'adaptive streaming is not available on this server.',
};

const aiEffects = new Set(['upscale', 'retouch', 'genvar', 'dropshadow', 'changebg', 'edit']);

/** Layers nest this deep at most, as on ImageKit. */
export const maxLayerDepth = 3;
/** ImageKit truncates text past these lengths. */
const maxPlainText = 2000;
const maxEncodedText = 2500;

const positiveNumber = /^\d+(\.\d+)?$/;
const wholeNumber = /^\d+$/;

function dimension(token: string, value: string): Dimension {
  if (isExpressionText(value)) return { expr: parseExpression(token, value) };
  if (!positiveNumber.test(value) || Number(value) <= 0) {
    throw invalid(
      token,
      'use pixels (e.g. 300), a fraction of the original between 0 and 1 (e.g. 0.5), or an expression such as iw_div_2.',
    );
  }
  const n = Number(value);
  return n < 1 ? { fraction: n } : { px: Math.round(n) };
}

function integerIn(token: string, value: string, min: number, max: number, what: string): number {
  if (!wholeNumber.test(value) || Number(value) < min || Number(value) > max) {
    throw invalid(token, `${what} must be a whole number from ${min} to ${max}.`);
  }
  return Number(value);
}

function numberIn(token: string, value: string, min: number, max: number, what: string): number {
  const n = parseNumber(token, value, min < 0);
  if (n < min || n > max) throw invalid(token, `${what} must be from ${min} to ${max}.`);
  return n;
}

function boolean(token: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(token, 'use true or false.');
}

function oneOf<T extends string>(token: string, value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(token, `${what} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** `rt-45`, `rt-N40` (counter-clockwise), `rt-auto`: clockwise degrees in [0, 360). */
function rotation(token: string, value: string): number {
  if (value === 'auto') return 0;
  const degrees = parseNumber(token, value, true);
  return ((degrees % 360) + 360) % 360;
}

function radius(token: string, value: string): Radius {
  if (value === 'max') return 'max';
  const parts = value.split('_');
  if (parts.length === 1) {
    const r = parseValue(token, value);
    return [r, r, r, r];
  }
  if (parts.length !== 4) {
    throw invalid(token, 'radius is a number, max, or four numbers for the corners (10_20_30_40).');
  }
  return parts.map((part) => parseValue(token, part)) as Radius;
}

/** `blurred`, `blurred_25`, `blurred_auto_N30`, `dominant` or a colour. */
function background(token: string, value: string): Background {
  if (value === 'dominant') return { dominant: true };
  if (value.startsWith('gradient') || value.startsWith('genfill')) {
    throw unsupported(token, 'gradient and generative-fill backgrounds are not available on this server.');
  }
  const blurred = /^blurred(?:_(auto|\d+))?(?:_(N?\d+))?$/.exec(value);
  if (blurred) {
    const intensity = blurred[1] === undefined || blurred[1] === 'auto' ? 'auto' : Number(blurred[1]);
    const brightness = blurred[2] === undefined ? 0 : parseNumber(token, blurred[2], true);
    if (intensity !== 'auto' && intensity > 100) throw invalid(token, 'blur intensity is auto or 0 to 100.');
    if (brightness < -255 || brightness > 255) throw invalid(token, 'brightness is N255 to 255.');
    return { blurred: { intensity, brightness } };
  }
  return { color: parseColor(token, value) };
}

/** `ld-180_from-red_to-FFFFFF00_sp-0.5`, any of them, in any order. */
function gradient(token: string, value: string | undefined): Gradient {
  const result: Gradient = {
    angle: 180,
    from: { r: 255, g: 255, b: 255, alpha: 1 },
    to: { r: 0, g: 0, b: 0, alpha: 1 },
    stop: 1,
  };
  const directions: Record<string, number> = {
    top: 0,
    top_right: 45,
    right: 90,
    bottom_right: 135,
    bottom: 180,
    bottom_left: 225,
    left: 270,
    top_left: 315,
  };
  for (const [key, raw] of namedParts(token, value ?? '', ['ld', 'from', 'to', 'sp'])) {
    if (key === 'ld') {
      result.angle = directions[raw] ?? integerIn(token, raw, 0, 359, 'the direction');
    } else if (key === 'sp') {
      result.stop = parseValue(token, raw);
      if (typeof result.stop === 'number' && result.stop <= 0) throw invalid(token, 'sp must be above 0.');
    } else result[key as 'from' | 'to'] = parseColor(token, raw);
  }
  return result;
}

/**
 * Splits ImageKit's `key-value_key-value` effect options. Values may themselves hold `_`
 * (`ld-top_right`), so a part that is not a known key continues the value before it.
 */
function namedParts(token: string, text: string, keys: readonly string[]): Array<[string, string]> {
  if (text === '') return [];
  const parts: Array<[string, string]> = [];
  for (const piece of text.split('_')) {
    const dash = piece.indexOf('-');
    const key = dash > 0 ? piece.slice(0, dash) : '';
    if (keys.includes(key)) parts.push([key, piece.slice(dash + 1)]);
    else if (parts.length > 0) parts.at(-1)![1] += `_${piece}`;
    else throw invalid(token, `options are ${keys.map((k) => `${k}-…`).join(', ')} joined by _.`);
  }
  return parts;
}

function applyEffect(token: string, step: TransformStep) {
  const rest = token.slice(2);
  const dash = rest.indexOf('-');
  const name = dash === -1 ? rest : rest.slice(0, dash);
  const value = dash === -1 ? undefined : rest.slice(dash + 1);
  const noValue = () => {
    if (value !== undefined) throw invalid(token, `e-${name} takes no value.`);
  };
  switch (name) {
    case 'grayscale':
      noValue();
      step.grayscale = true;
      return;
    case 'contrast':
      noValue();
      step.contrast = true;
      return;
    // ImageKit's own remover and remove.bg's: both are this server's background remover.
    case 'bgremove':
    case 'removedotbg':
      noValue();
      step.removeBackground = true;
      return;
    case 'sharpen':
      step.sharpen = value === undefined ? 1 : integerIn(token, value, 1, 10, 'sharpening');
      return;
    case 'usm': {
      const numbers = (value ?? '').split('-');
      if (numbers.length !== 4 || numbers.some((n) => !positiveNumber.test(n))) {
        throw invalid(
          token,
          'unsharp mask is e-usm-<radius>-<sigma>-<amount>-<threshold>, such as e-usm-2-2-0.8-0.024.',
        );
      }
      const [r, sigma, amount, threshold] = numbers.map(Number) as [number, number, number, number];
      if (sigma > 50 || r > 100 || amount > 10) throw invalid(token, 'radius, sigma or amount is too large.');
      step.unsharpMask = { radius: r, sigma: Math.max(sigma, 0.01), amount, threshold };
      return;
    }
    case 'shadow': {
      const shadow: Shadow = { blur: 10, saturation: 30, x: 2, y: 2 };
      for (const [key, raw] of namedParts(token, value ?? '', ['bl', 'st', 'x', 'y'])) {
        if (key === 'bl') shadow.blur = numberIn(token, raw, 0, 15, 'shadow blur');
        else if (key === 'st') shadow.saturation = numberIn(token, raw, 0, 100, 'shadow saturation');
        else shadow[key as 'x' | 'y'] = numberIn(token, raw, -100, 100, `shadow ${key} offset`);
      }
      step.shadow = shadow;
      return;
    }
    case 'gradient':
      step.gradient = gradient(token, value);
      return;
    case 'colorize': {
      const colorize = { color: { r: 128, g: 128, b: 128, alpha: 1 }, intensity: 100 };
      for (const [key, raw] of namedParts(token, value ?? '', ['co', 'in'])) {
        if (key === 'co') colorize.color = parseColor(token, raw);
        else colorize.intensity = numberIn(token, raw, 0, 100, 'intensity');
      }
      step.colorize = colorize;
      return;
    }
    case 'distort': {
      const match = /^([pa])-(.+)$/.exec(value ?? '');
      if (!match)
        throw invalid(
          token,
          'distort is e-distort-p-<x1_y1_…_x4_y4> (perspective) or e-distort-a-<degrees> (arc).',
        );
      if (match[1] === 'a') {
        const degrees = numberIn(token, match[2]!, -359, 359, 'the arc');
        if (degrees === 0) throw invalid(token, 'the arc must not be 0 degrees.');
        step.distort = { arc: degrees };
        return;
      }
      const points = match[2]!.split('_');
      if (points.length !== 8)
        throw invalid(
          token,
          'perspective takes the four corners, x1_y1_x2_y2_x3_y3_x4_y4, clockwise from the top left.',
        );
      step.distort = { perspective: points.map((p) => parseNumber(token, p, true)) };
      return;
    }
  }
  if (aiEffects.has(name))
    throw unsupported(token, 'AI effects need a service this self-hosted server does not run.');
  throw unsupported(token, `the effect \`${name}\` is not available on this server.`);
}

/** What parsing carries between tokens: the output options, chain-wide flags, and the layer being read. */
interface Context {
  output: OutputOptions;
  chain: Omit<Transformation, 'steps' | 'output' | 'onlyNamed'>;
  hints: ClientHints;
  /** Layers open around this point (0 at the top level). */
  depth: number;
  layer?: LayerDraft;
}

interface LayerDraft {
  type: 'image' | 'text' | 'solid';
  token: string;
  placement: Placement;
  input?: { value: string; encoded: boolean };
  text: Omit<TextLayer, 'type' | 'text' | 'placement'>;
  color?: Color;
  page?: number;
}

/** Applies one `key-value` token to the step, the output options, the chain or the open layer. */
function applyToken(token: string, step: TransformStep, ctx: Context) {
  if (token.startsWith('e-')) return applyEffect(token, step);
  const dash = token.indexOf('-');
  if (dash <= 0 || dash === token.length - 1) {
    throw invalid(token, 'parameters are written key-value, such as w-300.');
  }
  const key = token.slice(0, dash);
  const value = token.slice(dash + 1);
  if (ctx.layer && applyLayerToken(token, key, value, ctx.layer)) return;
  if (layerOnly.has(key)) {
    throw invalid(
      token,
      ctx.layer
        ? `\`${key}\` does not apply to ${ctx.layer.token} layers.`
        : `\`${key}\` belongs inside a layer (l-text … l-end, l-image … l-end).`,
    );
  }
  switch (key) {
    case 'w':
      if (value === 'auto') {
        ctx.chain.clientHints = true;
        const hinted = autoWidth(ctx.hints);
        if (hinted) {
          step.width = { px: hinted.width };
          ctx.chain.contentDpr = hinted.contentDpr;
        }
        return;
      }
      step.width = dimension(token, value);
      return;
    case 'h':
      step.height = dimension(token, value);
      return;
    case 'ar': {
      if (isExpressionText(value)) {
        step.aspectRatio = { expr: parseExpression(token, value) };
        return;
      }
      const match = /^(\d+(?:\.\d+)?)[-_:](\d+(?:\.\d+)?)$/.exec(value);
      if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) {
        throw invalid(token, 'aspect ratio is width-height, such as ar-4-3.');
      }
      step.aspectRatio = { width: Number(match[1]), height: Number(match[2]) };
      return;
    }
    case 'dpr': {
      if (value === 'auto') {
        ctx.chain.clientHints = true;
        step.dpr = ctx.hints.dpr ?? 1;
        return;
      }
      const n = Number(value);
      if (!positiveNumber.test(value) || n < 0.1 || n > 5) throw invalid(token, 'dpr must be from 0.1 to 5.');
      step.dpr = n;
      return;
    }
    case 'c':
      step.crop = oneOf(token, value, crops, 'crop');
      return;
    case 'cm':
      step.cropMode = oneOf(token, value, cropModes, 'crop mode');
      return;
    case 'fo':
      if (value === 'face' || cocoLabels.has(value)) {
        // Cropped around the detections' box, given to the render as its custom coordinates.
        step.focus = 'custom';
        step.detectFocus = value;
        return;
      }
      if (/^[a-z_]+$/.test(value) && !(focuses as readonly string[]).includes(value)) {
        throw unsupported(
          token,
          `use ${focuses.join(', ')}, face, or an object's COCO label (person, dog, car, cell_phone…).`,
        );
      }
      step.focus = oneOf(token, value, focuses, 'focus');
      return;
    case 'x':
    case 'y':
    case 'xc':
    case 'yc':
      step[key] = parseValue(token, value);
      return;
    case 'q':
      ctx.output.quality = integerIn(token, value, 1, 100, 'quality');
      return;
    case 'f':
      if ((videoFormats as readonly string[]).includes(value)) {
        if (ctx.depth > 0)
          throw invalid(token, 'a video format applies to the whole URL, not inside a layer.');
        ctx.chain.video = { ...ctx.chain.video, format: value as VideoFormat };
        delete ctx.output.format;
        return;
      }
      ctx.output.format = oneOf(token, value, formatParams, 'format');
      if (ctx.chain.video?.format) delete ctx.chain.video.format;
      return;
    case 'so':
    case 'eo':
    case 'du': {
      if (ctx.depth > 0) throw invalid(token, `${key} applies to the whole URL, not inside a layer.`);
      const seconds = videoSeconds(token, value);
      if (key === 'du' && seconds === 0) throw invalid(token, 'a duration must be more than 0 seconds.');
      const field = key === 'so' ? 'start' : key === 'eo' ? 'end' : 'duration';
      ctx.chain.video = { ...ctx.chain.video, [field]: seconds };
      return;
    }
    case 'bg':
      step.background = background(token, value);
      return;
    case 'b': {
      const at = value.lastIndexOf('_');
      if (at <= 0) throw invalid(token, 'border is <width>_<colour>, such as b-5_FF0000.');
      const width = parseValue(token, value.slice(0, at));
      if (typeof width === 'number' && (width < 1 || width > 100)) {
        throw invalid(token, 'border width must be from 1 to 100.');
      }
      step.border = { width, color: parseColor(token, value.slice(at + 1)) };
      return;
    }
    case 'rt': {
      const degrees = rotation(token, value);
      if (degrees === 0) delete step.rotate;
      else step.rotate = degrees;
      return;
    }
    case 'fl':
      step.flip = oneOf(token, value === 'v_h' ? 'h_v' : value, ['h', 'v', 'h_v'] as const, 'flip');
      return;
    case 'bl':
      step.blur = integerIn(token, value, 1, 100, 'blur');
      return;
    case 't':
      step.trim =
        value === 'true' ? 10 : value === 'false' ? 0 : integerIn(token, value, 1, 99, 'trim threshold');
      return;
    case 'r':
      step.radius = radius(token, value);
      return;
    case 'o':
      step.opacity = integerIn(token, value, 0, 100, 'opacity');
      return;
    case 'pr':
      ctx.output.progressive = boolean(token, value);
      return;
    case 'lo':
      ctx.output.lossless = boolean(token, value);
      return;
    case 'md':
      ctx.output.keepMetadata = boolean(token, value);
      return;
    case 'cp':
      ctx.output.keepColorProfile = boolean(token, value);
      return;
    case 'orig':
      ctx.chain.original = boolean(token, value);
      return;
    case 'di':
      if (ctx.depth > 0)
        throw invalid(token, 'a default image applies to the whole URL, not inside a layer.');
      ctx.chain.defaultImage = libraryPath(token, value);
      return;
    case 'pg':
      if (ctx.depth > 0) throw invalid(token, 'pg inside a layer goes with l-image.');
      ctx.chain.page = pageNumber(token, value);
      return;
  }
  const why = knownUnsupported[key];
  if (why) throw unsupported(token, why);
  throw invalid(token, `\`${key}\` is not a transformation parameter this server knows.`);
}

/** ImageKit rounds a hinted width up to the next 100 and says so in `Content-DPR`. */
function autoWidth(hints: ClientHints): { width: number; contentDpr: number } | undefined {
  if (!hints.width || hints.width <= 0) return undefined;
  const width = Math.min(Math.ceil(hints.width / 100) * 100, 10_000);
  const dpr = hints.dpr ?? 1;
  return { width, contentDpr: Number((width / (hints.width / dpr)).toFixed(2)) };
}

/** `folder@@file.png` (ImageKit's `@@` for `/`) → `/folder/file.png`. */
function libraryPath(token: string, value: string): string {
  const path = `/${value.replace(/@@/g, '/').replace(/^\/+/, '')}`;
  if (path === '/' || path.split('/').some((s) => s === '.' || s === '..')) {
    throw invalid(token, 'name a file by its path, with @@ for /, such as folder@@logo.png.');
  }
  return path;
}

/** Seconds into a video: `so-2`, `du-10.5` (ImageKit allows decimals), at most 24 hours. */
function videoSeconds(token: string, value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d{1,3})?$/.test(value) || n > 86_400) {
    throw invalid(token, 'a time in a video is seconds, such as so-2 or du-10.5.');
  }
  return n;
}

function pageNumber(token: string, value: string): number {
  if (!wholeNumber.test(value) || Number(value) < 1 || Number(value) > 10_000) {
    throw unsupported(
      token,
      'this server delivers one page by number (pg-2); ranges and named layers are not available.',
    );
  }
  return Number(value);
}

/** Keys that only mean something inside a layer. */
const layerOnly = new Set([
  'i',
  'ie',
  'lx',
  'ly',
  'lxc',
  'lyc',
  'lfo',
  'lap',
  'lm',
  'fs',
  'ff',
  'co',
  'ia',
  'pa',
  'al',
  'tg',
  'lh',
  'lso',
  'leo',
  'ldu',
]);

/** Layer-level keys: input, placement and text style. Answers whether the token was one. */
function applyLayerToken(token: string, key: string, value: string, layer: LayerDraft): boolean {
  const text = layer.type === 'text';
  const styled = text || layer.type === 'solid';
  switch (key) {
    case 'i':
    case 'ie':
      if (layer.input?.encoded && key === 'i') return true;
      // ImageKit's solid-colour block: an image layer of the built-in canvas.
      if (layer.type === 'image' && value === 'ik_canvas') layer.type = 'solid';
      layer.input = { value, encoded: key === 'ie' };
      return true;
    case 'lx':
      layer.placement.x = parseValue(token, value, true);
      return true;
    case 'ly':
      layer.placement.y = parseValue(token, value, true);
      return true;
    case 'lxc':
      layer.placement.xCenter = parseValue(token, value, true);
      return true;
    case 'lyc':
      layer.placement.yCenter = parseValue(token, value, true);
      return true;
    case 'lfo':
      layer.placement.focus = oneOf(token, value, layerFocuses, 'layer focus');
      return true;
    case 'lap':
      layer.placement.anchor = oneOf(token, value, layerFocuses, 'anchor point');
      return true;
    case 'lm':
      layer.placement.mode = oneOf(token, value, layerModes, 'layer mode');
      return true;
    case 'lso':
    case 'leo':
    case 'ldu':
      throw unsupported(token, 'layer timing applies to videos, which this server does not transform.');
    case 'pg':
      if (layer.type !== 'image') return false;
      layer.page = pageNumber(token, value);
      return true;
    case 'al':
      if (!styled) return false;
      layer.text.alpha = integerIn(token, value, 1, 9, 'alpha');
      return true;
    case 'co':
      if (!styled) return false;
      if (text) layer.text.color = parseColor(token, value);
      else layer.color = parseColor(token, value);
      return true;
  }
  if (!text) return false;
  switch (key) {
    case 'fs':
      layer.text.fontSize = parseValue(token, value);
      return true;
    case 'ff':
      layer.text.fontFamily = /\.(ttf|otf|woff2?)$/i.test(value) ? libraryPath(token, value) : value;
      return true;
    case 'ia':
      layer.text.innerAlign = oneOf(token, value, ['left', 'center', 'right'] as const, 'inner alignment');
      return true;
    case 'pa': {
      const parts = value.split('_');
      if (parts.length > 4) throw invalid(token, 'padding takes 1 to 4 values, as in CSS (10_20_30_40).');
      const values = parts.map((p) => parseValue(token, p));
      const top = values[0]!;
      const right = values[1] ?? top;
      layer.text.padding = [top, right, values[2] ?? top, values[3] ?? right];
      return true;
    }
    case 'tg':
      for (const style of value.split('_')) {
        if (style === 'b') layer.text.bold = true;
        else if (style === 'i') layer.text.italic = true;
        else if (style === 'strikethrough') layer.text.strikethrough = true;
        else throw invalid(token, 'typography is b, i or strikethrough, joined by _ (b_i).');
      }
      return true;
    case 'lh':
      layer.text.lineHeight = parseValue(token, value);
      return true;
  }
  return false;
}

/** A chain's tokens as sent, each knowing whether a `:` (a new step) came before it. */
interface Token {
  text: string;
  chained: boolean;
}

class Tokens {
  readonly #tokens: Token[];
  #at = 0;
  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }
  peek(): Token | undefined {
    return this.#tokens[this.#at];
  }
  next(): Token | undefined {
    return this.#tokens[this.#at++];
  }
}

const closers = new Set(['l-end', 'if-else', 'if-end']);

/**
 * Reads steps until `until` (one of `closers`) or the end; leaves the closer unread. A layer
 * joins the step it is written in; an `if` block is a step of its own.
 */
function parseChain(tokens: Tokens, ctx: Context, until?: ReadonlySet<string>): Step[] {
  const steps: Step[] = [];
  let step: TransformStep = {};
  let written = false;
  const flush = () => {
    if (Object.keys(step).length > 0) steps.push(step);
    step = {};
    written = false;
  };
  for (let token = tokens.peek(); token; token = tokens.peek()) {
    if (token.chained) flush();
    if (closers.has(token.text)) {
      if (until?.has(token.text)) break;
      throw invalid(
        token.text,
        `\`${token.text}\` has no opening ${token.text === 'l-end' ? 'l-<type>' : 'if-<condition>'}.`,
      );
    }
    tokens.next();
    if (token.text.startsWith('if-')) {
      if (written) throw invalid(token.text, 'an if block is a step of its own: put it between `:`.');
      flush();
      steps.push(parseConditional(token.text, tokens, ctx));
      const after = tokens.peek();
      if (after && !after.chained && !(until?.has(after.text) ?? false)) {
        throw invalid(after.text, 'an if block is a step of its own: put `:` after its if-end.');
      }
      continue;
    }
    written = true;
    if (token.text.startsWith('l-'))
      step.layers = [...(step.layers ?? []), parseLayer(token.text, tokens, ctx)];
    else applyToken(token.text, step, ctx);
  }
  flush();
  return steps;
}

function parseConditional(open: string, tokens: Tokens, ctx: Context): ConditionalStep {
  const condition = parseCondition(open, open.slice(3));
  const then = parseChain(tokens, ctx, new Set(['if-else', 'if-end']));
  let otherwise: Step[] = [];
  if (tokens.peek()?.text === 'if-else') {
    tokens.next();
    otherwise = parseChain(tokens, ctx, new Set(['if-end']));
  }
  if (tokens.next()?.text !== 'if-end') throw invalid(open, 'close the if block with if-end.');
  return { condition, then, otherwise };
}

function parseLayer(open: string, tokens: Tokens, ctx: Context): Layer {
  const type = open.slice(2);
  if (type === 'video' || type === 'subtitles' || type === 'subtitle') {
    throw unsupported(
      open,
      'video and subtitle layers apply to videos, which this server does not transform.',
    );
  }
  if (type !== 'image' && type !== 'text' && type !== 'solid') {
    throw invalid(open, 'layers are l-image, l-text or l-solid.');
  }
  if (ctx.depth >= maxLayerDepth) throw invalid(open, `layers nest ${maxLayerDepth} deep at most.`);
  const draft: LayerDraft = { type, token: open, placement: {}, text: {} };
  // A layer's own q, f and the like mean nothing once it is drawn: they go to a throwaway.
  const inner: Context = { ...ctx, output: {}, depth: ctx.depth + 1, layer: draft };
  const steps = parseChain(tokens, inner, new Set(['l-end']));
  if (tokens.next()?.text !== 'l-end') throw invalid(open, 'close the layer with l-end.');
  return buildLayer(draft, steps);
}

const decodeBase64 = (token: string, value: string) => {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalid(token, 'ie- takes base64.');
  return Buffer.from(value, 'base64').toString('utf8');
};

function buildLayer(draft: LayerDraft, steps: Step[]): Layer {
  const { token, placement } = draft;
  if (placement.mode === 'displace' && placement.x === undefined && placement.y === undefined) {
    throw invalid('lm-displace', 'a displacement map needs lx or ly: the largest move, in pixels.');
  }
  const input =
    draft.input &&
    (draft.input.encoded
      ? decodeBase64(token, draft.input.value.slice(0, maxEncodedText))
      : draft.input.value);
  if (draft.type === 'image') {
    if (!input) throw invalid(token, 'an image layer names its image with i-<path> or ie-<base64 path>.');
    return {
      type: 'image',
      path: libraryPath(token, input),
      placement,
      steps,
      ...(draft.page && { page: draft.page }),
    };
  }
  const [only, ...more] = steps;
  if (more.length > 0 || (only && isConditional(only))) {
    throw invalid(token, `${draft.type} layers take one step: no : or if inside them.`);
  }
  const step = (only ?? {}) as TransformStep;
  const allowed =
    draft.type === 'text'
      ? ['width', 'background', 'radius', 'rotate', 'flip']
      : ['width', 'height', 'background', 'radius', 'gradient'];
  const stray = Object.keys(step).find((key) => !allowed.includes(key));
  if (stray)
    throw unsupported(
      token,
      `${draft.type} layers take ${allowed.join(', ')} (and their own style), not ${stray}.`,
    );
  const color = step.background && 'color' in step.background ? step.background.color : undefined;
  if (step.background && !color) throw invalid(token, `a ${draft.type} layer's bg is a colour.`);
  const width = step.width && layerLength(step.width, 'bw');
  if (draft.type === 'solid') {
    const fill = draft.color ?? color;
    if (!fill && !step.gradient) {
      throw invalid(token, 'a solid layer needs its colour: co-<colour> (or bg- with i-ik_canvas).');
    }
    const height = step.height && layerLength(step.height, 'bh');
    return {
      type: 'solid',
      placement,
      color: fill ?? { r: 0, g: 0, b: 0, alpha: 0 },
      ...(width !== undefined && { width }),
      ...(height !== undefined && { height }),
      ...(draft.text.alpha !== undefined && { alpha: draft.text.alpha }),
      ...(step.radius && { radius: step.radius }),
      ...(step.gradient && { gradient: step.gradient }),
    };
  }
  if (!input) throw invalid(token, 'a text layer names its text with i-<text> or ie-<base64 text>.');
  return {
    type: 'text',
    text: draft.input?.encoded ? input : input.slice(0, maxPlainText),
    placement,
    ...draft.text,
    ...(width !== undefined && { width }),
    ...(color && { background: color }),
    ...(step.radius && { radius: step.radius }),
    ...(step.rotate !== undefined && { rotate: step.rotate }),
    ...(step.flip && { flip: step.flip }),
  };
}

/** A text or solid layer's `w`/`h` as a value: a fraction is of the base (`bw`, `bh`). */
function layerLength(d: Dimension, base: 'bw' | 'bh'): Value {
  if ('px' in d) return d.px;
  if ('expr' in d) return d.expr;
  return { operands: [base, d.fraction], operators: ['mul'] };
}

/** Splits the (decoded) text into tokens. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let chained = false;
  for (const piece of text.split(/([,:])/)) {
    if (piece === ':') chained = true;
    else if (piece !== ',' && piece !== '') {
      tokens.push({ text: piece, chained });
      chained = false;
    }
  }
  return tokens;
}

/** Replaces each `n-<name>` by its definition's tokens. */
function expandNamed(tokens: Token[], named: NamedTransforms): Token[] {
  return tokens.flatMap((token) => {
    if (!token.text.startsWith('n-')) return [token];
    const definition = named.get(token.text.slice(2));
    if (definition === undefined) {
      throw badRequest(
        `Invalid transformation parameter \`${token.text}\`: there is no named transformation \`${token.text.slice(2)}\` on this server.`,
        { reason: 'INVALID_TRANSFORMATION' },
      );
    }
    const [first, ...rest] = tokenize(definition);
    return first ? [{ ...first, chained: token.chained }, ...rest] : [];
  });
}

/** Steps a chain may have unless configured otherwise (`MEDIA_LIBRARY_MAX_TRANSFORM_STEPS`). */
export const defaultMaxSteps = 10;

/** Every step the render may run: the chain's, both branches of an if, and each layer's own (at least one). */
export function countSteps(steps: readonly Step[]): number {
  let count = 0;
  for (const step of steps) {
    if (isConditional(step)) count += Math.max(1, countSteps(step.then) + countSteps(step.otherwise));
    else {
      count += 1;
      for (const layer of step.layers ?? [])
        count += layer.type === 'image' ? Math.max(1, countSteps(layer.steps)) : 1;
    }
  }
  return count;
}

/**
 * Parses a transformation chain such as `w-300,h-200:rt-90` or `n-ik_ml_thumbnail`. Named transformations are replaced by their definition before parsing;
 * `w-auto` and `dpr-auto` take their values from `hints`.
 */
export function parseTransformation(
  text: string,
  named: NamedTransforms,
  maxSteps = defaultMaxSteps,
  hints: ClientHints = {},
): Transformation {
  const raw = tokenize(text);
  const onlyNamed = raw.length > 0 && raw.every((t, i) => t.text.startsWith('n-') && (i === 0 || t.chained));
  const ctx: Context = { output: {}, chain: { original: false, clientHints: false }, hints, depth: 0 };
  const steps = parseChain(new Tokens(expandNamed(raw, named)), ctx);
  const count = countSteps(steps);
  // Each step re-reads the previous one's pixels; a long chain (or many layers) would only burn CPU.
  if (count > maxSteps) {
    throw badRequest(`A transformation may chain at most ${maxSteps} steps; this one has ${count}.`, {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  checkSteps(steps);
  return { ...ctx.chain, steps, output: ctx.output, onlyNamed };
}

/** Rules that span parameters of one step. */
function checkSteps(steps: readonly Step[]): void {
  for (const step of steps) {
    if (isConditional(step)) {
      checkSteps(step.then);
      checkSteps(step.otherwise);
      continue;
    }
    if (step.aspectRatio && !step.width && !step.height) {
      throw invalid('ar', 'ar needs w or h in the same step.');
    }
    if (step.dpr !== undefined && step.dpr !== 1 && !step.width && !step.height) {
      throw invalid(`dpr-${step.dpr}`, 'dpr needs w or h in the same step.');
    }
    if (step.background && 'blurred' in step.background && !step.cropMode?.startsWith('pad_resize')) {
      throw invalid('bg-blurred', 'a blurred background goes with cm-pad_resize.');
    }
    for (const layer of step.layers ?? []) if (layer.type === 'image') checkSteps(layer.steps);
  }
}

/**
 * Checks the configured named transformations at start, so a typo fails the start rather than
 * every request that uses it. A definition may not use other named transformations.
 */
export function namedTransformsFrom(configured: Record<string, string>): NamedTransforms {
  const all = new Map(Object.entries({ ...builtInNamedTransforms, ...configured }));
  for (const [name, definition] of all) {
    if (!/^[A-Za-z0-9_-]+$/.test(name))
      throw new Error(`named transformation "${name}": use letters, digits, _ and -`);
    if (/(^|[,:])n-/.test(definition)) {
      throw new Error(
        `named transformation "${name}" uses another named transformation; write it out instead`,
      );
    }
    try {
      parseTransformation(definition, new Map());
    } catch (error) {
      throw new Error(`named transformation "${name}" = "${definition}": ${(error as Error).message}`);
    }
  }
  return all;
}

/** Defaults a step may spell out or leave out: left out, so both spellings share a rendition. */
const defaults: Partial<Record<keyof TransformStep, unknown>> = {
  crop: 'maintain_ratio',
  focus: 'center',
  dpr: 1,
};

/** JSON with sorted keys and defaults dropped: one spelling per meaning. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([key, v]) => v !== undefined && defaults[key as keyof TransformStep] !== v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The chain's steps (and its page) in canonical form; output options are keyed separately, once resolved. */
export function canonicalSteps(t: Transformation): string {
  return canonical({ steps: t.steps, page: t.page, video: t.video });
}

/** Whether any step (either branch of an if, any image layer's own steps) removes the background. */
export function removesBackground(steps: readonly Step[]): boolean {
  return steps.some((step) =>
    isConditional(step)
      ? removesBackground(step.then) || removesBackground(step.otherwise)
      : step.removeBackground === true ||
        (step.layers ?? []).some((layer) => layer.type === 'image' && removesBackground(layer.steps)),
  );
}

/** Every library path the transformation draws from: image layers' files and uploaded fonts. */
export function referencedPaths(steps: readonly Step[]): { images: string[]; fonts: string[] } {
  const images = new Set<string>();
  const fonts = new Set<string>();
  const visit = (list: readonly Step[]) => {
    for (const step of list) {
      if (isConditional(step)) {
        visit(step.then);
        visit(step.otherwise);
        continue;
      }
      for (const layer of step.layers ?? []) {
        if (layer.type === 'image') {
          images.add(layer.path);
          visit(layer.steps);
        } else if (layer.type === 'text' && layer.fontFamily?.startsWith('/')) fonts.add(layer.fontFamily);
      }
    }
  };
  visit(steps);
  return { images: [...images], fonts: [...fonts] };
}

export { evaluate };
