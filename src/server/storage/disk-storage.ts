import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobStorage, type ByteRange } from './blob-storage.js';

const safeKey = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Blobs as files under one directory, written by rename so a reader never sees half a blob. */
export class DiskStorage implements BlobStorage {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  #path(key: string): string {
    if (!safeKey.test(key) || key.split('/').includes('..')) throw new Error(`unsafe blob key ${key}`);
    return join(this.#root, key);
  }

  localPath(key: string): string {
    return this.#path(key);
  }

  /**
   * Moved in first, then the file and its directory synced at once: both wait for the same
   * journal commit (on ext4 the one holding the rename), where a sync of the staged file and then
   * one of the directory cost two in a row, and a sync of an inode already committed still costs
   * the disk a cache flush. No reader looks for the key before its row is committed, which waits
   * for this; a crash before leaves the journaled key to the startup sweep.
   */
  async putFile(key: string, localPath: string): Promise<void> {
    const target = this.#path(key);
    await moveInto(localPath, target);
    await Promise.all([fsyncPath(target), fsyncPath(dirname(target))]);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.#path(key);
    if ((await this.size(key)) === undefined) throw new BlobNotFoundError(key);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.#path(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const target = this.#path(toKey);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.partial`;
    try {
      await copyFile(this.#path(fromKey), temp, constants.COPYFILE_FICLONE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(fromKey);
      throw error;
    }
    await fsyncPath(temp);
    await rename(temp, target);
    await fsyncPath(dirname(target));
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.#path(key);
    await mkdir(dirname(target), { recursive: true });
    // fsynced before the rename, so a crash leaves the whole blob or none, never a truncated one.
    const temp = `${target}.${randomUUID()}.partial`;
    try {
      await writeFile(temp, bytes, { flush: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true });
    // A copy killed half-way left its bytes beside the key; the sweep that deletes the key ends them.
    await rm(`${path}.partial`, { force: true });
  }

  async deleteTree(prefix: string): Promise<void> {
    // A file written into the tree meanwhile makes one pass fail with ENOTEMPTY: go again.
    await rm(this.#path(prefix), { recursive: true, force: true, maxRetries: 3 });
  }

  async *keys(prefix = ''): AsyncGenerator<string> {
    const dir = prefix ? this.#path(prefix) : this.#root;
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      // Half-written copies are not blobs yet.
      if (entry.isFile() && !entry.name.endsWith('.partial'))
        yield relative(this.#root, join(entry.parentPath, entry.name)).split(sep).join('/');
    }
  }
}

/**
 * Renames `from` to `to`, making `to`'s directory when it is not there yet (tried first, not
 * before every move: a blob's shard directory exists for all but its first blob), copying
 * across file systems.
 */
async function moveInto(from: string, to: string): Promise<void> {
  const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;
  try {
    await rename(from, to);
    return;
  } catch (error) {
    if (errorCode(error) === 'EXDEV') return copyAcross(from, to);
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if (errorCode(error) !== 'EXDEV') throw error;
    await copyAcross(from, to);
  }
}

/**
 * A move between file systems: a copy, then the original removed. rename(2) finds both directories
 * before it compares file systems, so `to`'s directory is there by now.
 */
async function copyAcross(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  await rm(from, { force: true });
}

/** fsync a file or directory by path, so a rename or write survives a crash. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
