import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface FileBody {
  fileId: string;
  name: string;
  filePath: string;
  versionInfo: { id: string; name: string };
  tags: string[] | null;
  AITags: Array<{ name: string }> | null;
  type: string;
  width?: number;
  size: number;
}

describe('file operations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function put(folder: string, name: string, width = 10, fields: Record<string, string> = {}) {
    const response = await upload(server, {
      file: { bytes: await png(width, 10), name },
      fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as FileBody;
  }
  const details = async (fileId: string) =>
    (await (await server.api(`/v1/files/${fileId}/details`)).json()) as FileBody;
  const byPath = async (path: string): Promise<FileBody | undefined> => {
    const slash = path.lastIndexOf('/');
    const listed: FileBody[] = await (
      await server.api(`/v1/files?path=${encodeURIComponent(path.slice(0, slash + 1))}`)
    ).json();
    return listed.find((f) => f.filePath === path);
  };
  const versionsOf = async (fileId: string) =>
    (await (await server.api(`/v1/files/${fileId}/versions`)).json()) as FileBody[];
  const blobCount = async () => (await server.blobKeys()).length;
  const post = (path: string, json: unknown, method = 'POST') => server.api(path, { method, json });

  describe('copy', () => {
    it('copies the current version to a folder, with new ids and its own bytes', async () => {
      await put('/c', 'a.png', 10);
      const source = await put('/c', 'a.png', 20, { tags: 'x' });
      const blobs = await blobCount();
      const response = await post('/v1/files/copy', {
        sourceFilePath: '/c/a.png',
        destinationPath: '/c-copy/',
      });
      assert.equal(response.status, 204);
      const copy = (await byPath('/c-copy/a.png'))!;
      assert.notEqual(copy.fileId, source.fileId);
      assert.equal(copy.width, 20);
      assert.deepEqual(copy.tags, ['x']);
      assert.equal((await versionsOf(copy.fileId)).length, 1);
      assert.equal(await blobCount(), blobs + 1);
      assert.equal((await details(source.fileId)).filePath, '/c/a.png', 'the source stays');
    });

    it('copies every version with includeFileVersions', async () => {
      const response = await post('/v1/files/copy', {
        sourceFilePath: '/c/a.png',
        destinationPath: '/c-all',
        includeFileVersions: true,
      });
      assert.equal(response.status, 204);
      const copy = (await byPath('/c-all/a.png'))!;
      const versions = await versionsOf(copy.fileId);
      assert.deepEqual(
        versions.map((v) => [v.versionInfo.name, v.width]),
        [
          ['Version 1', 10],
          ['Version 2', 20],
        ],
      );
    });

    it('appends to the history of a file already at the destination', async () => {
      const target = await put('/c-onto', 'a.png', 5);
      await post('/v1/files/copy', { sourceFilePath: '/c/a.png', destinationPath: '/c-onto' });
      const after = await details(target.fileId);
      assert.equal(after.versionInfo.name, 'Version 2');
      assert.equal(after.width, 20);
    });

    it('says which file is missing, and refuses bad parameters', async () => {
      const missing = await post('/v1/files/copy', { sourceFilePath: '/nope.png', destinationPath: '/x' });
      assert.equal(missing.status, 404);
      const body = await missing.json();
      assert.equal(body.message, 'No file found with filePath `/nope.png`.');
      assert.equal(body.reason, 'SOURCE_FILE_MISSING');
      for (const json of [
        { destinationPath: '/x' },
        { sourceFilePath: '/c/a.png' },
        { sourceFilePath: '/c/a.png', destinationPath: '/x/../..' },
        { sourceFilePath: '/c/', destinationPath: '/x' },
        { sourceFilePath: '/c/a.png', destinationPath: '/x', includeFileVersions: 'yes' },
      ]) {
        assert.equal((await post('/v1/files/copy', json)).status, 400, JSON.stringify(json));
      }
    });
  });

  describe('move', () => {
    it('moves every version and keeps the fileId and bytes', async () => {
      await put('/m', 'b.png', 10);
      const source = await put('/m', 'b.png', 30);
      const blobs = await blobCount();
      assert.equal(
        (await post('/v1/files/move', { sourceFilePath: '/m/b.png', destinationPath: '/m2/deep' })).status,
        204,
      );
      const moved = await details(source.fileId);
      assert.equal(moved.filePath, '/m2/deep/b.png');
      const versions = await versionsOf(source.fileId);
      assert.deepEqual(
        versions.map((v) => v.filePath),
        ['/m2/deep/b.png', '/m2/deep/b.png'],
      );
      assert.equal(await byPath('/m/b.png'), undefined);
      assert.equal(await blobCount(), blobs, 'no bytes copied');
    });

    it('joins the history of a file already at the destination', async () => {
      const target = await put('/m3', 'b.png', 1);
      const source = await put('/m4', 'b.png', 2);
      await post('/v1/files/move', { sourceFilePath: '/m4/b.png', destinationPath: '/m3' });
      const after = await details(target.fileId);
      assert.equal(after.width, 2);
      assert.equal(after.versionInfo.name, 'Version 2');
      assert.equal((await server.api(`/v1/files/${source.fileId}/details`)).status, 404);
    });
  });

  describe('rename', () => {
    it('renames every version and answers {}', async () => {
      const file = await put('/r', 'old.png');
      const response = await post(
        '/v1/files/rename',
        { filePath: '/r/old.png', newFileName: 'new name.png' },
        'PUT',
      );
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {});
      assert.equal((await details(file.fileId)).filePath, '/r/new_name.png');
    });

    it('answers a purgeRequestId that the purge status call knows when purgeCache is true', async () => {
      await put('/rp', 'before.png');
      const response = await post(
        '/v1/files/rename',
        { filePath: '/rp/before.png', newFileName: 'after.png', purgeCache: true },
        'PUT',
      );
      assert.equal(response.status, 200);
      const { purgeRequestId } = (await response.json()) as { purgeRequestId: string };
      assert.match(purgeRequestId, /^[0-9a-f]{24}$/);
      const status = await server.api(`/v1/files/purge/${purgeRequestId}`);
      assert.deepEqual(await status.json(), { status: 'Completed' });
    });

    it('answers 409 with x-should-retry: false when the name is taken', async () => {
      await put('/r', 'one.png');
      await put('/r', 'two.png');
      const response = await post(
        '/v1/files/rename',
        { filePath: '/r/one.png', newFileName: 'two.png', purgeCache: true },
        'PUT',
      );
      assert.equal(response.status, 409);
      assert.equal(response.headers.get('x-should-retry'), 'false');
      assert.equal((await response.json()).reason, 'FILE_ALREADY_EXISTS');
    });

    it('refuses a missing file, the same name and path tricks', async () => {
      const missing = await post(
        '/v1/files/rename',
        { filePath: '/r/ghost.png', newFileName: 'x.png' },
        'PUT',
      );
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).reason, 'FILE_MISSING');
      const same = await post('/v1/files/rename', { filePath: '/r/one.png', newFileName: 'one.png' }, 'PUT');
      assert.equal((await same.json()).reason, 'SAME_OLD_AND_NEW_NAME');
      const traversal = await post(
        '/v1/files/rename',
        { filePath: '/r/one.png', newFileName: '../etc.png' },
        'PUT',
      );
      assert.equal(traversal.status, 400);
    });
  });

  describe('versions', () => {
    it('lists, gets, restores and deletes versions', async () => {
      const v1 = await put('/v', 'f.png', 11);
      const v2 = await put('/v', 'f.png', 22);
      const fileId = v1.fileId;
      const listed = await versionsOf(fileId);
      assert.deepEqual(
        listed.map((v) => [v.versionInfo.id, v.type]),
        [
          [v1.versionInfo.id, 'file-version'],
          [v2.versionInfo.id, 'file'],
        ],
      );
      const old = await (await server.api(`/v1/files/${fileId}/versions/${v1.versionInfo.id}`)).json();
      assert.equal(old.width, 11);
      assert.match(old.url, new RegExp(`ik-obj-version=${v1.versionInfo.id}`));

      const restored = await (
        await server.api(`/v1/files/${fileId}/versions/${v1.versionInfo.id}/restore`, { method: 'PUT' })
      ).json();
      assert.equal(restored.versionInfo.id, v1.versionInfo.id);
      assert.equal(restored.width, 11);
      assert.equal((await details(fileId)).width, 11);

      const current = await server.api(`/v1/files/${fileId}/versions/${v1.versionInfo.id}`, {
        method: 'DELETE',
      });
      assert.equal(current.status, 400);
      assert.equal((await current.json()).message, 'You cannot delete current version of a file.');
      const blobs = await blobCount();
      const deleted = await server.api(`/v1/files/${fileId}/versions/${v2.versionInfo.id}`, {
        method: 'DELETE',
      });
      assert.equal(deleted.status, 204);
      assert.equal((await versionsOf(fileId)).length, 1);
      assert.equal(await blobCount(), blobs - 1);
    });

    it('restores with an empty form-encoded body, as ImageKit’s v6 SDK (axios) sends it', async () => {
      const v1 = await put('/v6', 'f.png', 11);
      await put('/v6', 'f.png', 22);
      const response = await server.api(`/v1/files/${v1.fileId}/versions/${v1.versionInfo.id}/restore`, {
        method: 'PUT',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { width: number }).width, 11);
      const withBody = await server.api(`/v1/files/${v1.fileId}/versions/${v1.versionInfo.id}/restore`, {
        method: 'PUT',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      assert.equal(withBody.status, 415);
      assert.equal(typeof ((await withBody.json()) as { help: string }).help, 'string');
    });

    it('answers 404 for unknown files and versions', async () => {
      const file = await put('/v', 'g.png');
      assert.equal((await server.api('/v1/files/000000000000000000000000/versions')).status, 404);
      const unknown = await server.api(`/v1/files/${file.fileId}/versions/000000000000000000000000`);
      assert.equal(unknown.status, 404);
      assert.equal((await unknown.json()).message, 'The requested file version does not exist.');
    });
  });

  describe('bulk', () => {
    it('adds and removes tags on many files, reporting missing ids with 207', async () => {
      const a = await put('/b', 'a.png', 10, { tags: 'keep' });
      const b = await put('/b', 'b.png');
      const added = await post('/v1/files/addTags', {
        fileIds: [a.fileId, b.fileId],
        tags: ['sale', 'keep'],
      });
      assert.equal(added.status, 200);
      assert.deepEqual(await added.json(), { successfullyUpdatedFileIds: [a.fileId, b.fileId] });
      assert.deepEqual((await details(a.fileId)).tags, ['keep', 'sale']);
      assert.deepEqual((await details(b.fileId)).tags, ['sale', 'keep']);

      const removed = await post('/v1/files/removeTags', {
        fileIds: [a.fileId, 'missing0000000000000000'],
        tags: ['sale'],
      });
      assert.equal(removed.status, 207);
      const body = await removed.json();
      assert.deepEqual(body.successfullyUpdatedFileIds, [a.fileId]);
      assert.deepEqual(body.errors, [
        { fileId: 'missing0000000000000000', error: 'The requested file does not exist.' },
      ]);
      assert.deepEqual((await details(a.fileId)).tags, ['keep']);

      const none = await post('/v1/files/removeAITags', { fileIds: ['nope'], AITags: ['car'] });
      assert.equal(none.status, 404);
      assert.deepEqual((await none.json()).missingFileIds, ['nope']);
      const ai = await post('/v1/files/removeAITags', { fileIds: [a.fileId], AITags: ['car'] });
      assert.equal(ai.status, 200);
    });

    it('deletes by ids with bytes, and validates the id list', async () => {
      const a = await put('/bd', 'a.png');
      const b = await put('/bd', 'b.png');
      const blobs = await blobCount();
      const response = await post('/v1/files/batch/deleteByFileIds', {
        fileIds: [a.fileId, b.fileId, 'gone'],
      });
      assert.equal(response.status, 207);
      assert.deepEqual((await response.json()).successfullyDeletedFileIds, [a.fileId, b.fileId]);
      // In the trash (trashDays 30), the bytes stay until it lets go of them.
      assert.equal(await blobCount(), blobs);
      await server.api('/_ml/trash', { method: 'DELETE', json: { fileIds: [a.fileId, b.fileId] } });
      assert.equal(await blobCount(), blobs - 2);
      const cases: Array<[unknown, string]> = [
        [{}, 'fileIds parameter is missing.'],
        [{ fileIds: [] }, 'fileIds is empty.'],
        [
          { fileIds: Array.from({ length: 101 }, (_, i) => `id${i}`) },
          'fileIds cannot have more than 100 items.',
        ],
      ];
      for (const [json, message] of cases) {
        const bad = await post('/v1/files/batch/deleteByFileIds', json);
        assert.equal(bad.status, 400);
        assert.equal((await bad.json()).message, message);
      }
      const tooMany = await post('/v1/files/addTags', { fileIds: [a.fileId], tags: ['x'.repeat(600)] });
      assert.equal(tooMany.status, 404, 'the file is gone before its tags are judged');
    });
  });
});
