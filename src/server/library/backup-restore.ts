import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ServerConfig } from '../config.js';
import { probeFile } from '../media/probe.js';
import { parseS3Url, s3ClientFor } from '../storage/s3-storage.js';
import { appendAudit, fileTarget, systemActor } from './audit.js';
import { type BlobContext, blobKeyFor, commitWithBlobs } from './blobs.js';
import { ensureFolderChain } from './folders.js';
import { newId } from './ids.js';
import { normalizeFolder } from './naming.js';
import { StagedFile } from './staging.js';
import { newFileVersion } from './versions.js';

/** What `restoreFromBackup` needs: the catalog, blob storage and a staging directory. */
export interface RestoreContext extends BlobContext {
  config: Pick<ServerConfig, 's3Endpoint' | 'maxUploadBytes' | 'maxImagePixels'>;
  stagingDir: string;
}

export interface RestoreResult {
  restored: string[];
  /** Paths the library already has (by path): left as they are. */
  skipped: number;
}

/**
 * Re-imports every object of the backup at `from` (under `prefix`, a library folder, when given)
 * whose path the library does not have; a path it has is left alone, so running it again changes
 * nothing. Each file comes back as a new file (its first version) at its path.
 */
export async function restoreFromBackup(
  ctx: RestoreContext,
  from: string,
  options: { prefix?: string; log?: (line: string) => void } = {},
): Promise<RestoreResult> {
  const location = parseS3Url(from);
  const folder = options.prefix ? normalizeFolder(options.prefix) : '/';
  const client = s3ClientFor(ctx.config.s3Endpoint);
  const base = location.prefix ? `${location.prefix}/` : '';
  const result: RestoreResult = { restored: [], skipped: 0 };
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: base + folder.slice(1),
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        const filePath = libraryPathOf(object.Key.slice(base.length));
        if (!filePath) {
          options.log?.(`skipped ${object.Key}: not a library path`);
          continue;
        }
        if (await ctx.store.files.getByPath(filePath)) {
          result.skipped++;
          continue;
        }
        await restoreOne(ctx, client, location.bucket, object.Key, filePath);
        result.restored.push(filePath);
        options.log?.(`restored ${filePath}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return result;
}

/** The library path an object key (below the backup's prefix) stands for, if it is one. */
function libraryPathOf(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  if (!name.trim() || name === '.' || name === '..') return undefined;
  try {
    const folder = normalizeFolder(key.slice(0, slash + 1));
    return folder === `/${key.slice(0, slash + 1)}` ? folder + name : undefined;
  } catch {
    return undefined;
  }
}

async function restoreOne(
  ctx: RestoreContext,
  client: S3Client,
  bucket: string,
  key: string,
  filePath: string,
): Promise<void> {
  const slash = filePath.lastIndexOf('/');
  const place = { folder: filePath.slice(0, slash + 1), name: filePath.slice(slash + 1) };
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const staged = new StagedFile(ctx.stagingDir);
  try {
    await staged.writeStream(object.Body as Readable, ctx.config.maxUploadBytes);
    const probed = await probeFile(staged.path, staged.head, place.name, ctx.config.maxImagePixels);
    const now = Date.now();
    const versionId = newId(now);
    const blobKey = blobKeyFor(versionId);
    const record = newFileVersion({ versionId, blobKey, size: staged.size, ...probed }, place, now);
    await commitWithBlobs(
      ctx,
      [blobKey],
      () => ctx.storage.putFile(blobKey, staged.path),
      async (store) => {
        // Another restore (or an upload) may have put a file there since the check.
        if (await store.files.getByPath(filePath)) return;
        await ensureFolderChain(store, place.folder, now);
        // Not queued for the backup again: its bytes came from there.
        await store.files.insertVersion(record);
        await appendAudit(store, systemActor, { action: 'file.upload', ...fileTarget(record) });
      },
    );
  } finally {
    await staged.discard();
  }
}
