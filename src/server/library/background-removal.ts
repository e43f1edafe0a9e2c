import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { assertMaySend, type FileVisibility } from '../ai/privacy.js';
import type { BackgroundRemover } from '../ai/providers.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest } from '../errors.js';
import type { Raw } from '../media/effects.js';
import type { BackgroundCutter } from '../media/render.js';
import { removesBackground, type Transformation } from '../media/transformation.js';
import { DerivedImages } from './derived-images.js';

/** How long one cut-out may take in a delivery request before it answers 503. */
export const cutOutTimeoutMs = 30_000;

/**
 * Refuses `e-bgremove` (`e-removedotbg`) where no background remover runs (`--no-ai`, model
 * files missing), and where the configured one is a third party the file may not go to.
 */
export function assertMayRemoveBackground(
  ctx: Pick<ServerContext, 'ai'>,
  t: Transformation | undefined,
  files: FileVisibility[],
): void {
  if (!t || !removesBackground(t.steps)) return;
  const remover = ctx.ai.backgroundRemover;
  if (!remover) {
    throw badRequest(
      `e-bgremove (and e-removedotbg) needs a background remover, and this server has none: ${ctx.ai.unavailable ?? 'none is configured.'}`,
      {
        reason: 'UNSUPPORTED_TRANSFORMATION',
        help: 'See docs/ai.md: the server runs its packaged models unless started with --no-ai. Drop e-bgremove from the URL, or upload with the remove-bg extension on a server that has them.',
      },
    );
  }
  for (const file of files) assertMaySend(remover, file);
}

/** The remover's cut-out, or a 503 once `ms` have passed (the model may be busy with others). */
async function cutOutWithin(remover: BackgroundRemover, pixels: Raw, ms: number): Promise<Buffer> {
  const png = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 4 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = Math.ceil(ms / 1000);
      reject(
        new ApiError(
          503,
          `Removing the background took longer than ${seconds} s. Retry in a moment, or ask for a smaller image first (w-…:e-bgremove).`,
          { reason: 'TIMEOUT' },
          { 'retry-after': String(seconds) },
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([
      remover.removeBackground({ bytes: png, mime: 'image/png', width: pixels.width, height: pixels.height }),
      late,
    ]);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The model process died or a provider failed: the server's trouble, worth a retry, not the URL's.
    throw new ApiError(
      503,
      `Removing the background failed: ${(error as Error).message.split('\n')[0]} Retry in a moment.`,
      { reason: 'BACKGROUND_REMOVAL_FAILED' },
      { 'retry-after': '5' },
    );
  } finally {
    clearTimeout(timer);
  }
}

async function readAll(ctx: Pick<ServerContext, 'derivedImages'>, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.derivedImages.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The render's `e-bgremove` for one version: the configured remover, its cut-outs cached in the
 * version's rendition tree by the pixels they were made from, so every URL that cuts the same
 * pixels (`e-bgremove,w-300` and `e-bgremove,w-600`) runs the model once.
 */
export function backgroundCutter(
  ctx: Pick<ServerContext, 'ai' | 'derivedImages'>,
  blobKey: string,
): BackgroundCutter | undefined {
  const remover = ctx.ai.backgroundRemover;
  if (!remover) return undefined;
  const provider = remover.external?.provider ?? 'local';
  return async (pixels) => {
    const hash = createHash('sha256')
      .update(`cut-out|${provider}|${pixels.width}x${pixels.height}|`)
      .update(pixels.data)
      .digest('hex')
      .slice(0, 32);
    const key = DerivedImages.keyFor(blobKey, hash, 'png');
    const found = await ctx.derivedImages.get(key, blobKey, () =>
      cutOutWithin(remover, pixels, cutOutTimeoutMs),
    );
    const png = 'bytes' in found ? found.bytes : await readAll(ctx, key);
    const { data, info } = await sharp(png)
      .resize(pixels.width, pixels.height, { fit: 'fill' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  };
}
