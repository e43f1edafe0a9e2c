import sharp, { type Sharp } from 'sharp';
import { badRequest } from '../errors.js';
import type { ConcreteStep } from './concrete.js';
import type { Color } from './values.js';

/**
 * Crop, resize and padding for one step, decided from the input size before any pixel is
 * touched (imagekit.io/docs/image-resize-and-crop).
 */

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function parseRegion(text: string | null): Region | null {
  if (!text) return null;
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const [left, top, width, height] = parts as [number, number, number, number];
  return width > 0 && height > 0 ? { left, top, width, height } : null;
}

const white: Color = { r: 255, g: 255, b: 255, alpha: 1 };
const clear: Color = { r: 0, g: 0, b: 0, alpha: 0 };
export const sharpColor = (c: Color) => ({ r: c.r, g: c.g, b: c.b, alpha: c.alpha });

export interface Geometry {
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
function targetSize(step: ConcreteStep, width: number, height: number) {
  const resolve = (d: ConcreteStep['width'], of: number) =>
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
 * touched; the caller refuses an output over the size limit (what is made, not what is asked:
 * `w-400,c-at_max` of a small image is small).
 */
export function planGeometry(
  step: ConcreteStep,
  width: number,
  height: number,
  custom: Region | null,
): Geometry {
  let { w, h } = targetSize(step, width, height);
  const focus = step.focus ?? 'center';
  // A blurred background is drawn under the padding afterwards: pad with nothing.
  const background =
    step.background === undefined ? white : 'color' in step.background ? step.background.color : clear;

  if (step.cropMode === 'pad_extract_no_shrink') {
    // Never smaller than the image: the requested box grows to hold it whole, padded around.
    w = Math.max(w ?? width, width);
    h = Math.max(h ?? height, height);
  }

  if (
    step.cropMode === 'extract' ||
    step.cropMode === 'pad_extract' ||
    step.cropMode === 'pad_extract_no_shrink'
  ) {
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

  if (step.cropMode?.startsWith('pad_resize') && w !== undefined && h !== undefined) {
    if (step.cropMode === 'pad_resize_no_enlarge' && width <= w && height <= h) {
      // Small enough already: padded to the box at its own size, placed by fo.
      const left = along(focus, w, width, 'left', 'right');
      const top = along(focus, h, height, 'top', 'bottom');
      return {
        extend: { left, right: w - width - left, top, bottom: h - height - top, background },
        width: w,
        height: h,
      };
    }
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

export function applyGeometry(image: Sharp, g: Geometry): Sharp {
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
