import sharp from 'sharp';
import { dctHash } from './metadata.js';

/**
 * What "find similar" compares without an embedding model (docs/server.md "Similar images"): the
 * 64-bit DCT pHash (shape and layout, unchanged by resizing and most recolouring) and a 4×4×4 RGB
 * histogram (the colours, whatever their place). Both come from one 32×32 decode.
 */
export interface ImageSignature {
  /** 16 hex digits, as `GET /v1/files/{id}/metadata` reports `pHash`. */
  phash: string;
  /** The hash in four 16-bit bands, high first: two hashes within 3 bits share at least one. */
  bands: [number, number, number, number];
  /** The most common of the 64 colour bins. */
  colour: number;
  /** 64 bins, each the share of pixels scaled to 0–255, as 128 hex digits. */
  histogram: string;
}

const side = 32;
const bins = 4;

export async function imageSignature(input: string | Buffer, maxPixels: number): Promise<ImageSignature> {
  const rgb = await sharp(input, { limitInputPixels: maxPixels })
    .rotate()
    .resize(side, side, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  const channels = rgb.length / (side * side);
  const grey = new Float64Array(side * side);
  const counts = new Array<number>(bins ** 3).fill(0);
  for (let i = 0; i < side * side; i++) {
    const r = rgb[i * channels]!;
    const g = rgb[i * channels + 1] ?? r;
    const b = rgb[i * channels + 2] ?? r;
    grey[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    const bin = ((r * bins) >> 8) * bins * bins + ((g * bins) >> 8) * bins + ((b * bins) >> 8);
    counts[bin]! += 1;
  }
  const phash = dctHash(grey);
  const histogram = counts
    .map((count) =>
      Math.round((count / (side * side)) * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('');
  const colour = counts.indexOf(Math.max(...counts));
  return { phash, bands: bandsOf(phash), colour, histogram };
}

export function bandsOf(phash: string): [number, number, number, number] {
  return [0, 1, 2, 3].map((i) => Number.parseInt(phash.slice(i * 4, i * 4 + 4), 16)) as [
    number,
    number,
    number,
    number,
  ];
}

/** Bits that differ between two pHashes (0–64). */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (x > 0n) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}

/** Half the L1 distance between two histograms: 0 for the same colours, 1 for none in common. */
export function histogramDistance(a: string, b: string): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < a.length; i += 2) {
    const x = Number.parseInt(a.slice(i, i + 2), 16);
    const y = Number.parseInt(b.slice(i, i + 2), 16);
    sum += Math.abs(x - y);
    total += x + y;
  }
  return total === 0 ? 0 : sum / total;
}

/**
 * How far apart two images look, 0 (the same) to 1: mostly the pHash (32 differing bits is what
 * two unrelated images have), partly the colours.
 */
export function signatureDistance(
  a: Pick<ImageSignature, 'phash' | 'histogram'>,
  b: Pick<ImageSignature, 'phash' | 'histogram'>,
): number {
  const shape = Math.min(1, hammingDistance(a.phash, b.phash) / 32);
  return 0.75 * shape + 0.25 * histogramDistance(a.histogram, b.histogram);
}

/** 1 − cosine similarity of two vectors. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}

export const encodeVector = (v: Float32Array): string =>
  Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

export function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(bytes.length / 4));
}
