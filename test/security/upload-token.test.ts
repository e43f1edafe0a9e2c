// Issue 18, item 6: the `token` of an upload signature binds that one upload to its scope; it is
// not a session, and never outlives the signature's expire.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeSessionToken } from '../../src/shared/session-token.js';
import { createTokenEndpoint } from '../../src/token-endpoint/index.js';
import { png, uploadForm } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { bearer } from '../helpers/session.js';

describe('an upload-auth token', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const endpoint = () =>
    createTokenEndpoint({
      ...testKeys,
      endpoint: 'https://media.example',
      authorize: () => ({ allow: true, scope: { folder: '/u/' }, sub: 'uploader' }),
    });

  async function uploadAuth() {
    const response = await endpoint()(new Request('https://cms.example/media/upload-auth'));
    assert.equal(response.status, 200);
    return (await response.json()) as { token: string; expire: number; signature: string; publicKey: string };
  }

  it('is refused as a Bearer session, before and after its upload', async () => {
    const auth = await uploadAuth();
    const asSession = () => server.api('/v1/files', { key: null, headers: bearer(auth.token) });
    const before = await asSession();
    assert.equal(before.status, 401);
    assert.equal((await before.json()).reason, 'INVALID_SESSION_TOKEN');

    const { token, expire, signature, publicKey } = auth;
    const uploaded = await server.api('/api/v1/files/upload', {
      method: 'POST',
      key: null,
      body: uploadForm({
        file: { bytes: await png(), name: 'a.png' },
        fields: { fileName: 'a.png', folder: '/u/', token, expire: String(expire), signature, publicKey },
      }),
    });
    const file = await uploaded.json();
    assert.equal(uploaded.status, 200, JSON.stringify(file));
    assert.equal(file.filePath.startsWith('/u/'), true, 'the upload itself is held to the token’s scope');
    assert.equal((await asSession()).status, 401);
  });

  it('expires with its signature', async () => {
    const auth = await uploadAuth();
    const claims = decodeSessionToken(auth.token).payload as { exp: number; use?: string };
    assert.equal(claims.exp, auth.expire);
    assert.equal(claims.use, 'upload');
  });
});
