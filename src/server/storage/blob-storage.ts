import type { Readable } from 'node:stream';

/** A byte range, both ends inclusive, as in an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where file bytes live. Keys are opaque slash-separated names chosen by the server
 * (`originals/<shard>/<versionId>`), never user input. Two implementations: local disk and S3.
 */
export interface BlobStorage {
  /** Moves a complete local file (written, not necessarily synced) into storage; durable once this resolves. */
  putFile(key: string, localPath: string): Promise<void>;
  /** Streams the blob, or the given range of it. Rejects with `BlobNotFoundError` when absent. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Size in bytes, or undefined when the blob does not exist. */
  size(key: string): Promise<number | undefined>;
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Stores bytes under `key`, replacing any blob there; a reader never sees part of it. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  /** Deletes the blob; deleting a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every blob whose key starts with `prefix/` (a derived-image tree); none is not an error. */
  deleteTree(prefix: string): Promise<void>;
  /** Every key under `prefix/` (every key when empty); for checks and tests, not request paths. */
  keys(prefix?: string): AsyncIterable<string>;
  /** The blob's file on this machine, where storage is local disk: another process may read it there. */
  localPath?(key: string): string;
}

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`blob ${key} does not exist`);
  }
}

/** A whole blob in memory: small records, or an original sharp must decode anyway. */
export async function readBlob(storage: BlobStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
