import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signUpload } from '../../src/server/auth/authenticate.js';
import { png, upload, uploadForm, uploadPng } from '../helpers/fixtures.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';

interface Pair {
  publicKey: string;
  privateKey: string;
}

async function createKey(server: TestServer, json: Record<string, unknown>): Promise<Pair> {
  const response = await server.api('/_ml/keys', { method: 'POST', json });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

function signed(pair: Pair, overrides: Record<string, string> = {}): Record<string, string> {
  const token = randomUUID();
  const expire = String(Math.floor(Date.now() / 1000) + 1800);
  return {
    publicKey: pair.publicKey,
    token,
    expire,
    signature: signUpload(pair.privateKey, overrides.token ?? token, overrides.expire ?? expire),
    ...overrides,
  };
}

describe('authentication', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('needs a private key as the Basic user name and ignores the password', async () => {
    const none = await server.api('/v1/files', { key: null });
    assert.equal(none.status, 401);
    assert.equal((await none.json()).message, 'Your request does not contain private API key.');
    assert.equal(none.headers.get('www-authenticate'), null, 'no browser login prompt');
    const bearerless = await server.api('/v1/files', { key: null, headers: { authorization: 'Token abc' } });
    assert.equal(bearerless.status, 401);
    const wrong = await server.api('/v1/files', { key: 'private_not_a_key' });
    assert.equal(wrong.status, 403);
    assert.equal((await wrong.json()).message, 'Your account cannot be authenticated.');
    for (const password of ['', 'do_not_set', 'anything']) {
      const ok = await fetch(`${server.url}/v1/files`, {
        headers: { authorization: basicAuth(testKeys.privateKey, password) },
      });
      assert.equal(ok.status, 200);
    }
  });

  it('answers unknown paths with a JSON 404 and request ids on every response', async () => {
    for (const path of ['/_stainless_unknown_path', '/v1/nothing', '/api/v2/files/upload']) {
      const response = await server.api(path);
      assert.equal(response.status, 404, path);
      const body = await response.json();
      assert.equal(typeof body.message, 'string');
      assert.equal(typeof body.help, 'string');
      assert.ok(response.headers.get('x-ik-requestid'));
      assert.equal(response.headers.get('x-should-retry'), 'false');
    }
  });

  it('allows cross-origin use and exposes the request id', async () => {
    const preflight = await fetch(`${server.url}/v1/files`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://cms.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    // Any page may use a key or session it holds: the API reads no cookies, so no credentials.
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const response = await server.api('/v1/files', { headers: { origin: 'https://cms.example' } });
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
  });
});

describe('restricted keys follow ImageKit’s permission table', () => {
  let server: TestServer;
  let fileId: string;
  let fieldId: string;
  const keys: Record<string, Pair> = {};

  before(async () => {
    server = await startTestServer();
    keys.Read = await createKey(server, { kind: 'restricted', permission: 'Read' });
    keys.None = await createKey(server, { kind: 'restricted', permission: 'None' });
    keys.ReadWrite = await createKey(server, { kind: 'restricted', permission: 'ReadWrite' });
    fileId = (await uploadPng(server, { fileName: 'perm.png', useUniqueFileName: 'false' })).fileId;
    const field = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'perm', label: 'Perm', schema: { type: 'Text' } },
    });
    fieldId = (await field.json()).id;
  });
  after(() => server.close());

  type Call = { name: string; access: 'read' | 'write' | 'admin'; run: (key: string) => Promise<Response> };
  const calls = (): Call[] => [
    { name: 'list', access: 'read', run: (key) => server.api('/v1/files', { key }) },
    { name: 'details', access: 'read', run: (key) => server.api(`/v1/files/${fileId}/details`, { key }) },
    { name: 'metadata', access: 'read', run: (key) => server.api(`/v1/files/${fileId}/metadata`, { key }) },
    {
      name: 'metadata by url',
      access: 'read',
      run: (key) => server.api(`/v1/metadata?url=${encodeURIComponent(`${server.url}/perm.png`)}`, { key }),
    },
    { name: 'fields list', access: 'read', run: (key) => server.api('/v1/customMetadataFields', { key }) },
    {
      name: 'usage',
      access: 'read',
      run: (key) => server.api('/v1/accounts/usage?startDate=2026-01-01&endDate=2026-01-02', { key }),
    },
    {
      name: 'upload',
      access: 'write',
      run: async (key) =>
        upload(server, { file: { bytes: await png(), name: 'u.png' }, fields: { fileName: 'u.png' } }, key),
    },
    {
      name: 'update details',
      access: 'write',
      run: (key) =>
        server.api(`/v1/files/${fileId}/details`, { key, method: 'PATCH', json: { tags: ['t'] } }),
    },
    {
      name: 'create folder',
      access: 'write',
      run: (key) =>
        server.api('/v1/folder', { key, method: 'POST', json: { folderName: 'p', parentFolderPath: '/' } }),
    },
    {
      name: 'delete folder',
      access: 'write',
      run: (key) => server.api('/v1/folder', { key, method: 'DELETE', json: { folderPath: '/p' } }),
    },
    {
      name: 'create field',
      access: 'write',
      run: (key) =>
        server.api('/v1/customMetadataFields', {
          key,
          method: 'POST',
          json: { name: `f${randomUUID().slice(0, 8)}`, label: randomUUID(), schema: { type: 'Text' } },
        }),
    },
    {
      name: 'update field',
      access: 'write',
      run: (key) =>
        server.api(`/v1/customMetadataFields/${fieldId}`, {
          key,
          method: 'PATCH',
          json: { label: randomUUID() },
        }),
    },
    { name: 'keys list', access: 'admin', run: (key) => server.api('/_ml/keys', { key }) },
  ];

  const expectations: Record<string, Array<Call['access']>> = {
    Read: ['read'],
    None: [],
    ReadWrite: ['read', 'write'],
  };

  for (const permission of ['Read', 'None', 'ReadWrite']) {
    it(`a ${permission} key may do exactly ${JSON.stringify(expectations[permission])}`, async () => {
      for (const call of calls()) {
        const response = await call.run(keys[permission]!.privateKey);
        const allowed = expectations[permission]!.includes(call.access);
        if (allowed) assert.ok(response.status < 300, `${permission} ${call.name}: ${response.status}`);
        else {
          assert.equal(response.status, 403, `${permission} ${call.name}`);
          assert.match((await response.json()).message, /does not have permission/);
        }
      }
    });
  }

  it('the delete calls: refused for Read, allowed for ReadWrite', async () => {
    const victim = (await uploadPng(server)).fileId;
    assert.equal(
      (await server.api(`/v1/files/${victim}`, { key: keys.Read!.privateKey, method: 'DELETE' })).status,
      403,
    );
    assert.equal(
      (await server.api(`/v1/files/${victim}`, { key: keys.ReadWrite!.privateKey, method: 'DELETE' })).status,
      204,
    );
    const { id } = await (
      await server.api('/v1/customMetadataFields', {
        method: 'POST',
        json: { name: 'doomed', label: 'Doomed', schema: { type: 'Text' } },
      })
    ).json();
    assert.equal(
      (await server.api(`/v1/customMetadataFields/${id}`, { key: keys.Read!.privateKey, method: 'DELETE' }))
        .status,
      403,
    );
  });
});

describe('key management', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('lists pairs with private keys masked', async () => {
    const pairs = await (await server.api('/_ml/keys')).json();
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0].publicKey, testKeys.publicKey);
    assert.equal(pairs[0].kind, 'standard');
    assert.notEqual(pairs[0].privateKey, testKeys.privateKey);
    assert.match(pairs[0].privateKey, /^private_…/);
  });

  it('caps standard and restricted pairs at five each', async () => {
    for (let i = 0; i < 4; i++) await createKey(server, { kind: 'standard' });
    const sixth = await server.api('/_ml/keys', { method: 'POST', json: { kind: 'standard' } });
    assert.equal(sixth.status, 400);
    assert.match((await sixth.json()).message, /already have 5 standard keys/);
    for (let i = 0; i < 5; i++) await createKey(server, { kind: 'restricted', permission: 'Read' });
    const extra = await server.api('/_ml/keys', {
      method: 'POST',
      json: { kind: 'restricted', permission: 'Read' },
    });
    assert.equal(extra.status, 400);
    const noPermission = await server.api('/_ml/keys', {
      method: 'POST',
      json: { kind: 'restricted', permission: 'Owner' },
    });
    assert.equal(noPermission.status, 400);
  });

  it('rolls a key: immediately ends the old one, a grace period keeps it until it passes', async () => {
    const pair = await createKey(server, { kind: 'restricted', permission: 'ReadWrite' }).catch(async () => {
      const pairs = await (await server.api('/_ml/keys')).json();
      await server.api(
        `/_ml/keys/${pairs.find((p: { kind: string }) => p.kind === 'restricted').publicKey}`,
        {
          method: 'DELETE',
        },
      );
      return createKey(server, { kind: 'restricted', permission: 'ReadWrite' });
    });
    const rolled = await (
      await server.api(`/_ml/keys/${pair.publicKey}/roll`, { method: 'POST', json: { expireOldKeyIn: '1h' } })
    ).json();
    assert.equal(rolled.publicKey, pair.publicKey);
    assert.notEqual(rolled.privateKey, pair.privateKey);
    assert.ok(rolled.previousKeyExpiresAt);
    assert.equal(
      (await server.api('/v1/files', { key: pair.privateKey })).status,
      200,
      'old key in its grace hour',
    );
    assert.equal((await server.api('/v1/files', { key: rolled.privateKey })).status, 200);

    // Let the grace hour pass.
    await server
      .catalog()
      .updateTable('api_keys')
      .set({ expires_at: Date.now() - 1 })
      .where('private_key', '=', pair.privateKey)
      .execute();
    const expired = await server.api('/v1/files', { key: pair.privateKey });
    assert.equal(expired.status, 403);
    assert.equal((await expired.json()).message, 'Your request contains expired private API key.');

    const again = await (
      await server.api(`/_ml/keys/${pair.publicKey}/roll`, {
        method: 'POST',
        json: { expireOldKeyIn: 'immediately' },
      })
    ).json();
    assert.equal((await server.api('/v1/files', { key: rolled.privateKey })).status, 403);
    assert.equal((await server.api('/v1/files', { key: again.privateKey })).status, 200);
    const badGrace = await server.api(`/_ml/keys/${pair.publicKey}/roll`, {
      method: 'POST',
      json: { expireOldKeyIn: '2y' },
    });
    assert.equal(badGrace.status, 400);
  });

  it('deletes pairs but never the last standard one; a deleted key stops working', async () => {
    const pairs: Array<{ publicKey: string; kind: string }> = await (await server.api('/_ml/keys')).json();
    const restricted = pairs.find((p) => p.kind === 'restricted')!;
    assert.equal((await server.api(`/_ml/keys/${restricted.publicKey}`, { method: 'DELETE' })).status, 204);
    assert.equal((await server.api(`/_ml/keys/${restricted.publicKey}`, { method: 'DELETE' })).status, 404);
    const standards = pairs.filter((p) => p.kind === 'standard' && p.publicKey !== testKeys.publicKey);
    for (const pair of standards) {
      assert.equal((await server.api(`/_ml/keys/${pair.publicKey}`, { method: 'DELETE' })).status, 204);
    }
    const last = await server.api(`/_ml/keys/${testKeys.publicKey}`, { method: 'DELETE' });
    assert.equal(last.status, 400);
    assert.match((await last.json()).message, /last standard key/);
  });
});

describe('client-side upload signatures', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const uploadSigned = async (fields: Record<string, string>, key: string | null = null) =>
    upload(
      server,
      { file: { bytes: await png(), name: 's.png' }, fields: { fileName: 's.png', ...fields } },
      key,
    );

  it('accepts a fresh signature and refuses its replay', async () => {
    const fields = signed(testKeys);
    const first = await uploadSigned(fields);
    assert.equal(first.status, 200, await first.clone().text());
    const replay = await uploadSigned(fields);
    assert.equal(replay.status, 400);
    assert.match((await replay.json()).message, /token has been used before/);
  });

  it('matches ImageKit’s worked example', () => {
    assert.equal(
      signUpload('private_test_key', 'tok123', 1700000000),
      'be83dac72b1126d57f9f615941dba27d6b7b63dc',
    );
  });

  it('refuses expire in the past, an hour or more ahead, or not a number', async () => {
    // Offsets from the clock at each request: under load a second may pass between two of them.
    for (const ahead of [-10, 3601, 7200, 'soon'] as const) {
      const expire = ahead === 'soon' ? ahead : String(Math.floor(Date.now() / 1000) + ahead);
      const response = await uploadSigned(signed(testKeys, { expire }));
      assert.equal(response.status, 400, expire);
      assert.equal(
        (await response.json()).message,
        'Your request contains invalid expire parameter. Expire parameter should be a Unix time in less than 1 hour into the future.',
      );
    }
  });

  it('refuses a wrong signature, an unknown public key and missing fields', async () => {
    const wrong = await uploadSigned({ ...signed(testKeys), signature: 'a'.repeat(40) });
    assert.equal(wrong.status, 403);
    assert.match((await wrong.json()).message, /invalid signature/);
    const unknown = await uploadSigned({ ...signed(testKeys), publicKey: 'public_nobody' });
    assert.equal(unknown.status, 403);
    const { token: _token, ...noToken } = signed(testKeys);
    const missing = await uploadSigned(noToken);
    assert.equal(missing.status, 400);
    assert.match((await missing.json()).message, /missing the token parameter/);
  });

  it('refuses signature and Basic auth together', async () => {
    const response = await uploadSigned(signed(testKeys), testKeys.privateKey);
    assert.equal(response.status, 400);
    assert.equal(
      (await response.json()).message,
      'Your request contains both signature and basic auth parameter. Use only one method, you might be exposing your private API key.',
    );
  });

  it('refuses signatures by a Read key or by a rolled-and-expired key', async () => {
    const read = await createKey(server, { kind: 'restricted', permission: 'Read' });
    const denied = await uploadSigned(signed(read));
    assert.equal(denied.status, 403);
    const writer = await createKey(server, { kind: 'restricted', permission: 'ReadWrite' });
    await server.api(`/_ml/keys/${writer.publicKey}/roll`, {
      method: 'POST',
      json: { expireOldKeyIn: 'immediately' },
    });
    const stale = await uploadSigned(signed(writer));
    assert.equal(stale.status, 403);
  });

  it('stages nothing for refused uploads (the form arrives before the verdict)', async () => {
    const form = uploadForm({ file: { bytes: await png(), name: 'x.png' }, fields: { fileName: 'x.png' } });
    const response = await fetch(`${server.url}/api/v1/files/upload`, { method: 'POST', body: form });
    assert.equal(response.status, 401);
  });
});

describe('rate limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ rateLimit: { limit: 3, intervalMs: 60_000 } });
  });
  after(() => server.close());

  it('counts per key and group, answers 429 with ImageKit’s headers, and never limits upload', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await server.api('/v1/files');
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-ratelimit-limit'), '3');
      assert.equal(ok.headers.get('x-ratelimit-interval'), '60000');
    }
    const limited = await server.api('/v1/files');
    assert.equal(limited.status, 429);
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    assert.ok(reset > 0 && reset <= 60_000);
    assert.equal(limited.headers.get('retry-after-ms'), String(reset));
    assert.equal(limited.headers.get('x-should-retry'), null, 'clients may retry a 429');
    assert.match((await limited.json()).message, /Too many requests/);
    assert.equal(
      (await server.api('/v1/customMetadataFields')).status,
      200,
      'another group has its own budget',
    );
    for (let i = 0; i < 5; i++) {
      const response = await upload(server, {
        file: { bytes: await png(), name: 'r.png' },
        fields: { fileName: 'r.png' },
      });
      assert.equal(response.status, 200);
    }
  });
});
