import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import type { DataStore, Upload } from '@tus/server';
import type { UploadResponse } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { BlobNotFoundError, readBlob } from '../storage/blob-storage.js';
import { BlobResumableStore, uploadId } from './resumable-blob-store.js';
import { StagedFile } from './staging.js';
import { checkUploadAhead, ingestUpload, type UploadFields } from './uploads.js';

/** Metadata keys the server sets on a resumable upload (whatever the client sent under them). */
const ownerKey = 'mlOwner';
const subjectKey = 'mlSubject';

/** A finished upload's record: who made it and the file it became, for a client that lost the answer. */
interface FinishedUpload {
  owner: string;
  subject: string;
  size: number;
  fileId: string;
  finishedAt: number;
}

const finishedKey = (id: string) => `resumable-done/${id}.json`;

/** Where unfinished uploads' bytes wait: tus's data store, plus what finishing and expiry need. */
export interface ResumableBytes {
  readonly datastore: DataStore;
  /** A complete upload's bytes as one staged file (moved there, or copied: `discard` drops what is left). */
  stage(id: string): Promise<StagedFile>;
  discard(id: string): Promise<void>;
  /** Every unfinished upload and when it was last written to. */
  touched(): AsyncIterable<{ id: string; touchedAt: number }>;
}

/** On this node's disk (`<dataDir>/tus`): `<id>` holds the bytes, `<id>.json` tus's record. */
class DiskResumableBytes implements ResumableBytes {
  readonly datastore: FileStore;
  readonly #dir: string;
  readonly #stagingDir: string;

  constructor(dir: string, stagingDir: string) {
    this.#dir = dir;
    this.#stagingDir = stagingDir;
    this.datastore = new FileStore({ directory: dir });
  }

  stage(id: string): Promise<StagedFile> {
    return StagedFile.adopt(this.#stagingDir, join(this.#dir, id));
  }

  async discard(id: string): Promise<void> {
    await Promise.all([id, `${id}.json`].map((name) => rm(join(this.#dir, name), { force: true })));
  }

  async *touched(): AsyncIterable<{ id: string; touchedAt: number }> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const ids = new Set(names.map((name) => name.replace(/\.json$/, '')).filter((id) => uploadId.test(id)));
    for (const id of ids) {
      const times = await Promise.all(
        [id, `${id}.json`].map((name) =>
          stat(join(this.#dir, name)).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        ),
      );
      yield { id, touchedAt: Math.max(...times) };
    }
  }
}

/**
 * Resumable uploads (tus). Their bytes wait where the library's bytes live: on this node's disk
 * with local storage (a file each, appended in place), in the bucket with S3 storage, so any node
 * sharing the bucket can take an upload's next PATCH or finish it. Each upload is the caller's
 * alone; finishing one is `ingestUpload`, exactly as a form upload, and leaves a record of the
 * file it became (in storage, `resumable-done/<id>.json`) for a client that lost the answer.
 */
export class ResumableUploads {
  readonly #ctx: ServerContext;
  readonly #bytes: ResumableBytes;

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
    this.#bytes = ctx.config.storage
      ? new BlobResumableStore(ctx.storage, ctx.stagingDir)
      : new DiskResumableBytes(join(ctx.config.dataDir, 'tus'), ctx.stagingDir);
  }

  /**
   * tus's data store for these uploads, which never shows tus (nor so a `HEAD`'s
   * `Upload-Metadata`) the owner marks this class keeps in an upload's metadata.
   */
  get store(): DataStore {
    this.#tusView ??= withoutOwnerMarks(this.#bytes.datastore);
    return this.#tusView;
  }
  #tusView: DataStore | undefined;
  /**
   * Before a resumable upload is created: the caller's upload fields and declared size are
   * checked as a form upload's would be, and the upload is marked as the caller's.
   */
  async create(upload: Upload, principal: Principal): Promise<Upload['metadata']> {
    const fields = uploadFields(upload.metadata);
    await checkUploadAhead(this.#ctx, fields, principal, upload.size);
    return { ...upload.metadata, [ownerKey]: principal.publicKey, [subjectKey]: principal.subject ?? '' };
  }

  /** Refuses (as absent) an upload the caller did not start; finished ones included. */
  async assertOwner(id: string, principal: Principal): Promise<void> {
    const owner = await this.ownerOf(id);
    if (!owner || owner.owner !== principal.publicKey || owner.subject !== (principal.subject ?? '')) {
      throw notFound('There is no such resumable upload, or it has expired. Start the upload again.', {
        reason: 'UPLOAD_NOT_FOUND',
      });
    }
  }

  /**
   * Turns the received bytes into a file with the same rules as `POST /api/v1/files/upload`
   * (the finishing caller's scope applies), and keeps a record of the result. The upload is over
   * either way: refused bytes are not kept.
   */
  async finish(upload: Upload, principal: Principal, urlEndpoint: string): Promise<UploadResponse> {
    const staged = await this.#bytes.stage(upload.id);
    try {
      const file = await ingestUpload(this.#ctx, {
        fields: uploadFields(upload.metadata),
        staged,
        urlEndpoint,
        principal,
      });
      const record: FinishedUpload = {
        owner: principal.publicKey,
        subject: principal.subject ?? '',
        size: staged.size,
        fileId: file.fileId,
        finishedAt: Date.now(),
      };
      await this.#ctx.storage.write(finishedKey(upload.id), Buffer.from(JSON.stringify(record)));
      return file;
    } finally {
      await staged.discard();
      await this.#bytes.discard(upload.id);
    }
  }

  /** What a finished upload became, if it finished (and has not expired). */
  async finished(id: string): Promise<FinishedUpload | undefined> {
    if (!uploadId.test(id)) return undefined;
    try {
      return JSON.parse(
        (await readBlob(this.#ctx.storage, finishedKey(id))).toString('utf8'),
      ) as FinishedUpload;
    } catch (error) {
      if (error instanceof BlobNotFoundError) return undefined;
      throw error;
    }
  }

  /** Drops a finished upload's record (the file stays). */
  async forget(id: string): Promise<void> {
    if (uploadId.test(id)) await this.#ctx.storage.delete(finishedKey(id));
  }

  /**
   * Deletes uploads nobody has touched for `expiryMs`: unfinished ones (their bytes too) and the
   * records of finished ones. An upload in progress is touched by every write.
   */
  async sweep(expiryMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    for await (const { id, touchedAt } of this.#bytes.touched()) {
      if (now - touchedAt < expiryMs) continue;
      await this.#bytes.discard(id);
      removed++;
    }
    const records: string[] = [];
    for await (const key of this.#ctx.storage.keys('resumable-done')) records.push(key);
    for (const key of records) {
      const id = /([0-9a-f]{32})\.json$/.exec(key)?.[1];
      const record = id ? await this.finished(id) : undefined;
      if (record && now - record.finishedAt < expiryMs) continue;
      await this.#ctx.storage.delete(key);
      removed++;
    }
    return removed;
  }

  private async ownerOf(id: string): Promise<{ owner: string; subject: string } | undefined> {
    if (!uploadId.test(id)) return undefined;
    const done = await this.finished(id);
    if (done) return done;
    const upload = await this.#bytes.datastore.getUpload(id).catch(() => undefined);
    const metadata = upload?.metadata;
    if (!metadata?.[ownerKey]) return undefined;
    return { owner: metadata[ownerKey], subject: metadata[subjectKey] ?? '' };
  }
}

/** tus metadata as upload fields (ImageKit's names, as a form upload sends them); ours left out. */
function uploadFields(metadata: Upload['metadata']): UploadFields {
  const fields: UploadFields = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key === ownerKey || key === subjectKey) continue;
    fields[key] = value ?? undefined;
  }
  return fields;
}

/** `datastore` as tus sees it: every upload it reads has the owner marks left out of its metadata. */
function withoutOwnerMarks(datastore: DataStore): DataStore {
  return new Proxy(datastore, {
    get(target, property) {
      if (property === 'getUpload') {
        return async (id: string) => {
          const upload = await target.getUpload(id);
          if (upload.metadata) {
            const { [ownerKey]: _owner, [subjectKey]: _subject, ...rest } = upload.metadata;
            upload.metadata = rest;
          }
          return upload;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
