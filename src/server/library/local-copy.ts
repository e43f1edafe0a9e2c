import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ServerContext } from '../context.js';

/**
 * ffmpeg and poppler need a seekable local file; blobs may live elsewhere (S3), so `work` gets a
 * copy in staging, deleted after it whatever happens.
 */
export async function withLocalCopy<T>(
  ctx: ServerContext,
  blobKey: string,
  work: (path: string) => Promise<T>,
): Promise<T> {
  const path = join(ctx.stagingDir, `source-${randomUUID()}`);
  try {
    await pipeline(await ctx.storage.read(blobKey), createWriteStream(path));
    return await work(path);
  } finally {
    await rm(path, { force: true });
  }
}
