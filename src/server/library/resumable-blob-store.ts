import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/server';
import { BlobNotFoundError, type BlobStorage, readBlob } from '../storage/blob-storage.js';
import type { ResumableBytes } from './resumable-uploads.js';
import { StagedFile } from './staging.js';

/** Received bytes go to storage in slices of this size, so a node that dies mid-PATCH loses at most one. */
const sliceBytes = 8 * 1024 * 1024;

/** tus upload ids (`Uid.rand`): 32 hex digits. Anything else is not ours. */
export const uploadId = /^[0-9a-f]{32}$/;

/** Where an upload's record and parts live in blob storage. */
const prefixOf = (id: string) => `resumable/${id}`;
const infoKey = (id: string) => `${prefixOf(id)}/info.json`;
/** Parts are named by the offset they start at, zero-padded, so they sort into place. */
const partKey = (id: string, offset: number) => `${prefixOf(id)}/${String(offset).padStart(16, '0')}`;
const partName = /\/(\d{16})$/;

/** An unfinished upload's record, with when it was last written to (for expiry). */
interface StoredUpload {
  id: string;
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
  creation_date?: string;
  touchedAt: number;
}

/**
 * tus's data store on the server's blob storage, for nodes that share a bucket: any node can take
 * the next PATCH of an upload another node began. Each PATCH's bytes are stored as parts of at most
 * 8 MiB (`resumable/<id>/<offset>`) next to the upload's record (`resumable/<id>/info.json`); the
 * parts are joined into one staged file when the last byte arrives. PATCHes on one upload are
 * serialized by tus's locker (Redis when nodes share one).
 */
export class BlobResumableStore extends DataStore implements ResumableBytes {
  /** It is tus's data store itself. */
  readonly datastore = this;
  readonly #storage: BlobStorage;
  readonly #stagingDir: string;

  constructor(storage: BlobStorage, stagingDir: string) {
    super();
    this.#storage = storage;
    this.#stagingDir = stagingDir;
    // The file store's extensions, so clients see the same endpoint whatever the storage.
    this.extensions = [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      'expiration',
    ];
  }

  override async create(upload: Upload): Promise<Upload> {
    await this.#save({
      id: upload.id,
      ...(upload.size !== undefined && { size: upload.size }),
      offset: 0,
      ...(upload.metadata && { metadata: upload.metadata }),
      ...(upload.creation_date && { creation_date: upload.creation_date }),
      touchedAt: Date.now(),
    });
    upload.storage = { type: 'blob', path: prefixOf(upload.id) };
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const stored = await this.#load(id);
    return new Upload({ ...stored, storage: { type: 'blob', path: prefixOf(id) } });
  }

  /**
   * Appends the request's bytes at `offset` (tus has checked it is the upload's offset). Bytes that
   * arrived before the client or the connection gave up are kept, as a file store keeps them.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const stored = await this.#load(id);
    let slice = new Slice(this.#stagingDir, offset);
    const flush = async () => {
      const done = slice;
      slice = new Slice(this.#stagingDir, done.end);
      if (!(await done.close())) return;
      try {
        await this.#storage.putFile(partKey(id, done.offset), done.path);
      } catch (error) {
        await done.discard();
        throw error;
      }
      stored.offset = done.end;
      stored.touchedAt = Date.now();
      await this.#save(stored);
    };
    // The client or its connection may give up mid-way: what arrived is kept. Storage failing is an error.
    const chunks = (readable as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let cutShort = false;
    try {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch {
          cutShort = true;
          break;
        }
        if (next.done) break;
        let rest = next.value;
        while (rest.length > 0) {
          const piece = rest.subarray(0, sliceBytes - slice.size);
          await slice.write(piece);
          rest = rest.subarray(piece.length);
          if (slice.size === sliceBytes) await flush();
        }
      }
      await flush();
    } finally {
      await slice.discard();
    }
    if (cutShort) throw ERRORS.FILE_WRITE_ERROR;
    return stored.offset;
  }

  override async remove(id: string): Promise<void> {
    await this.#load(id);
    await this.#storage.deleteTree(prefixOf(id));
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const stored = await this.#load(id);
    stored.size = length;
    await this.#save(stored);
  }

  /** Joins a complete upload's parts into one staged file, checking the bytes add up; they stay until `discard`. */
  async stage(id: string): Promise<StagedFile> {
    const stored = await this.#load(id);
    const parts: Array<{ key: string; offset: number }> = [];
    for await (const key of this.#storage.keys(prefixOf(id))) {
      const match = partName.exec(key);
      if (match) parts.push({ key, offset: Number(match[1]) });
    }
    parts.sort((a, b) => a.offset - b.offset);
    const staged = await StagedFile.join(
      this.#stagingDir,
      parts.map(
        ({ key }) =>
          () =>
            this.#storage.read(key),
      ),
    );
    if (staged.size !== stored.offset) {
      await staged.discard();
      throw new Error(`resumable upload ${id}: its parts hold ${staged.size} bytes, not ${stored.offset}`);
    }
    return staged;
  }

  /** Ids of unfinished uploads and when each was last written to. */
  async *touched(): AsyncIterable<{ id: string; touchedAt: number }> {
    for await (const key of this.#storage.keys('resumable')) {
      const match = /^resumable\/([^/]+)\/info\.json$/.exec(key);
      if (!match) continue;
      const stored = await this.#load(match[1]!).catch(() => undefined);
      if (stored) yield { id: stored.id, touchedAt: stored.touchedAt };
    }
  }

  /** Deletes an unfinished upload's record and parts, if there are any. */
  async discard(id: string): Promise<void> {
    await this.#storage.deleteTree(prefixOf(id));
  }

  async #load(id: string): Promise<StoredUpload> {
    if (!uploadId.test(id)) throw ERRORS.FILE_NOT_FOUND;
    let bytes: Buffer;
    try {
      bytes = await readBlob(this.#storage, infoKey(id));
    } catch (error) {
      throw error instanceof BlobNotFoundError ? ERRORS.FILE_NOT_FOUND : error;
    }
    return JSON.parse(bytes.toString('utf8')) as StoredUpload;
  }

  #save(stored: StoredUpload): Promise<void> {
    return this.#storage.write(infoKey(stored.id), Buffer.from(JSON.stringify(stored)));
  }
}

/** Bytes of one PATCH on their way to storage: a local file, opened on the first write. */
class Slice {
  readonly path: string;
  readonly offset: number;
  size = 0;
  #stream: WriteStream | undefined;

  constructor(stagingDir: string, offset: number) {
    this.path = join(stagingDir, `resumable-${randomUUID()}`);
    this.offset = offset;
  }

  get end(): number {
    return this.offset + this.size;
  }

  write(bytes: Buffer): Promise<void> {
    this.#stream ??= createWriteStream(this.path, { flush: true });
    this.size += bytes.length;
    const stream = this.#stream;
    return new Promise((resolve, reject) => {
      stream.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Closes and removes the file (after a failure; a stored slice's file is gone already). */
  async discard(): Promise<void> {
    this.#stream?.destroy();
    await rm(this.path, { force: true });
  }

  /** Closes the file; answers whether it holds any bytes (an empty one is removed). */
  async close(): Promise<boolean> {
    const stream = this.#stream;
    if (stream)
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    if (this.size > 0) return true;
    await rm(this.path, { force: true });
    return false;
  }
}
