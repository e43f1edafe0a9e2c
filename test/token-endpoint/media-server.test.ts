import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createTokenEndpoint, type NodeContext, toNodeHandler } from '../../src/token-endpoint/index.js';
import { png, uploadForm, uploadPng } from '../helpers/fixtures.js';
import { type Listening, listen } from '../helpers/http.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** The token endpoint and the media server together, as a host deploys them. */
describe('token endpoint with the media server', () => {
  let server: TestServer;
  let host: Listening;

  before(async () => {
    server = await startTestServer();
    await uploadPng(server, { folder: '/brand', fileName: 'logo.png', useUniqueFileName: 'false' });
    await uploadPng(server, { folder: '/private', fileName: 'secret.png', useUniqueFileName: 'false' });
    await uploadPng(server, { folder: '/dam', fileName: 'shared.png', useUniqueFileName: 'false' });
    const endpoint = createTokenEndpoint<NodeContext>({
      ...testKeys,
      endpoint: server.url,
      // The host's own rule: a header stands in for its login cookie here.
      authorize: (_request, { req }) => {
        const role = req.headers['x-role'];
        if (role === 'admin') return { allow: true };
        if (role === 'brand-editor') return { allow: true, sub: 'ed', scope: { folder: '/brand' } };
        // The host maps its user to the DAM user with the same email.
        if (role === 'dam-member') return { allow: true, sub: 'cms-9', user: 'cms.editor@example.com' };
        if (role === 'brand-images') {
          return { allow: true, scope: { folder: '/brand', accept: ['image/*'], maxFileSize: 4000 } };
        }
        return { allow: false };
      },
    });
    host = await listen(toNodeHandler(endpoint));
    const member = await server.api('/_ml/users', {
      method: 'POST',
      json: { email: 'cms.editor@example.com', role: 'member', password: 'correct horse battery staple' },
    });
    assert.equal(member.status, 201);
    const granted = await server.api('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: ((await member.json()) as { id: string }).id },
        target: { type: 'folder', path: '/dam' },
        level: 'contribute',
      },
    });
    assert.equal(granted.status, 200);
  });
  after(async () => {
    await host.close();
    await server.close();
  });

  const ask = async (path: 'session' | 'upload-auth', role: string) => {
    const response = await fetch(`${host.url}/cms/media/${path}`, {
      method: 'POST',
      headers: { 'x-role': role },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  };

  const uploadSigned = async (role: string, fields: Record<string, string>, bytes?: Buffer) => {
    const auth = await ask('upload-auth', role);
    const form = uploadForm({
      file: { bytes: bytes ?? (await png()), name: fields.fileName ?? 'f.png' },
      fields: {
        ...fields,
        publicKey: auth.publicKey,
        token: auth.token,
        expire: String(auth.expire),
        signature: auth.signature,
      },
    });
    return {
      auth,
      response: await fetch(`${server.url}/api/v1/files/upload`, { method: 'POST', body: form }),
    };
  };

  it('a session for a DAM user (authorize returns user) sees and uploads only where that user is granted', async () => {
    const session = await ask('session', 'dam-member');
    assert.equal(session.scope.folder, '/');
    const headers = { authorization: `Bearer ${session.token}` };
    const listed = await (await fetch(`${session.endpoint}/v1/files?type=all`, { headers })).json();
    assert.ok(listed.length > 0);
    assert.ok(
      listed.every((item: { filePath?: string; folderPath?: string }) =>
        (item.filePath ?? item.folderPath ?? '').startsWith('/dam'),
      ),
    );
    // Signed uploads carry the user too: the token is a session token even for the whole library.
    const inside = await uploadSigned('dam-member', { fileName: 'member.png', folder: '/dam/members' });
    assert.equal(inside.response.status, 200, await inside.response.clone().text());
    const outside = await uploadSigned('dam-member', { fileName: 'member.png', folder: '/private' });
    assert.equal(outside.response.status, 403);
  });

  it('a session from the endpoint browses and uploads on the server within its scope', async () => {
    const session = await ask('session', 'brand-editor');
    assert.equal(session.endpoint, server.url);
    const headers = { authorization: `Bearer ${session.token}` };
    const listed = await (await fetch(`${session.endpoint}/v1/files?type=all`, { headers })).json();
    assert.deepEqual(listed.map((item: { name: string }) => item.name).sort(), ['brand', 'logo.png']);
    const upload = (folder: string) =>
      png().then((bytes) =>
        fetch(`${session.endpoint}/api/v1/files/upload`, {
          method: 'POST',
          headers,
          body: uploadForm({ file: { bytes, name: 'x.png' }, fields: { fileName: 'x.png', folder } }),
        }),
      );
    assert.equal((await upload('/brand/new')).status, 200);
    assert.equal((await upload('/private')).status, 403);
  });

  it('an upload signature for a scoped user is held to the scope too', async () => {
    const inside = await uploadSigned('brand-editor', { fileName: 'signed.png', folder: '/brand' });
    assert.equal(inside.response.status, 200, await inside.response.clone().text());
    for (const folder of ['/private', '/']) {
      const { response } = await uploadSigned('brand-editor', { fileName: 'signed.png', folder });
      assert.equal(response.status, 403, folder);
      assert.match((await response.json()).message, /only work inside \/brand\//);
    }
    const replay = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      body: uploadForm({
        file: { bytes: await png(), name: 'again.png' },
        fields: {
          fileName: 'again.png',
          folder: '/brand',
          publicKey: inside.auth.publicKey,
          token: inside.auth.token,
          expire: String(inside.auth.expire),
          signature: inside.auth.signature,
        },
      }),
    });
    assert.equal(replay.status, 400, 'a scoped token is still single use');
    const privateFiles = await (await server.api('/v1/files?path=/private/')).json();
    assert.deepEqual(
      privateFiles.map((f: { name: string }) => f.name),
      ['secret.png'],
    );
  });

  it('an upload signature carries the scope’s type and size limits', async () => {
    const text = await uploadSigned(
      'brand-images',
      { fileName: 'notes.txt', folder: '/brand' },
      Buffer.from('hi'),
    );
    assert.equal(text.response.status, 400);
    assert.match((await text.response.json()).message, /accepts only image\/\*/);
    const noise = Buffer.from(Array.from({ length: 60 * 60 * 3 }, (_, i) => (i * 7919) % 251));
    const big = await sharp(noise, { raw: { width: 60, height: 60, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    assert.ok(big.length > 4000, `the noisy JPEG is ${big.length} bytes`);
    const large = await uploadSigned('brand-images', { fileName: 'big.jpg', folder: '/brand' }, big);
    assert.equal(large.response.status, 400);
    assert.match((await large.response.json()).message, /at most 4000 bytes/);
    const ok = await uploadSigned('brand-images', { fileName: 'ok.png', folder: '/brand' });
    assert.equal(ok.response.status, 200);
  });

  it('an unrestricted user gets ImageKit’s plain signature, which uploads anywhere', async () => {
    const { auth, response } = await uploadSigned('admin', { fileName: 'root.png' });
    assert.match(auth.token, /^[0-9a-f-]{36}$/);
    assert.equal(response.status, 200);
  });

  it('a denied user gets nothing', async () => {
    for (const path of ['session', 'upload-auth']) {
      const response = await fetch(`${host.url}/cms/media/${path}`, { method: 'POST' });
      assert.equal(response.status, 403);
      assert.deepEqual(Object.keys(await response.json()), ['message']);
    }
  });

  it('a session from another key pair works only while that pair exists', async () => {
    const created = await server.api('/_ml/keys', {
      method: 'POST',
      json: { kind: 'restricted', permission: 'Read' },
    });
    const pair = await created.json();
    const other = createTokenEndpoint({ ...pair, endpoint: server.url, authorize: () => ({ allow: true }) });
    const { token } = await (await other(new Request('http://cms/session', { method: 'POST' }))).json();
    const list = () => fetch(`${server.url}/v1/files`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await list()).status, 200);
    assert.equal((await server.api(`/_ml/keys/${pair.publicKey}`, { method: 'DELETE' })).status, 204);
    assert.equal((await list()).status, 401);

    const stranger = createTokenEndpoint({
      publicKey: 'public_not_on_this_server',
      privateKey: 'private_not_on_this_server',
      endpoint: server.url,
      authorize: () => ({ allow: true }),
    });
    const foreign = await (await stranger(new Request('http://cms/session', { method: 'POST' }))).json();
    const refused = await fetch(`${server.url}/v1/files`, {
      headers: { authorization: `Bearer ${foreign.token}` },
    });
    assert.equal(refused.status, 401);
  });
});
