import { readFile } from 'node:fs/promises';
import exifr from 'exifr';
import sharp, { type Metadata } from 'sharp';
import type { FileMetadata } from '../../shared/wire.js';
import { estimateJpegQuality } from './jpeg-quality.js';

/** ImageKit groups EXIF tags like this; exifr calls the same blocks ifd0, exif, gps, interop, thumbnail. */
const exifBlocks: Record<string, string> = {
  ifd0: 'image',
  thumbnail: 'thumbnail',
  ifd1: 'thumbnail',
  exif: 'exif',
  gps: 'gps',
  interop: 'interoperability',
};

/**
 * `GET /v1/files/{id}/metadata`: dimensions, colour facts, raw EXIF by block and a 64-bit
 * perceptual hash. `input` is a local path or the bytes; `format` and `size` come from the catalog.
 */
export async function readFileMetadata(
  input: string | Buffer,
  format: string,
  size: number,
  maxPixels: number,
): Promise<FileMetadata> {
  const exif: FileMetadata['exif'] = {
    image: {},
    thumbnail: {},
    exif: {},
    gps: {},
    interoperability: {},
    makernote: {},
  };
  const out: FileMetadata = { size, format, hasColorProfile: false, hasTransparency: false, exif };
  let info: Metadata;
  try {
    info = await sharp(input, { limitInputPixels: maxPixels }).metadata();
  } catch {
    return out;
  }
  out.width = info.autoOrient?.width ?? info.width;
  out.height = info.autoOrient?.height ?? info.height;
  out.hasColorProfile = info.hasProfile === true;
  out.hasTransparency = info.hasAlpha;
  if (info.density !== undefined) out.density = info.density;
  if (info.format === 'jpeg') {
    const quality = estimateJpegQuality(typeof input === 'string' ? await readFile(input) : input);
    if (quality !== undefined) out.quality = quality;
  }
  const raw = await exifr
    .parse(input, {
      mergeOutput: false,
      translateKeys: true,
      translateValues: false,
      reviveValues: false,
      tiff: true,
      ifd1: true,
      gps: true,
      interop: true,
      makerNote: false,
    })
    .catch(() => undefined);
  for (const [block, tags] of Object.entries((raw ?? {}) as Record<string, Record<string, unknown>>)) {
    const target = exifBlocks[block];
    if (!target || !tags || typeof tags !== 'object') continue;
    for (const [tag, value] of Object.entries(tags)) {
      exif[target]![tag] = ArrayBuffer.isView(value) ? Array.from(value as Uint8Array) : value;
    }
  }
  const pHash = await perceptualHash(input, maxPixels).catch(() => undefined);
  return pHash ? { ...out, pHash } : out;
}

/** The classic DCT pHash: 32×32 greyscale, top-left 8×8 DCT coefficients against their median. */
export async function perceptualHash(input: string | Buffer, maxPixels: number): Promise<string> {
  const n = 32;
  const pixels = await sharp(input, { limitInputPixels: maxPixels })
    .rotate()
    .greyscale()
    .resize(n, n, { fit: 'fill' })
    .raw()
    .toBuffer();
  return dctHash(pixels);
}

const hashSide = 32;
const cosines = Array.from({ length: 8 }, (_, u) =>
  Array.from({ length: hashSide }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * hashSide))),
);

/** The 64-bit pHash (16 hex digits) of 32×32 greyscale pixels, row by row. */
export function dctHash(pixels: ArrayLike<number>): string {
  const n = hashSide;
  const coefficients: number[] = [];
  for (let u = 0; u < 8; u++) {
    for (let v = 0; v < 8; v++) {
      let sum = 0;
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) sum += pixels[y * n + x]! * cosines[u]![x]! * cosines[v]![y]!;
      }
      coefficients.push(sum);
    }
  }
  const ac = coefficients.slice(1);
  const median = [...ac].sort((a, b) => a - b)[Math.floor(ac.length / 2)]!;
  let bits = 0n;
  for (const c of coefficients) bits = (bits << 1n) | (c > median ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}
