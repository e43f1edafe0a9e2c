import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BackupStatus } from '../../shared/backup.js';
import type { ServerConfig } from '../config.js';
import { probeFile } from '../media/probe.js';
import { BlobNotFoundError, type BlobStorage } from '../storage/blob-storage.js';
import { parseS3Url, type S3Location, s3ClientFor } from '../storage/s3-storage.js';
import type { BackupJobRecord, FileRecord, Store } from '../store/store.js';
import { appendAudit, fileTarget, systemActor } from './audit.js';
import { type BlobContext, blobKeyFor, commitWithBlobs } from './blobs.js';
import { ensureFolderChain } from './folders.js';
import { newId } from './ids.js';
import { normalizeFolder } from './naming.js';
import { StagedFile } from './staging.js';
import { newFileVersion } from './versions.js';

/** The object a library path is kept at in the backup bucket: `<prefix>/<filePath>`. */
export function backupObjectKey(location: S3Location, filePath: string): string {
  const path = filePath.replace(/^\/+/, '');
  return location.prefix ? `${location.prefix}/${path}` : path;
}

/**
 * Queues `version` for the backup bucket at its path, in the caller's transaction: the one call
 * every new file version makes (insertFile, appendVersion, restoreVersion). Nothing without a
 * backup configured.
 */
export async function enqueueBackup(
  store: Store,
  config: Pick<ServerConfig, 'backup'>,
  version: Pick<FileRecord, 'filePath' | 'versionId' | 'blobKey'>,
): Promise<void> {
  if (!config.backup) return;
  await store.backupJobs.enqueue(
    { filePath: version.filePath, versionId: version.versionId, blobKey: version.blobKey },
    Date.now(),
  );
}

/** How long a node holds a backup write it started; another node retries it after. */
const leaseMs = 5 * 60_000;
/** The longest wait between two attempts, however many failed. */
const maxBackoffMs = 3_600_000;
/** How often a node looks for writes due (retries, and those other nodes queued). */
const pollMs = 1000;

/**
 * Writes queued versions to the backup bucket. Any node may write any row: it claims it (a lease)
 * and finishes it only if the row still holds that version, so a newer version written meanwhile
 * is written after it. A failure is retried with exponential backoff, then given up as failed;
 * it never touches the upload that queued it.
 */
export class BackupQueue {
  readonly #store: Store;
  readonly #storage: BlobStorage;
  readonly #config: Pick<ServerConfig, 'backup' | 'backupRetryMs' | 'backupAttempts' | 's3Endpoint'>;
  readonly #location: S3Location | undefined;
  #client: S3Client | undefined;
  readonly #node = randomUUID();
  #running: Promise<void> | undefined;
  #poll: NodeJS.Timeout | undefined;
  #stopped = false;
  onError: (error: unknown) => void = () => {};

  constructor(
    ctx: BlobContext,
    config: Pick<ServerConfig, 'backup' | 'backupRetryMs' | 'backupAttempts' | 's3Endpoint'>,
  ) {
    this.#store = ctx.store;
    this.#storage = ctx.storage;
    this.#config = config;
    this.#location = config.backup ? parseS3Url(config.backup) : undefined;
  }

  get enabled(): boolean {
    return this.#location !== undefined;
  }

  start(): void {
    if (!this.#location) return;
    this.#client = s3ClientFor(this.#config.s3Endpoint);
    this.#poll = setInterval(() => this.wake(), Math.min(pollMs, this.#config.backupRetryMs));
    this.#poll.unref();
    this.wake();
  }

  /** Writes what is due until nothing is; a call while writing is a no-op. */
  wake(): void {
    if (this.#running || this.#stopped || !this.#client) return;
    this.#running = this.#drain()
      .catch((error) => this.onError(error))
      .finally(() => {
        this.#running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    await this.#running;
    this.#client?.destroy();
  }

  async status(): Promise<BackupStatus> {
    return {
      enabled: this.enabled,
      target: this.#config.backup ?? null,
      ...(await this.#store.backupJobs.counts()),
    };
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const now = Date.now();
      const job = await this.#store.backupJobs.claim(this.#node, now, now + leaseMs);
      if (!job) return;
      try {
        await this.#write(job);
        await this.#store.backupJobs.finish(job, this.#node, Date.now());
      } catch (error) {
        const gone = error instanceof BlobNotFoundError;
        const last = gone || job.attempts >= this.#config.backupAttempts;
        const delay = Math.min(maxBackoffMs, this.#config.backupRetryMs * 2 ** (job.attempts - 1));
        const message = gone
          ? `${job.filePath}: the version was deleted before it was backed up`
          : `${job.filePath}: ${(error as Error).message || String(error)}`;
        await this.#store.backupJobs.finish(job, this.#node, Date.now(), {
          error: message,
          retryAt: last ? null : Date.now() + delay,
        });
      }
    }
  }

  async #write(job: BackupJobRecord): Promise<void> {
    const body = await this.#storage.read(job.blobKey);
    const upload = new Upload({
      client: this.#client!,
      params: {
        Bucket: this.#location!.bucket,
        Key: backupObjectKey(this.#location!, job.filePath),
        Body: body,
      },
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } finally {
      body.destroy();
    }
  }
}

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
        const filePath = `/${object.Key.slice(base.length)}`;
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
