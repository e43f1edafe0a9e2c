import { initializeCanvas, readPsd } from 'ag-psd';
import sharp from 'sharp';

/**
 * Photoshop files: their flattened image, which Photoshop stores beside the layers when
 * "Maximize compatibility" is on (its default), read with ag-psd (MIT). Layers are not redrawn.
 */

export const psdMime = 'image/vnd.adobe.photoshop';

// Pixels as plain arrays (`useImageData`): Node has no canvas, and none is needed.
initializeCanvas(
  () => {
    throw new Error('No canvas on the server.');
  },
  (width, height) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }) as ImageData,
);

/** A PSD's (or PSB's) size from its header, or undefined for a file too short to hold one. */
export function psdSize(head: Buffer): { width: number; height: number } | undefined {
  if (head.length < 26 || head.toString('latin1', 0, 4) !== '8BPS') return undefined;
  return { height: head.readUInt32BE(14), width: head.readUInt32BE(18) };
}

/**
 * The flattened image as PNG, or undefined when the file has none (saved without "Maximize
 * compatibility") or ag-psd cannot read it. A file over `maxPixels` is never decoded.
 */
export async function psdComposite(bytes: Buffer, maxPixels: number): Promise<Buffer | undefined> {
  const size = psdSize(bytes);
  if (!size || size.width * size.height > maxPixels || size.width < 1 || size.height < 1) return undefined;
  try {
    const psd = readPsd(bytes, {
      skipLayerImageData: true,
      skipThumbnail: true,
      skipLinkedFilesData: true,
      useImageData: true,
      totalMemoryLimit: size.width * size.height * 8 + 64 * 1024 * 1024,
    });
    const image = psd.imageData;
    if (!image || image.width !== size.width || image.height !== size.height) return undefined;
    const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    // 16- and 32-bit documents come back with wider samples: only 8-bit RGBA is handed on.
    if (data.length !== image.width * image.height * 4) return undefined;
    return await sharp(data, { raw: { width: image.width, height: image.height, channels: 4 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
  } catch {
    return undefined;
  }
}
