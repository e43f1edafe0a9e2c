import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BackupStatus } from '../../shared/backup.js';
import type { ServerConfig } from '../config.js';
import { BlobNotFoundError, type BlobStorage } from '../storage/blob-storage.js';
import { parseS3Url, type S3Location, s3ClientFor } from '../storage/s3-storage.js';
import type { BackupJobRecord, FileRecord, Store } from '../store/store.js';
import type { BlobContext } from './blobs.js';

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
/** Writes a node runs at once. */
const parallelWrites = 4;

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
    await Promise.all(Array.from({ length: parallelWrites }, () => this.#writeUntilNone()));
  }

  async #writeUntilNone(): Promise<void> {
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
