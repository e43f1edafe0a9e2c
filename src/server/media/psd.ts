import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { moduleBeside } from '../module-beside.js';
import type { PsdJob, PsdPixels } from './psd-worker.js';

/**
 * Photoshop files: their flattened image, which Photoshop stores beside the layers when
 * "Maximize compatibility" is on (its default), read with ag-psd (MIT) in a worker thread of its
 * own for each document, bounded in memory and time. Layers are not redrawn.
 */

export const psdMime = 'image/vnd.adobe.photoshop';

/** A decode that takes longer is given up (the placeholder is shown). */
const decodeSeconds = 30;

/** A PSD's (or PSB's) size from its header, or undefined for a file too short to hold one. */
export function psdSize(head: Buffer): { width: number; height: number } | undefined {
  if (head.length < 26 || head.toString('latin1', 0, 4) !== '8BPS') return undefined;
  return { height: head.readUInt32BE(14), width: head.readUInt32BE(18) };
}

/** The built worker module, or its TypeScript source through tsx (tests, `npm start`). */
function startWorker(job: PsdJob, heapMb: number): Worker {
  const options = { workerData: job, resourceLimits: { maxOldGenerationSizeMb: heapMb } };
  const { url, source } = moduleBeside(import.meta.url, 'psd-worker');
  if (!source) return new Worker(url, options);
  // A worker does not take tsx's --import on Node 20: it registers tsx itself, then loads the source.
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(load, { ...options, eval: true });
}

/**
 * The flattened image as RGBA pixels, decoded off the event loop, or undefined when the file has
 * none or cannot be read in `decodeSeconds` within its memory bound.
 */
export function decodePsd(
  bytes: Buffer,
  size: { width: number; height: number },
): Promise<PsdPixels | undefined> {
  const pixelBytes = size.width * size.height * 4;
  const job: PsdJob = { bytes, totalMemoryLimit: pixelBytes * 2 + 64 * 1024 * 1024 };
  // The pixels live in array buffers outside the heap; the heap holds the parse.
  const worker = startWorker(job, 256);
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), decodeSeconds * 1000);
    worker.once('message', (pixels: PsdPixels | undefined) => resolve(pixels));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

/**
 * The flattened image as PNG, or undefined when the file has none (saved without "Maximize
 * compatibility") or ag-psd cannot read it. A file over `maxPixels` is never decoded.
 */
export async function psdComposite(bytes: Buffer, maxPixels: number): Promise<Buffer | undefined> {
  const size = psdSize(bytes);
  if (!size || size.width * size.height > maxPixels || size.width < 1 || size.height < 1) return undefined;
  const image = await decodePsd(bytes, size);
  if (!image || image.width !== size.width || image.height !== size.height) return undefined;
  // 16- and 32-bit documents come back with wider samples: only 8-bit RGBA is handed on.
  if (image.data.length !== image.width * image.height * 4) return undefined;
  try {
    return await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
  } catch {
    return undefined;
  }
}
