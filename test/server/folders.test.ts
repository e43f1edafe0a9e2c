import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('folders', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const folders = async (path: string) =>
    (await (await server.api(`/v1/files?type=folder&path=${encodeURIComponent(path)}`)).json()) as Array<{
      folderPath: string;
      name: string;
      folderId: string;
      type: string;
    }>;

  it('creates a folder and its missing parents, answering 201 {}', async () => {
    const response = await server.api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'summer', parentFolderPath: '/product/images/' },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), {});
    const [summer] = await folders('/product/images/');
    assert.equal(summer?.folderPath, '/product/images/summer');
    assert.equal(summer?.name, 'summer');
    assert.equal(summer?.type, 'folder');
    assert.match(summer?.folderId ?? '', /^[0-9a-f]{24}$/);
    assert.deepEqual(
      (await folders('/product/')).map((f) => f.folderPath),
      ['/product/images'],
    );
  });

  it('treats creating an existing folder as success and keeps its id', async () => {
    await server.api('/v1/folder', { method: 'POST', json: { folderName: 'twice', parentFolderPath: '/' } });
    const [before] = (await folders('/')).filter((f) => f.name === 'twice');
    const again = await server.api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'twice', parentFolderPath: '/' },
    });
    assert.equal(again.status, 201);
    const [after] = (await folders('/')).filter((f) => f.name === 'twice');
    assert.equal(after?.folderId, before?.folderId);
  });

  it('replaces characters other than letters, digits, _ and - in a folder name', async () => {
    await server.api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'Spring Sale!', parentFolderPath: '/' },
    });
    assert.ok((await folders('/')).some((f) => f.folderPath === '/Spring_Sale_'));
  });

  it('refuses missing or hostile names', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ parentFolderPath: '/' }, /missing the folderName parameter/],
      [{ folderName: '..', parentFolderPath: '/' }, /'\.' & '\.\.' can not be used/],
      [{ folderName: 'x', parentFolderPath: '/a/../../' }, /'\.' & '\.\.' can not be used/],
      [{ folderName: '  ', parentFolderPath: '/' }, /folderName parameter is missing/],
    ];
    for (const [json, why] of cases) {
      const response = await server.api('/v1/folder', { method: 'POST', json });
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match((await response.json()).message, why);
    }
    const notJson = await server.api('/v1/folder', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'folderName=x',
    });
    assert.equal(notJson.status, 400);
    assert.match((await notJson.json()).message, /not valid JSON/);
  });

  it('deletes a folder with its subfolders, files and versions (JSON body on DELETE)', async () => {
    await uploadPng(server, { folder: '/trash/a', fileName: 'x.png', useUniqueFileName: 'false' });
    await uploadPng(server, { folder: '/trash/a', fileName: 'x.png', useUniqueFileName: 'false' });
    await uploadPng(server, { folder: '/trash', fileName: 'y.png' });
    const keep = await uploadPng(server, { folder: '/trashcan', fileName: 'keep.png' });
    const response = await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/trash/' } });
    assert.equal(response.status, 204);
    assert.deepEqual(await folders('/trash/'), []);
    assert.ok(!(await folders('/')).some((f) => f.name === 'trash'));
    const all = await (await server.api('/v1/files?type=all')).json();
    assert.ok(!all.some((a: { filePath?: string }) => a.filePath?.startsWith('/trash/')));
    const versions = await (await server.api('/v1/files?type=file-version')).json();
    assert.ok(!versions.some((a: { filePath: string }) => a.filePath.startsWith('/trash/')));
    assert.equal(
      (await server.api(`/v1/files/${keep.fileId}/details`)).status,
      200,
      'a sibling with the same prefix stays',
    );
    // In the trash (trashDays 30), the bytes stay until it is emptied.
    assert.equal((await server.blobKeys()).length, 4);
    assert.equal((await server.api('/_ml/trash', { method: 'DELETE' })).status, 200);
    assert.equal((await server.blobKeys()).length, 1);
  });

  it('answers 404 for a folder that does not exist, and refuses to delete the root', async () => {
    const missing = await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/nope/' } });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).message, 'No folder found with folderPath `/nope`.');
    const root = await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/' } });
    assert.equal(root.status, 404);
    const noBody = await server.api('/v1/folder', { method: 'DELETE' });
    assert.equal(noBody.status, 400);
  });
});
