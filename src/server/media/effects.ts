import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import { badRequest } from '../errors.js';
import type { Distort, Shadow } from './transformation.js';
import type { Color } from './values.js';

/**
 * The shape and effect operations that work on a whole image's pixels: rounded corners,
 * opacity, gradients, shadows and distortions. Composites are returned as sharp overlay
 * options, so one `composite()` applies them together.
 */

/** Decoded RGBA pixels. */
export interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

export const rawOverlay = (raw: Raw, more: Omit<OverlayOptions, 'input' | 'raw'> = {}): OverlayOptions => ({
  input: raw.data,
  raw: { width: raw.width, height: raw.height, channels: 4 },
  ...more,
});

export const fromRaw = (raw: Raw) =>
  sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } });

export async function toRaw(image: Sharp): Promise<Raw> {
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A canvas of one colour. */
export const solid = (width: number, height: number, c: Color) =>
  sharp({ create: { width, height, channels: 4, background: { r: c.r, g: c.g, b: c.b, alpha: c.alpha } } });

/** Keeps what lies inside the rounded rectangle (or, for `max`, the ellipse) of the image. */
export function roundedMask(width: number, height: number, radius: 'max' | number[]): OverlayOptions {
  let shape: string;
  if (radius === 'max') {
    shape = `<ellipse cx="${width / 2}" cy="${height / 2}" rx="${width / 2}" ry="${height / 2}"/>`;
  } else {
    const limit = Math.min(width, height) / 2;
    const [tl, tr, br, bl] = radius.map((r) => Math.max(0, Math.min(r, limit))) as [
      number,
      number,
      number,
      number,
    ];
    shape = `<path d="M${tl},0 H${width - tr} A${tr},${tr} 0 0 1 ${width},${tr} V${height - br} A${br},${br} 0 0 1 ${width - br},${height} H${bl} A${bl},${bl} 0 0 1 0,${height - bl} V${tl} A${tl},${tl} 0 0 1 ${tl},0 Z"/>`;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shape}</svg>`;
  return { input: Buffer.from(svg), blend: 'dest-in' };
}

/** Scales the image's alpha by `opacity` (0–100). */
export const opacityMask = (width: number, height: number, opacity: number): OverlayOptions => ({
  input: { create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: opacity / 100 } } },
  blend: 'dest-in',
});

const stopColor = (c: Color) => `stop-color="rgb(${c.r},${c.g},${c.b})" stop-opacity="${c.alpha}"`;

/**
 * A linear gradient as CSS draws one: `angle` 180 runs from the top (`from`) to the bottom,
 * reaching `to` at `stop` (a fraction of the line, or pixels above 1).
 */
export function gradientOverlay(
  width: number,
  height: number,
  g: { angle: number; from: Color; to: Color; stop: number },
  blend: OverlayOptions['blend'],
): OverlayOptions {
  const radians = (g.angle * Math.PI) / 180;
  const [dx, dy] = [Math.sin(radians), -Math.cos(radians)];
  const length = Math.abs(width * dx) + Math.abs(height * dy);
  const [cx, cy] = [width / 2, height / 2];
  const stop = Math.min(1, g.stop > 1 ? g.stop / length : g.stop);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" gradientUnits="userSpaceOnUse" x1="${cx - (dx * length) / 2}" y1="${cy - (dy * length) / 2}" x2="${cx + (dx * length) / 2}" y2="${cy + (dy * length) / 2}"><stop offset="0" ${stopColor(g.from)}/><stop offset="${stop}" ${stopColor(g.to)}/></linearGradient></defs><rect width="${width}" height="${height}" fill="url(#g)"/></svg>`;
  return { input: Buffer.from(svg), blend };
}

/** Shadows are computed on images of up to this many pixels, as on ImageKit: resize first. */
export const maxShadowPixels = 2_000_000;
/** Distortions map every pixel in JavaScript: bounded so one cannot take seconds. */
export const maxDistortPixels = 8_000_000;

/** A shadow under the image's opaque pixels: its alpha, blurred, darkened by `saturation`, offset. */
export async function withShadow(raw: Raw, shadow: Shadow): Promise<Raw> {
  const { width, height } = raw;
  if (width * height > maxShadowPixels) {
    throw badRequest(
      `e-shadow works on images of up to ${maxShadowPixels / 1_000_000} megapixels; this one is ${width}×${height}. Resize it first (w-…:e-shadow).`,
      { reason: 'TRANSFORMATION_TOO_LARGE' },
    );
  }
  const alpha = Buffer.alloc(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = raw.data[i * 4 + 3]!;
  const blurred =
    shadow.blur > 0
      ? await sharp(alpha, { raw: { width, height, channels: 1 } })
          .blur(0.3 + shadow.blur * 0.6)
          .extractChannel(0)
          .raw()
          .toBuffer()
      : alpha;
  const dx = Math.round((shadow.x / 100) * width);
  const dy = Math.round((shadow.y / 100) * height);
  const strength = shadow.saturation / 100;
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < width; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < width)
        out[(y * width + x) * 4 + 3] = Math.round(blurred[sy * width + sx]! * strength);
    }
  }
  const data = await sharp(out, { raw: { width, height, channels: 4 } })
    .composite([rawOverlay(raw)])
    .raw()
    .toBuffer();
  return { data, width, height };
}

/** Solves the 3×3 projective map taking `from` quadrilateral corners to `to` ones. */
function homography(from: number[], to: number[]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y, u, v] = [from[i * 2]!, from[i * 2 + 1]!, to[i * 2]!, to[i * 2 + 1]!];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++)
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12)
      throw badRequest('e-distort: these corners make no quadrilateral.', {
        reason: 'INVALID_TRANSFORMATION',
      });
    const pivotRow = a[col]!;
    for (const [index, row] of a.entries()) {
      if (index === col) continue;
      const f = row[col]! / p;
      for (let k = col; k < 9; k++) row[k] = row[k]! - f * pivotRow[k]!;
    }
  }
  return [...a.map((row, i) => row[8]! / row[i]!), 1];
}

/** Bilinear sample of RGBA at (x, y) into `out` at `at`; outside is transparent. */
function sample(raw: Raw, x: number, y: number, out: Buffer, at: number) {
  const { width, height, data } = raw;
  if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) return;
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(y)));
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  for (let c = 0; c < 4; c++) {
    const top = data[(y0 * width + x0) * 4 + c]! * (1 - fx) + data[(y0 * width + x1) * 4 + c]! * fx;
    const bottom = data[(y1 * width + x0) * 4 + c]! * (1 - fx) + data[(y1 * width + x1) * 4 + c]! * fx;
    out[at + c] = Math.round(top * (1 - fy) + bottom * fy);
  }
}

/**
 * `e-distort`: perspective moves the four corners (clockwise from the top left) within the
 * same canvas; an arc bends the image so its middle rises (positive degrees) or sinks.
 */
export function distort(raw: Raw, d: Distort): Raw {
  const { width, height } = raw;
  if (width * height > maxDistortPixels) {
    throw badRequest(
      `e-distort works on images of up to ${maxDistortPixels / 1_000_000} megapixels; this one is ${width}×${height}. Resize it first.`,
      { reason: 'TRANSFORMATION_TOO_LARGE' },
    );
  }
  if ('perspective' in d) {
    const h = homography(d.perspective, [0, 0, width, 0, width, height, 0, height]);
    const out = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [px, py] = [x + 0.5, y + 0.5];
        const w = h[6]! * px + h[7]! * py + h[8]!;
        sample(
          raw,
          (h[0]! * px + h[1]! * py + h[2]!) / w - 0.5,
          (h[3]! * px + h[4]! * py + h[5]!) / w - 0.5,
          out,
          (y * width + x) * 4,
        );
      }
    }
    return { data: out, width, height };
  }
  const radians = (Math.min(180, Math.abs(d.arc)) * Math.PI) / 180;
  const half = width / 2;
  const radius = half / Math.sin(radians / 2);
  const sag = radius - Math.sqrt(Math.max(0, radius * radius - half * half));
  const outHeight = height + Math.ceil(sag);
  const out = Buffer.alloc(width * outHeight * 4);
  for (let x = 0; x < width; x++) {
    const dx = x + 0.5 - half;
    const drop = radius - Math.sqrt(Math.max(0, radius * radius - dx * dx));
    const shift = d.arc > 0 ? drop : sag - drop;
    for (let y = 0; y < outHeight; y++) sample(raw, x, y - shift, out, (y * width + x) * 4);
  }
  return { data: out, width, height: outHeight };
}

/** The size `distort` makes, for planning. */
export function distortedSize(width: number, height: number, d: Distort) {
  if ('perspective' in d) return { width, height };
  const radians = (Math.min(180, Math.abs(d.arc)) * Math.PI) / 180;
  const radius = width / 2 / Math.sin(radians / 2);
  const sag = radius - Math.sqrt(Math.max(0, radius * radius - (width / 2) ** 2));
  return { width, height: height + Math.ceil(sag) };
}
