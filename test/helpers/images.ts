import sharp, { type Metadata } from 'sharp';

export type Rgb = [number, number, number];

export const red: Rgb = [255, 0, 0];
export const green: Rgb = [0, 255, 0];
export const blue: Rgb = [0, 0, 255];
export const white: Rgb = [255, 255, 255];

/**
 * A PNG in four flat quadrants, so crops, flips and rotations can be checked by colour:
 * top-left red, top-right green, bottom-left blue, bottom-right white.
 */
export async function quadrants(width = 200, height = 100): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = y < height / 2 ? (x < width / 2 ? red : green) : x < width / 2 ? blue : white;
      pixels.set(colour, (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A JPEG stored sideways with an EXIF orientation (6: rotate 90° clockwise to view). */
export async function orientedJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  return sharp(await quadrants(width, height))
    .jpeg()
    .withMetadata({ orientation })
    .toBuffer();
}

export interface Decoded {
  meta: Metadata;
  width: number;
  height: number;
  /** RGB(A) at a pixel, channels as stored after converting to sRGB. */
  pixel(x: number, y: number): number[];
}

/** Decodes an image response body so tests can check size, format and pixels. */
export async function decode(bytes: Buffer | ArrayBuffer): Promise<Decoded> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const meta = await sharp(buffer).metadata();
  const { data, info } = await sharp(buffer)
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    meta,
    width: info.width,
    height: info.height,
    pixel(x, y) {
      const at = (y * info.width + x) * info.channels;
      return [...data.subarray(at, at + info.channels)];
    },
  };
}

/** Asserts helper: colour channels within `tolerance` of the expected (lossy formats blur edges). */
export function near(actual: number[], expected: Rgb, tolerance = 40): boolean {
  return expected.every((value, i) => Math.abs((actual[i] ?? -999) - value) <= tolerance);
}

/** GETs `url` and decodes the body; throws with the JSON error when the status is not 200. */
export async function fetchImage(
  url: string,
  init?: RequestInit,
): Promise<Decoded & { response: Response; bytes: Buffer }> {
  const response = await fetch(url, init);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200)
    throw new Error(`${url}: ${response.status} ${bytes.toString('utf8').slice(0, 300)}`);
  return { ...(await decode(bytes)), response, bytes };
}
