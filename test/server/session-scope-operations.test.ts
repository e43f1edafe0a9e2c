import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Listed {
  name: string;
  filePath?: string;
  folderPath?: string;
}

/** A session for /brand/ can search, copy, move, rename, version and bulk-edit only inside /brand/. */
describe('a /brand/ session in search and file operations', () => {
  let server: TestServer;
  let token: string;
  let readToken: string;
  let brand: { fileId: string; versionInfo: { id: string } };
  let secret: { fileId: string; versionInfo: { id: string } };

  const as = (path: string, init: RequestInit & { json?: unknown } = {}, session = token) =>
    server.api(path, { ...init, key: null, headers: bearer(session) });
  const truth = async (path: string) =>
    ((await (await server.api(`/v1/files?type=all&path=${encodeURIComponent(path)}`)).json()) as Listed[])
      .map((a) => a.filePath ?? a.folderPath)
      .sort();

  before(async () => {
    server = await startTestServer();
    brand = await uploadPng(server, {
      folder: '/brand',
      fileName: 'logo.png',
      useUniqueFileName: 'false',
      tags: 'red',
    });
    await uploadPng(server, {
      folder: '/brand/sub',
      fileName: 'inner.png',
      useUniqueFileName: 'false',
      tags: 'red',
    });
    secret = await uploadPng(server, {
      folder: '/private',
      fileName: 'secret.png',
      useUniqueFileName: 'false',
      tags: 'red',
    });
    await uploadPng(server, {
      folder: '/brand-archive',
      fileName: 'lookalike.png',
      useUniqueFileName: 'false',
      tags: 'red',
    });
    token = await sessionToken({ folder: '/brand/', access: 'readwrite' });
    readToken = await sessionToken({ folder: '/brand/', access: 'read' });
  });
  after(() => server.close());

  it('edits may draw layers only from files inside the scope', async () => {
    const layer = (path: string) => ({
      operations: [{ type: 'layers', transformation: `l-image,i-${path},t-false,w-4,l-end` }],
    });
    const outside = await as(`/_ml/files/${brand.fileId}/edit`, {
      method: 'POST',
      json: layer('private@@secret.png'),
    });
    const body = await outside.json();
    assert.equal(outside.status, 400, JSON.stringify(body));
    assert.match(body.message, /private\/secret\.png does not exist/);
    const inside = await as(`/_ml/files/${brand.fileId}/edit`, {
      method: 'POST',
      json: layer('brand@@sub@@inner.png'),
    });
    assert.equal(inside.status, 200, await inside.text());
  });

  it('search finds only what lies inside the scope', async () => {
    const response = await as(
      `/v1/files?searchQuery=${encodeURIComponent('tags IN ["red"] OR name : "secret"')}`,
    );
    assert.equal(response.status, 200);
    const found = ((await response.json()) as Listed[]).map((a) => a.filePath).sort();
    assert.deepEqual(found, ['/brand/logo.png', '/brand/sub/inner.png']);
  });

  it('cannot copy or move out of /private/, nor into it', async () => {
    const cases: Array<[string, unknown, number]> = [
      ['/v1/files/copy', { sourceFilePath: '/private/secret.png', destinationPath: '/brand/' }, 404],
      ['/v1/files/move', { sourceFilePath: '/private/secret.png', destinationPath: '/brand/' }, 404],
      ['/v1/files/copy', { sourceFilePath: '/brand/logo.png', destinationPath: '/private/' }, 403],
      ['/v1/files/move', { sourceFilePath: '/brand/logo.png', destinationPath: '/private/' }, 403],
      ['/v1/files/move', { sourceFilePath: '/brand/logo.png', destinationPath: '/brand-archive/' }, 403],
    ];
    for (const [path, json, status] of cases) {
      const response = await as(path, { method: 'POST', json });
      assert.equal(response.status, status, `${path} ${JSON.stringify(json)}`);
    }
    const renamed = await as('/v1/files/rename', {
      method: 'PUT',
      json: { filePath: '/private/secret.png', newFileName: 'mine.png' },
    });
    assert.equal(renamed.status, 404);
    assert.deepEqual(await truth('/private/'), ['/private/secret.png']);
    assert.deepEqual(await truth('/brand/'), ['/brand/logo.png', '/brand/sub']);
  });

  it('works inside the scope', async () => {
    const copy = await as('/v1/files/copy', {
      method: 'POST',
      json: { sourceFilePath: '/brand/logo.png', destinationPath: '/brand/sub' },
    });
    assert.equal(copy.status, 204);
    const rename = await as('/v1/files/rename', {
      method: 'PUT',
      json: { filePath: '/brand/sub/logo.png', newFileName: 'copy.png' },
    });
    assert.equal(rename.status, 200);
    assert.deepEqual(await truth('/brand/sub/'), ['/brand/sub/copy.png', '/brand/sub/inner.png']);
  });

  it('cannot see or change versions of files outside the scope', async () => {
    for (const [path, method] of [
      [`/v1/files/${secret.fileId}/versions`, 'GET'],
      [`/v1/files/${secret.fileId}/versions/${secret.versionInfo.id}`, 'GET'],
      [`/v1/files/${secret.fileId}/versions/${secret.versionInfo.id}/restore`, 'PUT'],
      [`/v1/files/${secret.fileId}/versions/${secret.versionInfo.id}`, 'DELETE'],
    ] as const) {
      assert.equal((await as(path, { method })).status, 404, `${method} ${path}`);
    }
    assert.equal((await as(`/v1/files/${brand.fileId}/versions`)).status, 200);
  });

  it('bulk calls treat files outside the scope as missing', async () => {
    const response = await as('/v1/files/addTags', {
      method: 'POST',
      json: { fileIds: [brand.fileId, secret.fileId], tags: ['hacked'] },
    });
    assert.equal(response.status, 207);
    const body = await response.json();
    assert.deepEqual(body.successfullyUpdatedFileIds, [brand.fileId]);
    assert.deepEqual(
      body.errors.map((e: { fileId: string }) => e.fileId),
      [secret.fileId],
    );
    const deleted = await as('/v1/files/batch/deleteByFileIds', {
      method: 'POST',
      json: { fileIds: [secret.fileId] },
    });
    assert.equal(deleted.status, 404);
    const still = await (await server.api(`/v1/files/${secret.fileId}/details`)).json();
    assert.deepEqual(still.tags, ['red']);
  });

  it('folder jobs cannot take a folder out of the scope, nor reach another', async () => {
    const cases: Array<[string, unknown, number]> = [
      ['moveFolder', { sourceFolderPath: '/private', destinationPath: '/brand/' }, 404],
      ['copyFolder', { sourceFolderPath: '/private', destinationPath: '/brand/' }, 404],
      ['moveFolder', { sourceFolderPath: '/brand/sub', destinationPath: '/private/' }, 403],
      ['copyFolder', { sourceFolderPath: '/brand/sub', destinationPath: '/' }, 403],
      ['renameFolder', { folderPath: '/brand', newFolderName: 'stolen' }, 403],
    ];
    for (const [path, json, status] of cases) {
      const response = await as(`/v1/bulkJobs/${path}`, { method: 'POST', json });
      assert.equal(response.status, status, `${path} ${JSON.stringify(json)}`);
    }
    assert.deepEqual(await truth('/private/'), ['/private/secret.png']);
  });

  it('a read-only session cannot write at all', async () => {
    const attempts: Array<[string, string, unknown]> = [
      ['/v1/files/copy', 'POST', { sourceFilePath: '/brand/logo.png', destinationPath: '/brand/x' }],
      ['/v1/files/rename', 'PUT', { filePath: '/brand/logo.png', newFileName: 'y.png' }],
      ['/v1/files/addTags', 'POST', { fileIds: [brand.fileId], tags: ['x'] }],
      ['/v1/bulkJobs/copyFolder', 'POST', { sourceFolderPath: '/brand/sub', destinationPath: '/brand/x' }],
    ];
    for (const [path, method, json] of attempts) {
      assert.equal((await as(path, { method, json }, readToken)).status, 403, path);
    }
    assert.equal((await as(`/v1/files/${brand.fileId}/versions`, {}, readToken)).status, 200);
  });
});
