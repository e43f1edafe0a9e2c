import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { signUpload } from '../../src/server/auth/authenticate.js';
import type { Scope } from '../../src/shared/session-token.js';
import { jpeg, png, uploadForm, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Pair {
  publicKey: string;
  privateKey: string;
}

interface Listed {
  type: string;
  filePath?: string;
  folderPath?: string;
  name: string;
}

const brandRead: Scope = { folder: '/brand/', access: 'read' };
const brandWrite: Scope = { folder: '/brand/', access: 'readwrite' };

/** Calls the server with a session token instead of a key. */
function asSession(
  server: TestServer,
  token: string,
  path: string,
  init: RequestInit & { json?: unknown } = {},
) {
  return server.api(path, { ...init, key: null, headers: { ...bearer(token), ...(init.headers ?? {}) } });
}

function uploadAs(server: TestServer, token: string, fields: Record<string, string>, bytes: Buffer) {
  return fetch(`${server.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: bearer(token),
    body: uploadForm({ file: { bytes, name: fields.fileName ?? 'f' }, fields }),
  });
}

async function createKey(server: TestServer, json: Record<string, unknown>): Promise<Pair> {
  const response = await server.api('/_ml/keys', { method: 'POST', json });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

/** What the standard key sees at `path`: the truth a refused session call must not have changed. */
async function filePathsIn(server: TestServer, path: string): Promise<string[]> {
  const listed: Listed[] = await (await server.api(`/v1/files?path=${encodeURIComponent(path)}`)).json();
  return listed.map((item) => item.filePath!).sort();
}

describe('session tokens on the management API', () => {
  let server: TestServer;
  let brandFile: { fileId: string; filePath: string };
  let deepFile: { fileId: string; filePath: string };
  let privateFile: { fileId: string; filePath: string };
  let lookalikeFile: { fileId: string; filePath: string };

  before(async () => {
    server = await startTestServer();
    brandFile = await uploadPng(server, {
      folder: '/brand',
      fileName: 'logo.png',
      useUniqueFileName: 'false',
    });
    deepFile = await uploadPng(server, { folder: '/brand/2026/q1', fileName: 'deep.png' });
    privateFile = await uploadPng(server, {
      folder: '/private',
      fileName: 'secret.png',
      useUniqueFileName: 'false',
    });
    lookalikeFile = await uploadPng(server, { folder: '/brand-archive', fileName: 'old.png' });
    await uploadPng(server, { fileName: 'root.png', useUniqueFileName: 'false' });
  });
  after(() => server.close());

  it('lists only what lies inside the session’s folder, at any depth', async () => {
    const token = await sessionToken(brandRead);
    const everything: Listed[] = await (await asSession(server, token, '/v1/files?type=all')).json();
    const paths = everything.map((item) => item.filePath ?? item.folderPath!);
    assert.ok(paths.length > 0, 'the session sees something');
    for (const path of paths) assert.match(path, /^\/brand(\/|$)/, path);
    assert.ok(paths.includes(brandFile.filePath), 'a file in /brand/');
    assert.ok(paths.includes(deepFile.filePath), 'a file deeper in /brand/');
    assert.ok(!paths.includes(lookalikeFile.filePath), '/brand-archive/ is not inside /brand/');

    const root: Listed[] = await (await asSession(server, token, '/v1/files?path=/&type=all')).json();
    assert.deepEqual(
      root.map((item) => item.folderPath ?? item.filePath),
      ['/brand'],
      'at the root a /brand/ session sees its own folder and nothing else',
    );
    for (const path of ['/private/', '/brand-archive/', '/']) {
      const files: Listed[] = await (await asSession(server, token, `/v1/files?path=${path}`)).json();
      assert.deepEqual(files, [], path);
    }
  });

  it('treats a file outside the folder as one that does not exist', async () => {
    const token = await sessionToken(brandWrite);
    const calls = (fileId: string) => [
      asSession(server, token, `/v1/files/${fileId}/details`),
      asSession(server, token, `/v1/files/${fileId}/metadata`),
      asSession(server, token, `/v1/files/${fileId}/details`, {
        method: 'PATCH',
        json: { tags: ['stolen'] },
      }),
      asSession(server, token, `/v1/files/${fileId}`, { method: 'DELETE' }),
    ];
    for (const response of await Promise.all(calls(privateFile.fileId))) {
      assert.equal(response.status, 404);
      assert.equal((await response.json()).message, 'The requested file does not exist.');
    }
    const byUrl = await asSession(
      server,
      token,
      `/v1/metadata?url=${encodeURIComponent(`${server.url}/private/secret.png`)}`,
    );
    assert.equal(byUrl.status, 404);
    const untouched = await (await server.api(`/v1/files/${privateFile.fileId}/details`)).json();
    assert.equal(untouched.tags, null, 'the refused PATCH changed nothing');

    const inside = await asSession(server, token, `/v1/files/${deepFile.fileId}/details`);
    assert.equal(inside.status, 200);
    assert.equal((await inside.json()).filePath, deepFile.filePath);
    const metadata = await asSession(server, token, `/v1/files/${brandFile.fileId}/metadata`);
    assert.equal((await metadata.json()).width, 40);
  });

  it('uploads only into its folder tree', async () => {
    const token = await sessionToken(brandWrite);
    const inside = await uploadAs(server, token, { fileName: 'new.png', folder: '/brand/new' }, await png());
    assert.equal(inside.status, 200, await inside.clone().text());
    assert.match((await inside.json()).filePath, /^\/brand\/new\/new_.+\.png$/);

    const before = await filePathsIn(server, '/private/');
    for (const folder of ['/private', '/', '', '/brand-archive', '//private//']) {
      const response = await uploadAs(server, token, { fileName: 'in.png', folder }, await png());
      assert.equal(response.status, 403, `folder ${JSON.stringify(folder)}`);
      const body = await response.json();
      assert.equal(body.reason, 'OUTSIDE_SESSION_SCOPE');
      assert.match(body.message, /only work inside \/brand\//);
    }
    const climb = await uploadAs(
      server,
      token,
      { fileName: 'in.png', folder: '/brand/../private' },
      await png(),
    );
    assert.equal(climb.status, 400, 'a .. segment is refused before any scope check');
    assert.deepEqual(await filePathsIn(server, '/private/'), before);
    assert.deepEqual(await filePathsIn(server, '/'), ['/root.png']);
  });

  it('creates and deletes folders only inside its folder', async () => {
    const token = await sessionToken(brandWrite);
    const create = (folderName: string, parentFolderPath: string) =>
      asSession(server, token, '/v1/folder', { method: 'POST', json: { folderName, parentFolderPath } });
    assert.equal((await create('campaign', '/brand')).status, 201);
    for (const [name, parent] of [
      ['x', '/private'],
      ['brand', '/'],
      ['private', '/'],
    ] as const) {
      const response = await create(name, parent);
      assert.equal(response.status, name === 'brand' ? 201 : 403, `${parent} ${name}`);
    }
    const deletePrivate = await asSession(server, token, '/v1/folder', {
      method: 'DELETE',
      json: { folderPath: '/private' },
    });
    assert.equal(deletePrivate.status, 404);
    assert.deepEqual(await filePathsIn(server, '/private/'), [privateFile.filePath]);
    const deleteOwn = await asSession(server, token, '/v1/folder', {
      method: 'DELETE',
      json: { folderPath: '/brand/campaign' },
    });
    assert.equal(deleteOwn.status, 204);
  });

  it('a read session cannot change anything', async () => {
    const token = await sessionToken(brandRead);
    const attempts = [
      await asSession(server, token, `/v1/files/${brandFile.fileId}/details`, {
        method: 'PATCH',
        json: { tags: ['x'] },
      }),
      await asSession(server, token, `/v1/files/${brandFile.fileId}`, { method: 'DELETE' }),
      await asSession(server, token, '/v1/folder', {
        method: 'POST',
        json: { folderName: 'ro', parentFolderPath: '/brand' },
      }),
      await asSession(server, token, '/v1/folder', { method: 'DELETE', json: { folderPath: '/brand/2026' } }),
      await uploadAs(server, token, { fileName: 'ro.png', folder: '/brand' }, await png()),
    ];
    for (const response of attempts) {
      assert.equal(response.status, 403);
      assert.match((await response.json()).message, /This session is read-only/);
    }
    assert.equal((await server.api(`/v1/files/${brandFile.fileId}/details`)).status, 200, 'still there');
  });

  it('may read custom metadata fields but not manage them, keys or account usage', async () => {
    const token = await sessionToken({ folder: '/', access: 'readwrite' });
    assert.equal((await asSession(server, token, '/v1/customMetadataFields')).status, 200);
    const refused = [
      await asSession(server, token, '/v1/customMetadataFields', {
        method: 'POST',
        json: { name: 'sessionField', label: 'Session field', schema: { type: 'Text' } },
      }),
      await asSession(server, token, '/_ml/keys'),
      await asSession(server, token, '/_ml/keys', { method: 'POST', json: { kind: 'standard' } }),
      await asSession(server, token, `/_ml/keys/${testKeys.publicKey}/roll`, { method: 'POST', json: {} }),
      await asSession(server, token, '/v1/accounts/usage?startDate=2026-01-01&endDate=2026-01-02'),
    ];
    for (const response of refused) {
      assert.equal(response.status, 403);
      assert.match((await response.json()).message, /Session tokens cannot call this API/);
    }
    const fields = await (await server.api('/v1/customMetadataFields')).json();
    assert.deepEqual(fields, [], 'no field was created');
  });

  it('can do no more than the key pair that signed it', async () => {
    const reader = await createKey(server, { kind: 'restricted', permission: 'Read' });
    const token = await sessionToken({ folder: '/', access: 'readwrite' }, { pair: reader });
    assert.equal((await asSession(server, token, '/v1/files')).status, 200);
    const write = await uploadAs(server, token, { fileName: 'r.png' }, await png());
    assert.equal(write.status, 403);
    const none = await createKey(server, { kind: 'restricted', permission: 'None' });
    assert.equal(
      (await asSession(server, await sessionToken(brandRead, { pair: none }), '/v1/files')).status,
      403,
    );
  });
});

describe('session token validity', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const listWith = (token: string) => asSession(server, token, '/v1/files');
  const expectRefused = async (response: Response, pattern: RegExp) => {
    assert.equal(response.status, 401);
    const body = await response.json();
    assert.match(body.message, pattern);
    assert.equal(response.headers.get('www-authenticate'), null);
    return body;
  };

  it('refuses an expired token, saying when it expired', async () => {
    const token = await sessionToken(brandRead, { ttlSeconds: 60, now: Date.now() - 120_000 });
    const body = await expectRefused(await listWith(token), /session token expired at \d{4}-\d\d-\d\dT/);
    assert.equal(body.reason, 'SESSION_EXPIRED');
  });

  it('refuses a tampered token: a widened scope, another kid, alg none, garbage', async () => {
    const token = await sessionToken(brandRead);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.scope = { folder: '/', access: 'readwrite' };
    const widened = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expectRefused(await listWith(widened), /signature is not valid/);

    const other = await createKey(server, { kind: 'standard' });
    const otherHeader = Buffer.from(
      JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: other.publicKey }),
    ).toString('base64url');
    await expectRefused(await listWith(`${otherHeader}.${payload}.${signature}`), /signature is not valid/);

    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: testKeys.publicKey })).toString(
      'base64url',
    );
    await expectRefused(await listWith(`${none}.${payload}.`), /not an HS256 JWT/);
    for (const garbage of ['abc', 'a.b.c', `${header}.${payload}`, `${header}.${payload}.${signature}x!`]) {
      await expectRefused(await listWith(garbage), /session token/);
    }
  });

  it('is useless against another key pair or another server', async () => {
    const other = await startTestServer({
      initialKeys: { publicKey: 'public_other_server', privateKey: 'private_other_server' },
    });
    try {
      const foreign = await sessionToken(brandRead, {
        pair: { publicKey: 'public_other_server', privateKey: 'private_other_server' },
      });
      assert.equal((await asSession(other, foreign, '/v1/files')).status, 200, 'fine where it was minted');
      await expectRefused(await listWith(foreign), /key pair that signed this session token does not exist/);
      const mine = await sessionToken(brandRead);
      await expectRefused(await asSession(other, mine, '/v1/files'), /does not exist/);
    } finally {
      await other.close();
    }
    const pairB = await createKey(server, { kind: 'standard' });
    const signedWithB = await sessionToken(brandRead, {
      pair: { publicKey: testKeys.publicKey, privateKey: pairB.privateKey },
    });
    await expectRefused(await listWith(signedWithB), /signature is not valid/);
  });

  it('refuses sessions longer than a day and scopes it cannot enforce', async () => {
    const long = await sessionToken(brandRead, { ttlSeconds: 86_400 });
    assert.equal((await listWith(long)).status, 200);
    const [header, payload] = long.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const resign = async (changed: Record<string, unknown>) => {
      const { createHmac } = await import('node:crypto');
      const body = `${header}.${Buffer.from(JSON.stringify({ ...claims, ...changed })).toString('base64url')}`;
      return `${body}.${createHmac('sha256', testKeys.privateKey).update(body).digest('base64url')}`;
    };
    assert.equal((await listWith(await resign({}))).status, 200, 'our re-signing matches the format');
    await expectRefused(await listWith(await resign({ exp: claims.iat + 86_401 })), /from 1 second to 86400/);
    await expectRefused(
      await listWith(await resign({ scope: { ...brandRead, tags: ['x'] } })),
      /scope has unknown field tags/,
    );
    await expectRefused(
      await listWith(await resign({ scope: { folder: 'brand', access: 'read' } })),
      /scope.folder/,
    );
    await expectRefused(
      await listWith(await resign({ scope: { folder: '/a/../b/', access: 'read' } })),
      /\.\./,
    );
    await expectRefused(
      await listWith(await resign({ scope: { folder: '/', access: 'admin' } })),
      /scope.access/,
    );
  });

  it('survives a roll with a grace period; rolling immediately or deleting the pair ends it', async () => {
    const pair = await createKey(server, { kind: 'restricted', permission: 'ReadWrite' });
    const token = await sessionToken(brandRead, { pair });
    assert.equal((await listWith(token)).status, 200);
    const rolled = await (
      await server.api(`/_ml/keys/${pair.publicKey}/roll`, { method: 'POST', json: { expireOldKeyIn: '1h' } })
    ).json();
    assert.equal((await listWith(token)).status, 200, 'the old key is in its grace hour');
    const fresh = await sessionToken(brandRead, {
      pair: { publicKey: pair.publicKey, privateKey: rolled.privateKey },
    });
    assert.equal((await listWith(fresh)).status, 200);

    await server.api(`/_ml/keys/${pair.publicKey}/roll`, {
      method: 'POST',
      json: { expireOldKeyIn: 'immediately' },
    });
    await expectRefused(await listWith(token), /signature is not valid/);
    await expectRefused(await listWith(fresh), /signature is not valid/);

    const survivor = await createKey(server, { kind: 'restricted', permission: 'Read' });
    const doomed = await sessionToken(brandRead, { pair: survivor });
    assert.equal((await server.api(`/_ml/keys/${survivor.publicKey}`, { method: 'DELETE' })).status, 204);
    await expectRefused(await listWith(doomed), /does not exist/);
  });

  it('refuses a session together with signature fields on upload', async () => {
    const token = await sessionToken(brandWrite);
    const uploadToken = randomUUID();
    const expire = String(Math.floor(Date.now() / 1000) + 600);
    const response = await uploadAs(
      server,
      token,
      {
        fileName: 'both.png',
        folder: '/brand',
        publicKey: testKeys.publicKey,
        token: uploadToken,
        expire,
        signature: signUpload(testKeys.privateKey, uploadToken, expire),
      },
      await png(),
    );
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /both a session token and signature parameters/);
  });

  it('refuses a bad session on upload before reading the file', async () => {
    const token = await sessionToken(brandWrite, { ttlSeconds: 60, now: Date.now() - 120_000 });
    const big = Buffer.alloc(20 * 1024 * 1024, 1);
    const response = await uploadAs(server, token, { fileName: 'big.bin', folder: '/brand' }, big);
    await expectRefused(response, /expired/);
  });
});

describe('session upload limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('refuses a file above maxFileSize, naming the session’s limit', async () => {
    const small = await png();
    const token = await sessionToken({ ...brandWrite, maxFileSize: small.length });
    assert.equal(
      (await uploadAs(server, token, { fileName: 'ok.png', folder: '/brand' }, small)).status,
      200,
    );
    const large = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const binary = await uploadAs(server, token, { fileName: 'big.png', folder: '/brand' }, large);
    assert.equal(binary.status, 400);
    const body = await binary.json();
    assert.equal(body.reason, 'FILE_TOO_LARGE');
    assert.match(body.message, new RegExp(`at most ${small.length} bytes`));
    const base64 = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: bearer(token),
      body: uploadForm({ file: large.toString('base64'), fields: { fileName: 'b64.png', folder: '/brand' } }),
    });
    assert.equal(base64.status, 400);
    const stored = await filePathsIn(server, '/brand/');
    assert.equal(stored.length, 1, 'only the small file was stored');
    assert.match(stored[0]!, /^\/brand\/ok_.+\.png$/);
  });

  it('accepts only the MIME types in accept, judged from the bytes', async () => {
    const images = await sessionToken({ ...brandWrite, accept: ['image/*'] });
    assert.equal(
      (await uploadAs(server, images, { fileName: 'a.jpg', folder: '/brand' }, await jpeg())).status,
      200,
    );
    const text = await uploadAs(
      server,
      images,
      { fileName: 'notes.txt', folder: '/brand' },
      Buffer.from('hello'),
    );
    assert.equal(text.status, 400);
    const body = await text.json();
    assert.equal(body.reason, 'FILE_TYPE_NOT_ACCEPTED');
    assert.match(body.message, /accepts only image\/\* files, and this file is text\/plain/);

    const pngOnly = await sessionToken({ ...brandWrite, accept: ['image/png'] });
    const disguised = await uploadAs(
      server,
      pngOnly,
      { fileName: 'looks.png', folder: '/brand' },
      await jpeg(),
    );
    assert.equal(disguised.status, 400, 'a JPEG named .png is still a JPEG');
    assert.match((await disguised.json()).message, /this file is image\/jpeg/);
    assert.equal(
      (await uploadAs(server, pngOnly, { fileName: 'real.png', folder: '/brand' }, await png())).status,
      200,
    );
  });
});

describe('session rate limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ rateLimit: { limit: 3, intervalMs: 60_000 } });
  });
  after(() => server.close());

  it('counts sessions against their key pair, together with the key itself', async () => {
    const token = await sessionToken(brandRead);
    assert.equal((await server.api('/v1/files')).status, 200);
    assert.equal((await asSession(server, token, '/v1/files')).status, 200);
    assert.equal((await asSession(server, await sessionToken(brandWrite), '/v1/files')).status, 200);
    const limited = await asSession(server, token, '/v1/files');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('x-ratelimit-limit'), '3');
  });
});
