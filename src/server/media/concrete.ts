import type { Gradient, TransformStep } from './transformation.js';
import { type Color, evaluate, type Sizes } from './values.js';

/** A step with every arithmetic expression worked out for the image it applies to. */
export interface ConcreteStep
  extends Omit<
    TransformStep,
    | 'width'
    | 'height'
    | 'aspectRatio'
    | 'x'
    | 'y'
    | 'xc'
    | 'yc'
    | 'border'
    | 'radius'
    | 'gradient'
    | 'background'
  > {
  width?: { px: number } | { fraction: number };
  height?: { px: number } | { fraction: number };
  aspectRatio?: { width: number; height: number };
  x?: number;
  y?: number;
  xc?: number;
  yc?: number;
  border?: { width: number; color: Color };
  radius?: 'max' | number[];
  gradient?: Omit<Gradient, 'stop'> & { stop: number };
  background?: { color: Color } | { blurred: { intensity: number | 'auto'; brightness: number } };
  /** `bg-dominant`: the background is the image's own dominant colour, read from its pixels. */
  dominant?: true;
}

/** What the sizes an expression names are for an image of `current` size. */
export interface Frame {
  /** The chain's starting image (`iw`, `ih`). */
  initial: { width: number; height: number };
  /** Inside a layer: the image it is drawn on (`bw`, `bh`). */
  base?: { width: number; height: number };
}

export function sizesFor(frame: Frame, current: { width: number; height: number }): Sizes {
  const { initial, base } = frame;
  return {
    iw: initial.width,
    ih: initial.height,
    iar: initial.width / initial.height,
    cw: current.width,
    ch: current.height,
    car: current.width / current.height,
    ...(base && { bw: base.width, bh: base.height, bar: base.width / base.height }),
  };
}

const atLeastOne = (n: number) => Math.max(1, Math.round(n));

/**
 * Works out a step's expressions. `dominant` (a background the image's own colour) is left as
 * white here: the render reads the colour from the pixels.
 */
export function concreteStep(step: TransformStep, sizes: Sizes): ConcreteStep {
  const { width, height, aspectRatio, x, y, xc, yc, border, radius, gradient, background, ...rest } = step;
  const dimension = (d: TransformStep['width'], name: string) =>
    d === undefined ? undefined : 'expr' in d ? { px: atLeastOne(evaluate(d.expr, sizes, name)) } : d;
  const position = (v: TransformStep['x'], name: string) =>
    v === undefined ? undefined : Math.round(evaluate(v, sizes, name));
  const out: ConcreteStep = { ...rest };
  const w = dimension(width, 'w');
  const h = dimension(height, 'h');
  if (w) out.width = w;
  if (h) out.height = h;
  if (aspectRatio) {
    out.aspectRatio =
      'expr' in aspectRatio
        ? { width: Math.max(0.001, evaluate(aspectRatio.expr, sizes, 'ar')), height: 1 }
        : aspectRatio;
  }
  for (const [key, value] of [
    ['x', x],
    ['y', y],
    ['xc', xc],
    ['yc', yc],
  ] as const) {
    const n = position(value, key);
    if (n !== undefined) out[key] = Math.max(0, n);
  }
  if (border)
    out.border = { width: Math.max(0, Math.round(evaluate(border.width, sizes, 'b'))), color: border.color };
  if (radius) out.radius = radius === 'max' ? 'max' : radius.map((r) => Math.max(0, evaluate(r, sizes, 'r')));
  if (gradient) out.gradient = { ...gradient, stop: evaluate(gradient.stop, sizes, 'sp') };
  if (background && 'dominant' in background) {
    out.background = { color: { r: 255, g: 255, b: 255, alpha: 1 } };
    out.dominant = true;
  } else if (background) out.background = background;
  return out;
}
