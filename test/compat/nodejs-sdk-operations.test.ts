import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ImageKit, { BadRequestError, ConflictError, NotFoundError, toFile } from '@imagekit/nodejs';
import { png } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** The rest of ImageKit's legacy resources through the official v7 SDK: search, file operations, versions, bulk, folder jobs. */
describe('@imagekit/nodejs v7: search, operations, versions, bulk, jobs', () => {
  let server: TestServer;
  let client: ImageKit;
  const retries: number[] = [];

  before(async () => {
    server = await startTestServer();
    // Default retries on: a 409 must still not be retried, because the server says x-should-retry: false.
    client = new ImageKit({
      privateKey: testKeys.privateKey,
      baseURL: server.url,
      fetch: (input, init) => {
        retries.push(Number(new Headers(init?.headers).get('x-stainless-retry-count') ?? 0));
        return fetch(input, init);
      },
    });
  });
  after(() => server.close());

  const put = async (name: string, folder: string, width = 10, tags: string[] = []) =>
    client.files.upload({
      file: await toFile(await png(width, 10), name),
      fileName: name,
      folder,
      tags,
      useUniqueFileName: false,
    });

  async function waitForJob(jobId: string) {
    for (let i = 0; i < 100; i++) {
      const job = await client.folders.job.get(jobId);
      if (job.status !== 'Pending') return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('job did not finish');
  }

  it('searches with searchQuery and the other list parameters', async () => {
    await put('red-dress.png', '/sdk-search', 600, ['summer-sale']);
    await put('blue-shirt.png', '/sdk-search', 100, ['banner']);
    const found = await client.assets.list({
      searchQuery: '(width > 500) OR (tags IN ["banner"])',
      path: '/sdk-search/',
      sort: 'ASC_NAME',
      limit: 10,
      skip: 0,
      fileType: 'image',
    });
    assert.deepEqual(
      found.map((a) => a.name),
      ['blue-shirt.png', 'red-dress.png'],
    );
    const bad = await client.assets.list({ searchQuery: 'size >' }).catch((e: unknown) => e);
    assert.ok(bad instanceof BadRequestError);
    assert.match(bad.message, /Invalid search query: expected a value after 'size >' at position 7/);
  });

  it('copies, moves and renames files; a rename conflict is one ConflictError, not a retry storm', async () => {
    const source = await put('op.png', '/sdk-ops');
    await client.files.copy({
      sourceFilePath: '/sdk-ops/op.png',
      destinationPath: '/sdk-ops/copies',
      includeFileVersions: false,
    });
    await client.files.move({ sourceFilePath: '/sdk-ops/copies/op.png', destinationPath: '/sdk-ops/moved' });
    const moved = await client.assets.list({ path: '/sdk-ops/moved/' });
    assert.deepEqual(
      moved.map((a) => a.name),
      ['op.png'],
    );
    const renamed = await client.files.rename({
      filePath: '/sdk-ops/op.png',
      newFileName: 'renamed.png',
      purgeCache: false,
    });
    assert.deepEqual(renamed, {});
    assert.equal((await client.files.get(source.fileId!)).filePath, '/sdk-ops/renamed.png');

    await put('taken.png', '/sdk-ops');
    retries.length = 0;
    await assert.rejects(
      client.files.rename({ filePath: '/sdk-ops/renamed.png', newFileName: 'taken.png' }),
      ConflictError,
    );
    assert.deepEqual(retries, [0], 'one attempt only');
    await assert.rejects(
      client.files.copy({ sourceFilePath: '/sdk-ops/ghost.png', destinationPath: '/x' }),
      (error: unknown) => error instanceof NotFoundError && /No file found with filePath/.test(error.message),
    );
  });

  it('lists, gets, restores and deletes versions', async () => {
    const v1 = await put('ver.png', '/sdk-versions', 11);
    const v2 = await put('ver.png', '/sdk-versions', 22);
    const fileId = v1.fileId!;
    const versions = await client.files.versions.list(fileId);
    assert.deepEqual(
      versions.map((v) => v.versionInfo?.name),
      ['Version 1', 'Version 2'],
    );
    const old = await client.files.versions.get(v1.versionInfo!.id!, { fileId });
    assert.equal(old.width, 11);
    const restored = await client.files.versions.restore(v1.versionInfo!.id!, { fileId });
    assert.equal(restored.width, 11);
    await client.files.versions.delete(v2.versionInfo!.id!, { fileId });
    assert.equal((await client.files.versions.list(fileId)).length, 1);
    await assert.rejects(client.files.versions.delete(v1.versionInfo!.id!, { fileId }), BadRequestError);
  });

  it('runs the bulk calls', async () => {
    const a = await put('a.png', '/sdk-bulk');
    const b = await put('b.png', '/sdk-bulk');
    const ids = [a.fileId!, b.fileId!];
    assert.deepEqual(await client.files.bulk.addTags({ fileIds: ids, tags: ['t1', 't2'] }), {
      successfullyUpdatedFileIds: ids,
    });
    assert.deepEqual(await client.files.bulk.removeTags({ fileIds: ids, tags: ['t1'] }), {
      successfullyUpdatedFileIds: ids,
    });
    assert.deepEqual((await client.files.get(a.fileId!)).tags, ['t2']);
    assert.deepEqual(await client.files.bulk.removeAITags({ fileIds: ids, AITags: ['car'] }), {
      successfullyUpdatedFileIds: ids,
    });
    assert.deepEqual(await client.files.bulk.delete({ fileIds: ids }), { successfullyDeletedFileIds: ids });
    await assert.rejects(client.files.get(a.fileId!), NotFoundError);
  });

  it('copies, moves and renames folders as jobs', async () => {
    await put('f.png', '/sdk-folders/src');
    const copied = await waitForJob(
      (
        await client.folders.copy({
          sourceFolderPath: '/sdk-folders/src',
          destinationPath: '/sdk-folders/copy',
          includeVersions: true,
        })
      ).jobId,
    );
    assert.equal(copied.status, 'Completed');
    assert.equal(copied.type, 'COPY_FOLDER');
    const moved = await waitForJob(
      (
        await client.folders.move({
          sourceFolderPath: '/sdk-folders/copy/src',
          destinationPath: '/sdk-folders/moved',
        })
      ).jobId,
    );
    assert.equal(moved.type, 'MOVE_FOLDER');
    const renamed = await waitForJob(
      (
        await client.folders.rename({
          folderPath: '/sdk-folders/moved/src',
          newFolderName: 'final',
          purgeCache: false,
        })
      ).jobId,
    );
    assert.equal(renamed.type, 'RENAME_FOLDER');
    const final = await client.assets.list({ path: '/sdk-folders/moved/final/' });
    assert.deepEqual(
      final.map((a) => a.name),
      ['f.png'],
    );
    await assert.rejects(client.folders.job.get('000000000000000000000000'), NotFoundError);
  });
});
