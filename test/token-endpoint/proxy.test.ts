import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../src/shared/session-token.js';
import { createTokenEndpoint, signSessionToken, toNodeHandler } from '../../src/token-endpoint/index.js';
import { uploadPng } from '../helpers/fixtures.js';
import { type Listening, listen } from '../helpers/http.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

interface Listed {
  type: string;
  name: string;
  filePath?: string;
  folderPath?: string;
}

/** Proxy mode end to end: browser → token endpoint (`/cms/media/api/v1/…`) → our server as the upstream. */
describe('proxy mode', () => {
  let server: TestServer;
  let host: Listening;
  let brandFile: { fileId: string };
  let privateFile: { fileId: string };
  const responses: Response[] = [];

  before(async () => {
    server = await startTestServer();
    brandFile = await uploadPng(server, {
      folder: '/brand',
      fileName: 'logo.png',
      useUniqueFileName: 'false',
    });
    await uploadPng(server, { folder: '/brand/2026', fileName: 'deep.png', useUniqueFileName: 'false' });
    privateFile = await uploadPng(server, {
      folder: '/private',
      fileName: 'secret.png',
      useUniqueFileName: 'false',
    });
    await uploadPng(server, { fileName: 'root.png', useUniqueFileName: 'false' });
    const endpoint = createTokenEndpoint({
      ...testKeys,
      proxy: { upstream: server.url },
      authorize: (request) => {
        const role = request.headers.get('x-role');
        if (role === 'brand-editor') return { allow: true, scope: { folder: '/brand' } };
        if (role === 'brand-viewer') return { allow: true, scope: { folder: '/brand', access: 'read' } };
        return { allow: false };
      },
    });
    host = await listen(toNodeHandler(endpoint));
  });
  after(async () => {
    await host.close();
    await server.close();
  });

  /** Every response the browser saw, for the private-key check at the end. */
  const seen = async (response: Promise<Response>) => {
    const answered = await response;
    responses.push(answered.clone());
    return answered;
  };

  async function sessionFor(role: string): Promise<{ endpoint: string; token: string; scope: Scope }> {
    const response = await seen(
      fetch(`${host.url}/cms/media/session`, { method: 'POST', headers: { 'x-role': role } }),
    );
    assert.equal(response.status, 200);
    return response.json();
  }

  async function as(role: string) {
    const session = await sessionFor(role);
    assert.equal(session.endpoint, `${host.url}/cms/media/api`);
    return (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const { json, ...rest } = init;
      return seen(
        fetch(`${session.endpoint}${path}`, {
          ...rest,
          headers: {
            authorization: `Bearer ${session.token}`,
            ...(json !== undefined && { 'content-type': 'application/json' }),
          },
          ...(json !== undefined && { body: JSON.stringify(json) }),
        }),
      );
    };
  }

  it('lists only the session’s folder, and lets it navigate down from above', async () => {
    const api = await as('brand-editor');
    const scoped: Listed[] = await (await api('/v1/files?type=all')).json();
    assert.deepEqual(
      scoped.map((item) => item.name).sort(),
      ['2026', 'logo.png'],
      'no path: the scope’s folder',
    );
    const root: Listed[] = await (await api('/v1/files?type=all&path=/')).json();
    assert.deepEqual(
      root.map((item) => item.name),
      ['brand'],
      'at the root, only the way down to /brand/',
    );
    for (const path of ['/private', '/private/', '/brand-archive']) {
      const response = await api(`/v1/files?type=all&path=${path}`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), [], path);
    }
    const deep: Listed[] = await (await api('/v1/files?path=/brand/2026')).json();
    assert.deepEqual(
      deep.map((item) => item.filePath),
      ['/brand/2026/deep.png'],
    );
  });

  it('forwards reads and writes inside the scope with the private key added', async () => {
    const api = await as('brand-editor');
    const details = await api(`/v1/files/${brandFile.fileId}/details`);
    assert.equal(details.status, 200);
    assert.ok(details.headers.get('x-ik-requestid'), 'the upstream request id comes through');
    assert.equal((await details.json()).filePath, '/brand/logo.png');
    const patched = await api(`/v1/files/${brandFile.fileId}/details`, {
      method: 'PATCH',
      json: { tags: ['hero'] },
    });
    assert.equal(patched.status, 200);
    const truth = await (await server.api(`/v1/files/${brandFile.fileId}/details`)).json();
    assert.deepEqual(truth.tags, ['hero'], 'the upstream really changed');
    const metadata = await api(`/v1/files/${brandFile.fileId}/metadata`);
    assert.equal((await metadata.json()).width, 40);
    assert.equal((await api('/v1/customMetadataFields')).status, 200);
    const folder = await api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'campaign', parentFolderPath: '/brand' },
    });
    assert.equal(folder.status, 201);
    const folders: Listed[] = await (await server.api('/v1/files?type=folder&path=/brand/')).json();
    assert.ok(
      folders.some((f) => f.folderPath === '/brand/campaign'),
      'the folder exists upstream',
    );
    const removed = await api('/v1/folder', { method: 'DELETE', json: { folderPath: '/brand/campaign' } });
    assert.equal(removed.status, 204);
  });

  it('hides files outside the scope and refuses to write outside it', async () => {
    const api = await as('brand-editor');
    for (const [path, init] of [
      [`/v1/files/${privateFile.fileId}/details`, {}],
      [`/v1/files/${privateFile.fileId}/metadata`, {}],
      [`/v1/files/${privateFile.fileId}/details`, { method: 'PATCH', json: { tags: ['x'] } }],
      [`/v1/files/${privateFile.fileId}`, { method: 'DELETE' }],
      [`/v1/files/${privateFile.fileId}/versions`, {}],
      [
        '/v1/files/batch/deleteByFileIds',
        { method: 'POST', json: { fileIds: [brandFile.fileId, privateFile.fileId] } },
      ],
      ['/v1/files/addTags', { method: 'POST', json: { fileIds: [privateFile.fileId], tags: ['x'] } }],
      [
        '/v1/files/move',
        { method: 'POST', json: { sourceFilePath: '/private/secret.png', destinationPath: '/brand' } },
      ],
      [
        '/v1/files/rename',
        { method: 'POST', json: { filePath: '/private/secret.png', newFileName: 'mine.png' } },
      ],
      ['/v1/files/abc%2F..%2Fdef/details', {}],
    ] as const) {
      const response = await api(path, init);
      assert.equal(response.status, 404, `${(init as RequestInit).method ?? 'GET'} ${path}`);
    }
    for (const [path, json] of [
      ['/v1/folder', { folderName: 'x', parentFolderPath: '/private' }],
      ['/v1/folder', { folderName: 'brand2', parentFolderPath: '/' }],
      ['/v1/files/copy', { sourceFilePath: '/brand/logo.png', destinationPath: '/private' }],
      ['/v1/files/move', { sourceFilePath: '/brand/logo.png', destinationPath: '/' }],
      ['/v1/bulkJobs/moveFolder', { sourceFolderPath: '/brand/2026', destinationPath: '/private' }],
      ['/v1/bulkJobs/moveFolder', { sourceFolderPath: '/brand', destinationPath: '/brand/2026' }],
      ['/v1/bulkJobs/renameFolder', { folderPath: '/brand', newFolderName: 'elsewhere' }],
    ] as const) {
      const response = await api(path, { method: 'POST', json });
      assert.equal(response.status, 403, `${path} ${JSON.stringify(json)}`);
    }
    const deleteFolder = await api('/v1/folder', { method: 'DELETE', json: { folderPath: '/private' } });
    assert.equal(deleteFolder.status, 404);
    const truth = await (await server.api(`/v1/files/${privateFile.fileId}/details`)).json();
    assert.equal(truth.tags, null, 'nothing reached the private file');
    assert.equal(
      (await server.api(`/v1/files/${brandFile.fileId}/details`)).status,
      200,
      'nor the batch’s other id',
    );
  });

  it('a read session cannot change anything through the proxy', async () => {
    const api = await as('brand-viewer');
    assert.equal((await api(`/v1/files/${brandFile.fileId}/details`)).status, 200);
    const patch = await api(`/v1/files/${brandFile.fileId}/details`, {
      method: 'PATCH',
      json: { tags: ['ro'] },
    });
    assert.equal(patch.status, 403);
    assert.match((await patch.json()).message, /read-only/);
    assert.equal((await api(`/v1/files/${brandFile.fileId}`, { method: 'DELETE' })).status, 403);
  });

  it('forwards only the allow-listed calls', async () => {
    const api = await as('brand-editor');
    for (const path of [
      '/v1/accounts/usage?startDate=2026-01-01&endDate=2026-01-02',
      '/v1/_ml/keys',
      '/v1/nothing',
    ]) {
      const response = await api(path);
      assert.equal(response.status, 404, path);
      assert.match((await response.json()).message, /not one of the calls this token endpoint forwards/);
    }
    const field = await api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'f', label: 'F', schema: { type: 'Text' } },
    });
    assert.equal(field.status, 405, 'field definitions are account-wide: not for sessions');
    assert.deepEqual(await (await server.api('/v1/customMetadataFields')).json(), []);
    const keysThroughProxy = await seen(fetch(`${host.url}/cms/media/api/_ml/keys`));
    assert.equal(keysThroughProxy.status, 404);
  });

  it('needs a valid session token of its own key pair', async () => {
    const url = `${host.url}/cms/media/api/v1/files`;
    const none = await seen(fetch(url));
    assert.equal(none.status, 401);
    assert.match((await none.json()).message, /Authorization: Bearer/);
    const basic = await seen(
      fetch(url, { headers: { authorization: `Basic ${btoa(`${testKeys.privateKey}:`)}` } }),
    );
    assert.equal(basic.status, 401, 'the proxy takes sessions, not keys');
    const other = await signSessionToken({
      publicKey: 'public_other',
      privateKey: 'private_other',
      scope: { folder: '/', access: 'readwrite' },
      ttlSeconds: 60,
    });
    const foreign = await seen(fetch(url, { headers: { authorization: `Bearer ${other}` } }));
    assert.equal(foreign.status, 401);
    const expired = await signSessionToken({
      ...testKeys,
      scope: { folder: '/', access: 'read' },
      ttlSeconds: 60,
      now: Date.now() - 120_000,
    });
    const late = await seen(fetch(url, { headers: { authorization: `Bearer ${expired}` } }));
    assert.equal(late.status, 401);
    assert.match((await late.json()).message, /expired at/);
  });

  it('answers 502 when the upstream is down', async () => {
    const endpoint = createTokenEndpoint({
      ...testKeys,
      proxy: { upstream: 'http://127.0.0.1:9' },
      authorize: () => ({ allow: true }),
    });
    const { token } = await (await endpoint(new Request('http://cms/session', { method: 'POST' }))).json();
    const response = await endpoint(
      new Request('http://cms/api/v1/files', { headers: { authorization: `Bearer ${token}` } }),
    );
    responses.push(response.clone());
    assert.equal(response.status, 502);
    assert.match((await response.json()).message, /could not be reached/);
  });

  it('never lets the private key out, in any body or header', async () => {
    for (const role of ['brand-editor', 'brand-viewer', 'nobody']) {
      for (const path of ['upload-auth', 'session', 'sessions']) {
        await seen(fetch(`${host.url}/cms/media/${path}`, { method: 'POST', headers: { 'x-role': role } }));
        await seen(fetch(`${host.url}/cms/media/${path}`, { method: 'PUT', headers: { 'x-role': role } }));
      }
    }
    assert.ok(responses.length > 40, `checked ${responses.length} responses`);
    const basic = btoa(`${testKeys.privateKey}:`);
    for (const response of responses) {
      const text = await response.text();
      assert.ok(!text.includes(testKeys.privateKey), 'body');
      assert.ok(!text.includes(basic), 'body (Basic)');
      response.headers.forEach((value, name) => {
        assert.ok(!value.includes(testKeys.privateKey) && !value.includes(basic), `header ${name}`);
      });
    }
  });
});
