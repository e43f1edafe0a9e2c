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

/** 0–15 for 0-9, a-f, A-F. */
const hexDigit = (code: number): number => (code <= 57 ? code - 48 : (code | 32) - 87);

/** Bits set in a 32-bit integer. */
function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Bits that differ between two pHashes (0–64), eight hex digits at a time. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) return hammingOfBigInts(a, b);
  if (!/^[0-9a-fA-F]*$/.test(a) || !/^[0-9a-fA-F]*$/.test(b)) return hammingOfBigInts(a, b);
  let bits = 0;
  for (let i = 0; i < a.length; i += 8) {
    let x = 0;
    for (let j = i; j < Math.min(i + 8, a.length); j++)
      x = (x << 4) | (hexDigit(a.charCodeAt(j)) ^ hexDigit(b.charCodeAt(j)));
    bits += popcount32(x);
  }
  return bits;
}

/** Hashes of different lengths (none we store): compared as whole numbers. */
function hammingOfBigInts(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (x > 0n) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}

/** Half the L1 distance between two histograms (hex, as stored): 0 for the same colours, 1 for none in common. */
export function histogramDistance(a: string, b: string): number {
  return histogramBytesDistance(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** histogramDistance of decoded histograms, in one pass over the bins. */
function histogramBytesDistance(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i] ?? 0;
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
  return distanceFrom(a)(b);
}

/**
 * signatureDistance from one image to many: the target is decoded once, each other signature in
 * one pass (a query ranks up to a thousand candidates).
 */
export function distanceFrom(
  target: Pick<ImageSignature, 'phash' | 'histogram'>,
): (other: Pick<ImageSignature, 'phash' | 'histogram'>) => number {
  const colours = Buffer.from(target.histogram, 'hex');
  return (other) => {
    const shape = Math.min(1, hammingDistance(target.phash, other.phash) / 32);
    return 0.75 * shape + 0.25 * histogramHexDistance(colours, other.histogram);
  };
}

/** histogramBytesDistance with the other histogram read straight from its hex (no buffer per row). */
function histogramHexDistance(a: Uint8Array, hex: string): number {
  if (hex.length !== a.length * 2) return histogramBytesDistance(a, Buffer.from(hex, 'hex'));
  let sum = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = (hexDigit(hex.charCodeAt(i * 2)) << 4) | hexDigit(hex.charCodeAt(i * 2 + 1));
    sum += Math.abs(x - y);
    total += x + y;
  }
  return total === 0 ? 0 : sum / total;
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
