import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  allOf,
  anyOf,
  basicAuth,
  condition,
  isAbortError,
  MediaApiError,
  MediaClient,
  quote,
  SessionAuthorizer,
} from '../../src/client/index.js';
import { createTokenEndpoint } from '../../src/token-endpoint/index.js';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

describe('MediaClient against the real server', () => {
  let server: TestServer;
  let client: MediaClient;

  before(async () => {
    server = await startTestServer();
    client = new MediaClient({ endpoint: server.url, auth: basicAuth(testKeys.privateKey) });
    await uploadPng(server, { folder: '/a', fileName: 'one.png', tags: 'plain', useUniqueFileName: 'false' });
    await uploadPng(server, {
      folder: '/a',
      fileName: 'two.png',
      tags: 'he said "hi" \\ there',
      useUniqueFileName: 'false',
    });
  });
  after(() => server.close());

  it('lists a folder, folders and files, as ImageKit shapes them', async () => {
    const assets = await client.listAssets({ path: '/', type: 'all' });
    assert.deepEqual(
      assets.map((a) => (a.type === 'folder' ? a.folderPath : a.filePath)),
      ['/a'],
    );
    const files = await client.listAssets({ path: '/a', sort: 'ASC_NAME' });
    assert.deepEqual(
      files.map((f) => f.name),
      ['one.png', 'two.png'],
    );
  });

  it('writes queries that find values with quotes and backslashes', async () => {
    const query = allOf(
      condition('tags', 'IN', ['he said "hi" \\ there']),
      anyOf(condition('name', ':', 'two'), condition('size', '>', '1mb')),
    );
    assert.equal(query, 'tags IN ["he said \\"hi\\" \\\\ there"] AND (name : "two" OR size > "1mb")');
    const found = await client.listAssets({ searchQuery: query });
    assert.deepEqual(
      found.map((f) => f.name),
      ['two.png'],
    );
    assert.equal(quote('a"b'), '"a\\"b"');
    assert.equal(condition('customMetadata.price', '>=', 10), '"customMetadata.price" >= 10');
  });

  it('throws the server error as a value, with the position of a bad query', async () => {
    const error = await client.listAssets({ searchQuery: 'size >' }).catch((e: unknown) => e);
    assert.ok(error instanceof MediaApiError);
    assert.equal(error.status, 400);
    assert.equal(error.source, 'api');
    assert.equal(error.isQueryError, true);
    assert.equal(error.queryPosition, 7);
    assert.ok(error.requestId);
    assert.ok(error.help);
  });

  it('answers 404s as MediaApiError with the reason', async () => {
    const error = await client.getFileDetails('000000000000000000000000').catch((e: unknown) => e);
    assert.ok(error instanceof MediaApiError);
    assert.equal(error.status, 404);
  });

  it('says when the server cannot be reached', async () => {
    const offline = new MediaClient({ endpoint: 'http://127.0.0.1:9', auth: basicAuth('x') });
    const error = await offline.listAssets().catch((e: unknown) => e);
    assert.ok(error instanceof MediaApiError);
    assert.equal(error.source, 'network');
    assert.equal(error.status, 0);
  });

  it('lets a call be aborted', async () => {
    const controller = new AbortController();
    const pending = client.listAssets({ path: '/a' }, { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    assert.ok(isAbortError(error), String(error));
  });

  it('creates folders and reads custom metadata fields', async () => {
    await client.createFolder({ folderName: 'made', parentFolderPath: '/a' });
    const folders = await client.listAssets({ path: '/a', type: 'folder' });
    assert.deepEqual(
      folders.map((f) => f.name),
      ['made'],
    );
    assert.deepEqual(await client.listCustomMetadataFields(), []);
  });
});

describe('SessionAuthorizer', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await uploadPng(server, { folder: '/brand', fileName: 'logo.png', useUniqueFileName: 'false' });
    await uploadPng(server, { folder: '/other', fileName: 'secret.png', useUniqueFileName: 'false' });
  });
  after(() => server.close());

  const endpointFor = (ttlSeconds: number) =>
    createTokenEndpoint({
      ...testKeys,
      endpoint: server.url,
      ttlSeconds,
      authorize: () => ({ allow: true, scope: { folder: '/brand' } }),
    });

  it('gets a session from the token endpoint and uses its endpoint and scope', async () => {
    const endpoint = endpointFor(600);
    const requests: string[] = [];
    const auth = new SessionAuthorizer({
      fetchAuth: (path, init) => {
        requests.push(String(init.body));
        return endpoint(new Request(`http://host/media/${path}`, init));
      },
      request: { access: 'read' },
    });
    const client = new MediaClient({ auth });
    const [a, b] = await Promise.all([
      client.listAssets({ path: '/', type: 'all' }),
      client.listAssets({ path: '/brand' }),
    ]);
    assert.equal(requests.length, 1, 'concurrent calls share one session request');
    assert.deepEqual(JSON.parse(requests[0]!), { access: 'read' });
    assert.deepEqual(
      b.map((f) => f.name),
      ['logo.png'],
    );
    assert.ok(!a.some((asset) => asset.name === 'other'), 'the scope hides /other');
    assert.equal((await auth.session()).scope.access, 'read');
  });

  it('renews before the session expires', async () => {
    const endpoint = endpointFor(100);
    let now = Date.now();
    let calls = 0;
    const auth = new SessionAuthorizer({
      fetchAuth: (path, init) => {
        calls++;
        return endpoint(new Request(`http://host/${path}`, init));
      },
      now: () => now,
    });
    await auth.authorization();
    now += 60_000;
    await auth.authorization();
    assert.equal(calls, 1, 'still fresh after 60 of 100 seconds');
    now += 25_000;
    await auth.authorization();
    assert.equal(calls, 2, 'renewed with 15 of 100 seconds left');
  });

  it('keeps the current token while a renewal is under way, and uses the new one once it is there', async () => {
    const endpoint = endpointFor(100);
    let now = Date.now();
    let release: (() => void) | undefined;
    let calls = 0;
    const auth = new SessionAuthorizer({
      fetchAuth: async (path, init) => {
        calls++;
        // The renewal answers only when released: calls meanwhile must not wait for it.
        if (calls === 2) await new Promise<void>((resolve) => (release = resolve));
        return endpoint(new Request(`http://host/${path}`, init));
      },
      now: () => now,
    });
    const first = await auth.authorization();
    now += 75_000;
    const waited = new Promise((resolve) => setTimeout(() => resolve('waited for the renewal'), 5000));
    const during = await Promise.race([auth.authorization(), waited]);
    assert.equal(during, first, 'the current token, with 25 of 100 seconds left, while renewing');
    assert.equal(calls, 2, 'the renewal started');
    assert.equal(await auth.authorization(), first, 'no second renewal while one is under way');
    assert.equal(calls, 2);
    release?.();
    let renewed = first;
    for (let i = 0; i < 500 && renewed === first; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      renewed = await auth.authorization();
    }
    assert.notEqual(renewed, first, 'the renewed token, once it came');
    assert.equal(calls, 2);
  });

  it('waits for the renewal once the token is too close to its expiry', async () => {
    const endpoint = endpointFor(100);
    let now = Date.now();
    const auth = new SessionAuthorizer({
      fetchAuth: (path, init) => endpoint(new Request(`http://host/${path}`, init)),
      now: () => now,
    });
    const first = await auth.authorization();
    now += 90_000;
    assert.notEqual(await auth.authorization(), first, '10 of 100 seconds left: a new token');
  });

  it('gets a new session after a 401 and retries the call once', async () => {
    const endpoint = endpointFor(600);
    let calls = 0;
    const auth = new SessionAuthorizer({
      fetchAuth: async (path, init) => {
        calls++;
        if (calls === 1) {
          const expiresAt = new Date(Date.now() + 600_000).toISOString();
          return Response.json({
            token: 'forged',
            expiresAt,
            scope: { folder: '/', access: 'read' },
            endpoint: server.url,
          });
        }
        return endpoint(new Request(`http://host/${path}`, init));
      },
    });
    const files = await new MediaClient({ auth }).listAssets({ path: '/brand' });
    assert.equal(calls, 2);
    assert.deepEqual(
      files.map((f) => f.name),
      ['logo.png'],
    );
  });

  it('retries calls refused together with one new session, not one each and not a failure', async () => {
    const endpoint = endpointFor(600);
    let calls = 0;
    const auth = new SessionAuthorizer({
      fetchAuth: async (path, init) => {
        calls++;
        if (calls === 1) {
          const expiresAt = new Date(Date.now() + 600_000).toISOString();
          return Response.json({
            token: 'forged',
            expiresAt,
            scope: { folder: '/', access: 'read' },
            endpoint: server.url,
          });
        }
        return endpoint(new Request(`http://host/${path}`, init));
      },
    });
    const client = new MediaClient({ auth });
    await auth.authorization();
    // A page and a count sent at once with the refused token: both come back with files.
    const pages = await Promise.all([0, 1, 2].map(() => client.listAssets({ path: '/brand' })));
    assert.equal(calls, 2);
    for (const files of pages)
      assert.deepEqual(
        files.map((f) => f.name),
        ['logo.png'],
      );
  });

  it('reports a refused session as a session error', async () => {
    const auth = new SessionAuthorizer({
      fetchAuth: async () => Response.json({ message: 'Sign in first.' }, { status: 403 }),
    });
    const error = await new MediaClient({ auth }).listAssets().catch((e: unknown) => e);
    assert.ok(error instanceof MediaApiError);
    assert.equal(error.source, 'session');
    assert.equal(error.status, 403);
    assert.equal(error.message, 'Sign in first.');
    assert.equal(error.isAuthError, true);
  });
});

describe('rate limits', () => {
  it('waits as a 429 says and retries', async () => {
    const server = await startTestServer({ rateLimit: { limit: 2, intervalMs: 400 } });
    try {
      const client = new MediaClient({ endpoint: server.url, auth: basicAuth(testKeys.privateKey) });
      const started = Date.now();
      for (let i = 0; i < 3; i++) await client.listAssets({ path: '/' });
      assert.ok(Date.now() - started >= 100, 'the third call waited for the window');
    } finally {
      await server.close();
    }
  });
});
