import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ServerContext } from '../context.js';

/**
 * ffmpeg, poppler and the hashes need a seekable local file: a blob on this node's disk is read
 * where it is; one elsewhere (S3) is copied into staging for `work`, deleted after it whatever happens.
 */
export async function withLocalCopy<T>(
  ctx: ServerContext,
  blobKey: string,
  work: (path: string) => Promise<T>,
): Promise<T> {
  const local = ctx.storage.localPath?.(blobKey);
  if (local) return work(local);
  const path = join(ctx.stagingDir, `source-${randomUUID()}`);
  try {
    await pipeline(await ctx.storage.read(blobKey), createWriteStream(path));
    return await work(path);
  } finally {
    await rm(path, { force: true });
  }
}
