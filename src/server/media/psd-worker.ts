/**
 * Reads one PSD's flattened image in a worker thread (psd.ts `decodePsd`): ag-psd decodes
 * synchronously, and on the server's thread a large document held every request until it was done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initializeCanvas, readPsd } from 'ag-psd';

export interface PsdJob {
  bytes: Uint8Array;
  totalMemoryLimit: number;
}

export interface PsdPixels {
  width: number;
  height: number;
  data: Uint8Array;
}

// Pixels as plain arrays (`useImageData`): Node has no canvas, and none is needed.
initializeCanvas(
  () => {
    throw new Error('No canvas on the server.');
  },
  (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }) as ImageData,
);

const { bytes, totalMemoryLimit } = workerData as PsdJob;
let answer: PsdPixels | undefined;
try {
  const image = readPsd(bytes, {
    skipLayerImageData: true,
    skipThumbnail: true,
    skipLinkedFilesData: true,
    useImageData: true,
    totalMemoryLimit,
  }).imageData;
  if (image) {
    const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    answer = { width: image.width, height: image.height, data };
  }
} catch {
  // Unreadable: the caller shows the placeholder.
}
parentPort!.postMessage(answer, answer ? [answer.data.buffer as ArrayBuffer] : []);
