import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobNotFoundError, type BlobStorage } from '../../src/server/storage/blob-storage.js';
import { DiskStorage } from '../../src/server/storage/disk-storage.js';
import { parseS3Url, S3Storage, s3ClientFor } from '../../src/server/storage/s3-storage.js';
import { createScaleBackends, testBackend } from '../helpers/scale.js';

/** The `BlobStorage` contract, on local disk always and on an S3-compatible bucket on the scale path. */

interface Opened {
  storage: BlobStorage;
  scratch: string;
  close(): Promise<void>;
}

async function openDisk(): Promise<Opened> {
  const scratch = await mkdtemp(join(tmpdir(), 'media-library-storage-'));
  return {
    storage: new DiskStorage(join(scratch, 'blobs')),
    scratch,
    close: () => rm(scratch, { recursive: true, force: true }),
  };
}

async function openS3(): Promise<Opened> {
  const backends = await createScaleBackends();
  const scratch = await mkdtemp(join(tmpdir(), 'media-library-storage-'));
  const storage = new S3Storage(s3ClientFor(backends.s3Endpoint), parseS3Url(backends.storage));
  await storage.check();
  return {
    storage,
    scratch,
    async close() {
      storage.close();
      await backends.drop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

const kinds: Array<[string, () => Promise<Opened>]> = [['disk', openDisk]];
if (testBackend === 'scale') kinds.push(['s3', openS3]);

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

for (const [kind, open] of kinds) {
  describe(`blob storage contract: ${kind}`, () => {
    let opened: Opened;
    let storage: BlobStorage;
    before(async () => {
      opened = await open();
      storage = opened.storage;
    });
    after(() => opened.close());

    const local = async (bytes: Buffer) => {
      const path = join(opened.scratch, randomBytes(6).toString('hex'));
      await writeFile(path, bytes);
      return path;
    };

    it('moves a large local file in (in parts on S3) and reads it whole and by range', async () => {
      const bytes = randomBytes(20 * 1024 * 1024 + 123);
      await storage.putFile('originals/ab/big', await local(bytes));
      assert.equal(await storage.size('originals/ab/big'), bytes.length);
      assert.ok((await readAll(await storage.read('originals/ab/big'))).equals(bytes));
      const range = await readAll(
        await storage.read('originals/ab/big', { start: 16 * 1024 * 1024 - 5, end: 16 * 1024 * 1024 + 4 }),
      );
      assert.ok(range.equals(bytes.subarray(16 * 1024 * 1024 - 5, 16 * 1024 * 1024 + 5)));
    });

    it('copies, writes over, and answers a missing blob as missing', async () => {
      await storage.write('originals/cd/small', Buffer.from('first'));
      await storage.write('originals/cd/small', Buffer.from('second'));
      await storage.copy('originals/cd/small', 'originals/cd/copy');
      assert.equal((await readAll(await storage.read('originals/cd/copy'))).toString(), 'second');
      assert.equal(await storage.size('originals/cd/nothing'), undefined);
      await assert.rejects(storage.read('originals/cd/nothing'), BlobNotFoundError);
      await assert.rejects(storage.copy('originals/cd/nothing', 'originals/cd/x'), BlobNotFoundError);
      await storage.delete('originals/cd/nothing');
    });

    it('deletes a whole tree, however many blobs, and only that tree', async () => {
      const tree = 'derived/originals/ef/v1';
      const many = kind === 's3' ? 1100 : 50;
      for (let start = 0; start < many; start += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, many - start) }, (_, i) =>
            storage.write(`${tree}/${start + i}.webp`, Buffer.from('x')),
          ),
        );
      }
      await storage.write('derived/originals/ef/v10/keep.webp', Buffer.from('y'));
      const listed = [];
      for await (const key of storage.keys(tree)) listed.push(key);
      assert.equal(listed.length, many);
      await storage.deleteTree(tree);
      const left = [];
      for await (const key of storage.keys('derived')) left.push(key);
      assert.deepEqual(left, ['derived/originals/ef/v10/keep.webp'], 'a sibling with the same prefix stays');
    });

    it('refuses keys that could leave its place', async () => {
      await assert.rejects(storage.write('../escape', Buffer.from('x')), /unsafe blob key/);
      await assert.rejects(storage.write('originals/../../x', Buffer.from('x')), /unsafe blob key/);
    });
  });
}

describe('disk storage after a crash', () => {
  it('deletes the half-copied bytes a killed copy left beside the key', async () => {
    const opened = await openDisk();
    try {
      const key = 'originals/ab/killed-copy';
      await opened.storage.write('originals/ab/source', Buffer.from('bytes'));
      await opened.storage.copy('originals/ab/source', key);
      await rename(join(opened.scratch, 'blobs', key), join(opened.scratch, 'blobs', `${key}.partial`));
      await opened.storage.delete(key);
      const left = await readdir(join(opened.scratch, 'blobs', 'originals', 'ab'));
      assert.deepEqual(left, ['source']);
    } finally {
      await opened.close();
    }
  });
});
