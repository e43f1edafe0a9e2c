import sharp from 'sharp';
import type { AiImage } from '../providers.js';

/**
 * The image as a provider gets it: a JPEG whose longer side is at most `maxSide` pixels,
 * re-encoded (so no EXIF, GPS or other embedded metadata leaves the server) and bounded in size.
 */
export async function imageForProvider(image: AiImage, maxSide = 1024): Promise<Buffer> {
  return sharp(image.bytes, { limitInputPixels: 268_402_689, animated: false })
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toBuffer();
}
