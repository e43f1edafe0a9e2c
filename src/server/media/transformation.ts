import { badRequest } from '../errors.js';

/**
 * ImageKit's URL transformation language (imagekit-api.md §8): steps separated by `:`, parameters
 * within a step by `,`, each `key-value`. Parsing validates every parameter, so a typo is a 400
 * rather than a silently untransformed image, and yields a canonical string for cache keys.
 */

/** A width or height: pixels, or a fraction (0–1) of the step's input. */
export type Dimension = { px: number } | { fraction: number };

export const crops = [
  'maintain_ratio',
  'force',
  'at_max',
  'at_max_enlarge',
  'at_least',
  'maintain_ratio_no_enlarge',
] as const;
export type Crop = (typeof crops)[number];

export const cropModes = ['pad_resize', 'extract', 'pad_extract'] as const;
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

export const formatParams = ['auto', 'webp', 'jpg', 'jpeg', 'png', 'avif', 'gif', 'orig'] as const;
export type FormatParam = (typeof formatParams)[number];

/** An RGBA colour, alpha 0–1. */
export interface Color {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

/** One step of a chain: resizing and cropping first, then flips, rotation and effects. */
export interface TransformStep {
  width?: Dimension;
  height?: Dimension;
  aspectRatio?: { width: number; height: number };
  dpr?: number;
  crop?: Crop;
  cropMode?: CropMode;
  focus?: Focus;
  x?: number;
  y?: number;
  xc?: number;
  yc?: number;
  background?: Color;
  border?: { width: number; color: Color };
  /** Clockwise degrees: 90, 180 or 270. */
  rotate?: number;
  flip?: 'h' | 'v' | 'h_v';
  blur?: number;
  grayscale?: boolean;
  /** Sharpening sigma; `e-sharpen` alone uses a mild default. */
  sharpen?: number;
  contrast?: boolean;
  /** Trim threshold (1–99) for a uniform border. */
  trim?: number;
}

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
  steps: TransformStep[];
  output: OutputOptions;
  /** `orig-true`: serve the original bytes, ignoring everything else. */
  original: boolean;
  /** Every step was a bare `n-<name>`: allowed unsigned on private files, as ImageKit allows. */
  onlyNamed: boolean;
}

/** Name → definition of the named transformations (`n-<name>`). */
export type NamedTransforms = ReadonlyMap<string, string>;

/** Built in, as ImageKit's media library expects them: a small grid thumbnail. */
export const builtInNamedTransforms: Readonly<Record<string, string>> = {
  ik_ml_thumbnail: 'w-400,h-400,c-at_max,f-webp,q-75',
  media_library_thumbnail: 'w-400,h-400,c-at_max,f-webp,q-75',
};

const invalid = (token: string, why: string) =>
  badRequest(`Invalid transformation parameter \`${token}\`: ${why}`, {
    reason: 'INVALID_TRANSFORMATION',
  });

const unsupported = (token: string, what: string) =>
  badRequest(`Transformation parameter \`${token}\` is not supported: ${what}`, {
    reason: 'UNSUPPORTED_TRANSFORMATION',
  });

/** Parameters ImageKit has that this server does not implement; named so the 400 says so. */
const knownUnsupported: Record<string, string> = {
  r: 'rounded corners are not available on this server.',
  z: 'zoom is not available on this server.',
  o: 'opacity is only meaningful in overlays, which this server does not support.',
  cr: 'colour replacement is not available on this server.',
  di: 'default images are not available on this server.',
  pg: 'page selection is not available on this server.',
  vc: 'video transcoding is not available on this server.',
  ac: 'audio transcoding is not available on this server.',
  so: 'video trimming is not available on this server.',
  eo: 'video trimming is not available on this server.',
  du: 'video trimming is not available on this server.',
  sr: 'adaptive streaming is not available on this server.',
  l: 'overlays (l-…) are not available on this server.',
};

const aiEffects = new Set([
  'bgremove',
  'removedotbg',
  'upscale',
  'retouch',
  'genvar',
  'dropshadow',
  'changebg',
  'edit',
]);

const positiveNumber = /^\d+(\.\d+)?$/;
const wholeNumber = /^\d+$/;

function dimension(token: string, value: string): Dimension {
  if (!positiveNumber.test(value) || Number(value) <= 0) {
    if (/^(i[wh]|b[wh]|c[wh])_/.test(value) || value === 'auto') {
      throw unsupported(token, 'arithmetic expressions and auto sizes are not available on this server.');
    }
    throw invalid(token, 'use pixels (e.g. 300) or a fraction of the original between 0 and 1 (e.g. 0.5).');
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

/** `FF0000` or `FF000080`; ImageKit's two extra digits are opacity in percent (00–99). */
export function parseColor(token: string, value: string): Color {
  const match = /^([0-9a-f]{6})([0-9]{2})?$/i.exec(value);
  if (!match) {
    throw invalid(
      token,
      'colours are 6 hex digits (FF0000), optionally followed by 2 digits of opacity in percent.',
    );
  }
  const hex = match[1]!;
  return {
    r: Number.parseInt(hex.slice(0, 2), 16),
    g: Number.parseInt(hex.slice(2, 4), 16),
    b: Number.parseInt(hex.slice(4, 6), 16),
    alpha: match[2] === undefined ? 1 : Number(match[2]) / 100,
  };
}

const colorText = (c: Color) =>
  [c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0').toUpperCase()).join('') +
  (c.alpha === 1 ? '' : String(Math.round(c.alpha * 100)).padStart(2, '0'));

const rotations: Record<string, number> = {
  '0': 0,
  '90': 90,
  '180': 180,
  '270': 270,
  '360': 0,
  auto: 0,
  N90: 270,
  N180: 180,
  N270: 90,
};

/** Applies one `key-value` token to the step or the output options. */
function applyToken(token: string, step: TransformStep, output: OutputOptions, flags: { original: boolean }) {
  if (token.startsWith('e-')) return applyEffect(token, step);
  const dash = token.indexOf('-');
  if (dash <= 0 || dash === token.length - 1) {
    throw invalid(token, 'parameters are written key-value, such as w-300.');
  }
  const key = token.slice(0, dash);
  const value = token.slice(dash + 1);
  switch (key) {
    case 'w':
      step.width = dimension(token, value);
      return;
    case 'h':
      step.height = dimension(token, value);
      return;
    case 'ar': {
      const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(value);
      if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) {
        throw invalid(token, 'aspect ratio is width-height, such as ar-4-3.');
      }
      step.aspectRatio = { width: Number(match[1]), height: Number(match[2]) };
      return;
    }
    case 'dpr': {
      if (value === 'auto')
        throw unsupported(token, 'dpr-auto needs client hints, which this server does not use.');
      const n = Number(value);
      if (!positiveNumber.test(value) || n < 0.1 || n > 5) throw invalid(token, 'dpr must be from 0.1 to 5.');
      step.dpr = n;
      return;
    }
    case 'c':
      step.crop = oneOf(token, value, crops, 'crop');
      return;
    case 'cm':
      if (value === 'pad_resize_no_enlarge' || value === 'pad_extract_no_shrink') {
        throw unsupported(token, `cm-${value} is not available on this server.`);
      }
      step.cropMode = oneOf(token, value, cropModes, 'crop mode');
      return;
    case 'fo':
      if (/^[a-z_]+$/.test(value) && !(focuses as readonly string[]).includes(value)) {
        throw unsupported(
          token,
          `focus on faces or objects needs detection this server does not run; use ${focuses.join(', ')}.`,
        );
      }
      step.focus = oneOf(token, value, focuses, 'focus');
      return;
    case 'x':
    case 'y':
    case 'xc':
    case 'yc':
      if (!wholeNumber.test(value)) throw invalid(token, `${key} must be a whole number of pixels.`);
      step[key] = Number(value);
      return;
    case 'q':
      output.quality = integerIn(token, value, 1, 100, 'quality');
      return;
    case 'f':
      if (value === 'svg' || value === 'mp4' || value === 'webm') {
        throw unsupported(token, `f-${value} output is not available on this server.`);
      }
      output.format = oneOf(token, value, formatParams, 'format');
      return;
    case 'bg':
      step.background = parseColor(token, value);
      return;
    case 'b': {
      const [width, color] = value.split('_');
      if (color === undefined || !wholeNumber.test(width!) || Number(width) < 1 || Number(width) > 100) {
        throw invalid(token, 'border is <width>_<colour>, such as b-5_FF0000, with a width of 1 to 100.');
      }
      step.border = { width: Number(width), color: parseColor(token, color) };
      return;
    }
    case 'rt': {
      const degrees = rotations[value];
      if (degrees === undefined)
        throw invalid(token, 'rotation must be 0, 90, 180, 270, 360, auto, N90, N180 or N270.');
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
      step.trim = value === 'true' ? 10 : integerIn(token, value, 1, 99, 'trim threshold');
      return;
    case 'pr':
      output.progressive = boolean(token, value);
      return;
    case 'lo':
      output.lossless = boolean(token, value);
      return;
    case 'md':
      output.keepMetadata = boolean(token, value);
      return;
    case 'cp':
      output.keepColorProfile = boolean(token, value);
      return;
    case 'orig':
      flags.original = boolean(token, value);
      return;
  }
  const why = knownUnsupported[key];
  if (why) throw unsupported(token, why);
  throw invalid(token, `\`${key}\` is not a transformation parameter this server knows.`);
}

function applyEffect(token: string, step: TransformStep) {
  const [name, value, ...rest] = token.slice(2).split('-');
  if (rest.length > 0) throw invalid(token, 'effects take at most one value.');
  switch (name) {
    case 'grayscale':
      if (value !== undefined) throw invalid(token, 'e-grayscale takes no value.');
      step.grayscale = true;
      return;
    case 'contrast':
      if (value !== undefined) throw invalid(token, 'e-contrast takes no value.');
      step.contrast = true;
      return;
    case 'sharpen':
      step.sharpen = value === undefined ? 1 : integerIn(token, value, 1, 10, 'sharpening');
      return;
  }
  if (name && aiEffects.has(name)) {
    throw unsupported(token, 'AI effects need a service this self-hosted server does not run.');
  }
  throw unsupported(token, `the effect \`${name}\` is not available on this server.`);
}

/** Steps a chain may have unless configured otherwise (`MEDIA_LIBRARY_MAX_TRANSFORM_STEPS`). */
export const defaultMaxSteps = 10;

const stepsOf = (text: string) => text.split(':').map((step) => step.split(',').filter((t) => t !== ''));

/**
 * Parses a transformation chain such as `w-300,h-200:rt-90` or `n-ik_ml_thumbnail`. Named
 * transformations are replaced by their definition before parsing.
 */
export function parseTransformation(
  text: string,
  named: NamedTransforms,
  maxSteps = defaultMaxSteps,
): Transformation {
  const rawSteps = stepsOf(text).filter((step) => step.length > 0);
  const onlyNamed = rawSteps.length > 0 && rawSteps.every((s) => s.length === 1 && s[0]!.startsWith('n-'));
  const expanded = rawSteps
    .map((tokens) =>
      tokens
        .map((token) => {
          if (!token.startsWith('n-')) return token;
          const definition = named.get(token.slice(2));
          if (definition === undefined) {
            throw badRequest(
              `Invalid transformation parameter \`${token}\`: there is no named transformation \`${token.slice(2)}\` on this server.`,
              { reason: 'INVALID_TRANSFORMATION' },
            );
          }
          return definition;
        })
        .join(','),
    )
    .join(':');
  const output: OutputOptions = {};
  const flags = { original: false };
  const steps: TransformStep[] = [];
  const chain = stepsOf(expanded);
  // Each step re-reads the previous one's pixels; a long chain would only burn CPU.
  if (chain.length > maxSteps) {
    throw badRequest(`A transformation may chain at most ${maxSteps} steps; this one has ${chain.length}.`, {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  for (const tokens of chain) {
    const step: TransformStep = {};
    for (const token of tokens) applyToken(token, step, output, flags);
    if (step.aspectRatio && !step.width && !step.height) {
      throw invalid(
        `ar-${step.aspectRatio.width}-${step.aspectRatio.height}`,
        'ar needs w or h in the same step.',
      );
    }
    if (step.dpr !== undefined && !step.width && !step.height) {
      throw invalid(`dpr-${step.dpr}`, 'dpr needs w or h in the same step.');
    }
    if (Object.keys(step).length > 0) steps.push(step);
  }
  return { steps, output, original: flags.original, onlyNamed };
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

const dimensionText = (d: Dimension) => ('px' in d ? String(d.px) : String(d.fraction));

/** One spelling per meaning: parameters in a fixed order, defaults left out. */
function canonicalStep(s: TransformStep): string {
  const out: string[] = [];
  if (s.width) out.push(`w-${dimensionText(s.width)}`);
  if (s.height) out.push(`h-${dimensionText(s.height)}`);
  if (s.aspectRatio) out.push(`ar-${s.aspectRatio.width}-${s.aspectRatio.height}`);
  if (s.dpr !== undefined && s.dpr !== 1) out.push(`dpr-${s.dpr}`);
  if (s.crop && s.crop !== 'maintain_ratio') out.push(`c-${s.crop}`);
  if (s.cropMode) out.push(`cm-${s.cropMode}`);
  if (s.focus && s.focus !== 'center') out.push(`fo-${s.focus}`);
  for (const key of ['x', 'y', 'xc', 'yc'] as const) if (s[key] !== undefined) out.push(`${key}-${s[key]}`);
  if (s.background) out.push(`bg-${colorText(s.background)}`);
  if (s.border) out.push(`b-${s.border.width}_${colorText(s.border.color)}`);
  if (s.rotate) out.push(`rt-${s.rotate}`);
  if (s.flip) out.push(`fl-${s.flip}`);
  if (s.blur) out.push(`bl-${s.blur}`);
  if (s.grayscale) out.push('e-grayscale');
  if (s.sharpen) out.push(`e-sharpen-${s.sharpen}`);
  if (s.contrast) out.push('e-contrast');
  if (s.trim) out.push(`t-${s.trim}`);
  return out.join(',');
}

/** The chain's steps in canonical form; output options are keyed separately, once resolved. */
export function canonicalSteps(t: Transformation): string {
  return t.steps.map(canonicalStep).filter(Boolean).join(':');
}
