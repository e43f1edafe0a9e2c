/**
 * The model process (see model-process.ts): everything a model job computes runs here, at a lower
 * CPU priority than the server: reading the original (by path when it is on local disk), decoding
 * and scaling it, Human's models, tesseract, and the cut-out's PNG. The server only sends the ask
 * and stores the answer.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { ImageAnalysis, ImageSource } from '../providers.js';
import { detect, personMask } from './human.js';
import { readText } from './ocr.js';

/** What the server asks of the model process. */
export type HumanAsk =
  | { op: 'analyse'; source: ImageSource; maxPixels: number }
  | { op: 'cutOut'; source: ImageSource; maxPixels: number; width: number; height: number };
/** An ask as sent: its answer carries the same `id`. */
export type HumanRequest = HumanAsk & { id: number };

// One core at most: libvips would otherwise start a thread per core for each image.
sharp.concurrency(1);
sharp.cache(false);

async function bytesOf(source: ImageSource): Promise<Buffer> {
  if ('path' in source) return readFile(source.path);
  return Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
}

/** Faces, objects (boxes in the upright image's pixels) and words of one image. */
async function analyse(source: ImageSource, maxPixels: number): Promise<ImageAnalysis> {
  const bytes = await bytesOf(source);
  const meta = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
  const width = ((meta.orientation ?? 1) >= 5 ? meta.height : meta.width) ?? 0;
  const found = await detect(bytes, width);
  const words = await readText(bytes);
  return { ...found, words };
}

/** People cut out with the selfie segmentation model: a PNG of the image's size, transparent elsewhere. */
async function cutOut(
  source: ImageSource,
  maxPixels: number,
  width: number,
  height: number,
): Promise<Buffer> {
  const bytes = await bytesOf(source);
  const mask = await personMask(bytes);
  const alpha = await sharp(mask.alpha, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .resize(width, height, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  // sharp applies removeAlpha after joinChannel in one pipeline: take the RGB pixels first.
  const rgb = await sharp(bytes, { limitInputPixels: maxPixels })
    .rotate()
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

function answer(request: HumanAsk): Promise<unknown> {
  if (request.op === 'analyse') return analyse(request.source, request.maxPixels);
  return cutOut(request.source, request.maxPixels, request.width, request.height);
}

// Asks run one after another, so the process never takes more than one core (OCR's worker thread included).
let queue: Promise<unknown> = Promise.resolve();
process.on('message', (request: HumanRequest) => {
  queue = queue.then(async () => {
    try {
      process.send?.({ id: request.id, result: await answer(request) });
    } catch (error) {
      process.send?.({ id: request.id, error: (error as Error).message });
    }
  });
});
// The server went away: so does this process.
process.on('disconnect', () => process.exit(0));
