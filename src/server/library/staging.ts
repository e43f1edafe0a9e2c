import { createHash, type Hash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, messages } from '../errors.js';

/** Enough of a file's start for type sniffing (file-type needs 4100 bytes; zip-based formats a little more). */
const headBytes = 64 * 1024;
const writeChunkBytes = 1024 * 1024;

const tooLarge = () => badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });

/**
 * A local file holding an upload's bytes until they are judged and moved into blob storage.
 * Bytes are not synced here: storage makes them durable where they end up (`putFile`), and a
 * crash empties staging anyway. The first 64 KiB are kept in memory for
 * sniffing, and the SHA-256 is taken as they pass (no second read for duplicate detection).
 * `discard` is safe to call whatever happened; after a move there is nothing left.
 */
export class StagedFile {
  readonly path: string;
  size = 0;
  head: Buffer = Buffer.alloc(0);
  /** The bytes' SHA-256 (hex) when they were written here in one pass; otherwise read on demand. */
  #sha256: string | undefined;

  constructor(stagingDir: string) {
    this.path = join(stagingDir, randomUUID());
  }

  /**
   * Streams `source` to disk, refusing it once it passes `maxBytes`. With `drain`, the rest of
   * the source is read and dropped before refusing: a multipart part must be consumed to the
   * end, or the request (and its keep-alive connection) stalls. `onBytes` is told of each chunk
   * and may throw to stop at once.
   */
  async writeStream(
    source: Readable,
    maxBytes: number,
    { drain = false, onBytes }: { drain?: boolean; onBytes?: (bytes: number) => void } = {},
  ): Promise<void> {
    let size = 0;
    let over = false;
    const headParts: Buffer[] = [];
    let headSize = 0;
    const hash = createHash('sha256');
    this.#sha256 = undefined;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          onBytes?.(chunk.length);
        } catch (error) {
          return done(error as Error);
        }
        size += chunk.length;
        if (size > maxBytes) over = true;
        if (over) return drain ? done() : done(tooLarge());
        if (headSize < headBytes) {
          headParts.push(chunk.subarray(0, headBytes - headSize));
          headSize += Math.min(chunk.length, headBytes - headSize);
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const out = createWriteStream(this.path, { highWaterMark: writeChunkBytes });
    try {
      await pipeline(source, meter, out);
    } catch (error) {
      // A refusal can come before the file is even open: wait until it is closed, or a discard
      // now would run before the open creates it, leaving an empty file in staging.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      throw error;
    }
    if (over) throw tooLarge();
    this.size = size;
    this.head = Buffer.concat(headParts);
    this.#sha256 = hash.digest('hex');
  }

  async writeBuffer(bytes: Buffer, maxBytes: number): Promise<void> {
    if (bytes.length > maxBytes) throw tooLarge();
    this.#sha256 = undefined;
    await writeFile(this.path, bytes);
    this.size = bytes.length;
    this.head = bytes.subarray(0, headBytes);
    this.#sha256 = createHash('sha256').update(bytes).digest('hex');
  }

  /** The SHA-256 (hex) of the staged bytes: the one taken while writing, or read from the file. */
  async sha256(): Promise<string> {
    if (this.#sha256 !== undefined) return this.#sha256;
    const hash: Hash = createHash('sha256');
    for await (const chunk of createReadStream(this.path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /**
   * Takes over a complete file already on this disk (a finished resumable upload): moves it into
   * staging and reads its size and head.
   */
  static async adopt(stagingDir: string, path: string): Promise<StagedFile> {
    const staged = new StagedFile(stagingDir);
    await rename(path, staged.path);
    await staged.#measure();
    return staged;
  }

  /**
   * Joins parts (each opened when its turn comes) into one staged file: a resumable upload whose
   * bytes arrived in pieces, on other nodes.
   */
  static async join(stagingDir: string, parts: Array<() => Promise<Readable>>): Promise<StagedFile> {
    const staged = new StagedFile(stagingDir);
    const out = createWriteStream(staged.path, { highWaterMark: writeChunkBytes });
    try {
      for (const open of parts) await pipeline(await open(), out, { end: false });
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      await staged.#measure();
    } catch (error) {
      out.destroy();
      await staged.discard();
      throw error;
    }
    return staged;
  }

  /** Reads the staged file's size and head. */
  async #measure(): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      this.size = (await handle.stat()).size;
      const head = Buffer.alloc(Math.min(headBytes, this.size));
      await handle.read(head, 0, head.length, 0);
      this.head = head;
    } finally {
      await handle.close();
    }
  }

  /** Removes the staged bytes if they are still here (moved into storage, they are not: one unlink finds that). */
  async discard(): Promise<void> {
    try {
      await unlink(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Empties the staging directory: anything there is from a process that died mid-upload. */
export async function resetStagingDir(stagingDir: string): Promise<void> {
  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(stagingDir, { recursive: true });
}
