import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signUpload } from '../../src/server/auth/authenticate.js';
import { decodeSessionToken, verifySessionToken } from '../../src/shared/session-token.js';
import {
  type AuthorizeResult,
  createTokenEndpoint,
  signUploadParams,
  type TokenEndpointOptions,
} from '../../src/token-endpoint/index.js';

const keys = { publicKey: 'public_handler_test', privateKey: 'private_handler_secret_123' };
const media = 'https://media.example';

function endpointWith(overrides: Partial<TokenEndpointOptions> = {}) {
  return createTokenEndpoint({
    ...keys,
    endpoint: media,
    authorize: () => ({ allow: true, sub: 'user-7' }),
    ...overrides,
  });
}

function call(handler: (request: Request) => Promise<Response>, path: string, init: RequestInit = {}) {
  return handler(new Request(`https://cms.example${path}`, init));
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('upload-auth', () => {
  it('answers ImageKit’s {token, expire, signature} and the public key, fresh each call', async () => {
    const handler = endpointWith();
    const seen = new Set<string>();
    for (const init of [{}, { method: 'POST' }, postJson({})]) {
      const response = await call(handler, '/media/upload-auth?t=0.123', init);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = await response.json();
      assert.deepEqual(Object.keys(body).sort(), ['expire', 'publicKey', 'signature', 'token']);
      assert.equal(body.publicKey, keys.publicKey);
      assert.equal(body.signature, signUpload(keys.privateKey, body.token, body.expire));
      const ahead = body.expire - Date.now() / 1000;
      assert.ok(ahead > 1700 && ahead <= 1800, `expire is 30 minutes ahead, was ${ahead}`);
      assert.ok(!seen.has(body.token), 'a fresh token every call');
      seen.add(body.token);
    }
  });

  it('signUploadParams matches ImageKit’s worked example', async () => {
    const params = await signUploadParams({
      privateKey: 'private_test_key',
      publicKey: 'public_test_key',
      token: 'tok123',
      expire: 1700000000,
      now: 1699999000_000,
    });
    assert.deepEqual(params, {
      token: 'tok123',
      expire: 1700000000,
      signature: 'be83dac72b1126d57f9f615941dba27d6b7b63dc',
      publicKey: 'public_test_key',
    });
    await assert.rejects(
      signUploadParams({ ...keys, expire: Math.floor(Date.now() / 1000) + 7200 }),
      /less than an hour ahead/,
    );
  });

  it('uses a plain token for an unrestricted scope and a scoped session token otherwise', async () => {
    const plain = await (await call(endpointWith(), '/upload-auth')).json();
    assert.match(plain.token, /^[0-9a-f-]{36}$/);
    const scoped = await (
      await call(
        endpointWith({ authorize: () => ({ allow: true, scope: { folder: '/brand' } }) }),
        '/upload-auth',
      )
    ).json();
    const claims = await verifySessionToken(scoped.token, keys);
    assert.deepEqual(claims.scope, { folder: '/brand/', access: 'readwrite' });
    assert.equal(claims.exp, scoped.expire, 'the scope lasts exactly as long as the signature');
  });

  it('refuses a read-only user', async () => {
    const handler = endpointWith({ scope: { access: 'read' } });
    const response = await call(handler, '/upload-auth');
    assert.equal(response.status, 403);
    assert.match((await response.json()).message, /read-only, so you cannot upload/);
  });
});

describe('session', () => {
  it('answers {token, expiresAt, scope, endpoint} with a JWT signed by the private key', async () => {
    const handler = endpointWith({ scope: { maxFileSize: 5_000_000, accept: ['image/*'] } });
    const before = Math.floor(Date.now() / 1000);
    const response = await call(handler, '/cms/media/session', { method: 'POST' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ['endpoint', 'expiresAt', 'scope', 'token']);
    assert.equal(body.endpoint, media);
    assert.deepEqual(body.scope, {
      folder: '/',
      access: 'readwrite',
      maxFileSize: 5_000_000,
      accept: ['image/*'],
    });
    const { header } = decodeSessionToken(body.token);
    assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid: keys.publicKey });
    const claims = await verifySessionToken(body.token, keys);
    assert.deepEqual(claims.scope, body.scope);
    assert.equal(claims.sub, 'user-7');
    assert.ok(claims.iat >= before, 'issued now');
    assert.equal(claims.exp - claims.iat, 600, 'ten minutes by default');
    assert.equal(Date.parse(body.expiresAt), claims.exp * 1000);
    assert.match(claims.jti, /^[A-Za-z0-9_-]{22}$/);
    await assert.rejects(
      verifySessionToken(body.token, { privateKey: 'private_other' }),
      /signature is not valid/,
    );
  });

  it('takes the scope from authorize over the defaults, and the lifetime from ttlSeconds', async () => {
    const handler = endpointWith({
      scope: { folder: '/site', access: 'read' },
      ttlSeconds: 120,
      authorize: (request) => ({
        allow: true,
        scope:
          request.headers.get('x-role') === 'editor' ? { folder: '/site/brand', access: 'readwrite' } : {},
      }),
    });
    const viewer = await (await call(handler, '/session', { method: 'POST' })).json();
    assert.deepEqual(viewer.scope, { folder: '/site/', access: 'read' });
    const editor = await (
      await call(handler, '/session', { method: 'POST', headers: { 'x-role': 'editor' } })
    ).json();
    assert.deepEqual(editor.scope, { folder: '/site/brand/', access: 'readwrite' });
    const claims = await verifySessionToken(editor.token, keys);
    assert.equal(claims.exp - claims.iat, 120);
  });

  it('lets the browser ask for less (a subfolder, read only), never more', async () => {
    const handler = endpointWith({ scope: { folder: '/brand/' } });
    const narrowed = await (
      await call(handler, '/session', postJson({ folder: '/brand/logos', access: 'read' }))
    ).json();
    assert.deepEqual(narrowed.scope, { folder: '/brand/logos/', access: 'read' });
    for (const [body, status, pattern] of [
      [{ folder: '/private' }, 403, /only open sessions inside \/brand\//],
      [{ folder: '/brand-archive' }, 403, /only open sessions inside/],
      [{ folder: '/brand/../private' }, 400, /\.\./],
      [{ folder: 'brand' }, 400, /starting with \//],
      [{ access: 'admin' }, 400, /access must be/],
      [{ scope: { folder: '/' } }, 400, /Unknown field scope/],
    ] as const) {
      const response = await call(handler, '/session', postJson(body));
      assert.equal(response.status, status, JSON.stringify(body));
      assert.match((await response.json()).message, pattern);
    }
    const reader = endpointWith({ scope: { access: 'read' } });
    const widen = await call(reader, '/session', postJson({ access: 'readwrite' }));
    assert.equal(widen.status, 403);
  });

  it('answers 400 on malformed bodies and 413 on huge ones', async () => {
    const handler = endpointWith();
    for (const body of ['{', 'null', '[]', '"text"', '42', 'folder=/x']) {
      const response = await call(handler, '/session', postJson(body));
      assert.equal(response.status, 400, body);
      assert.match((await response.json()).message, /JSON/);
    }
    const huge = await call(handler, '/session', postJson({ folder: `/${'a'.repeat(70_000)}` }));
    assert.equal(huge.status, 413);
    const bad = await call(handler, '/upload-auth', postJson('{'));
    assert.equal(bad.status, 400);
  });

  it('hands out `<mount>/api` as the endpoint in proxy mode', async () => {
    const handler = createTokenEndpoint({ ...keys, proxy: true, authorize: () => ({ allow: true }) });
    const body = await (await call(handler, '/api/media/session', { method: 'POST' })).json();
    assert.equal(body.endpoint, 'https://cms.example/api/media/api');
    const upload = await (await call(handler, '/api/media/upload-auth')).json();
    assert.match(upload.token, /^[0-9a-f-]{36}$/, 'ImageKit gets a plain upload token');
  });
});

describe('authorize, methods and routing', () => {
  it('gives no token when authorize denies (403) or fails (500, details only in the log)', async () => {
    let denied: Request | undefined;
    const deny = endpointWith({
      authorize: (request) => {
        denied = request;
        return { allow: false };
      },
    });
    for (const [path, init] of [
      ['/upload-auth', {}],
      ['/session', { method: 'POST', headers: { cookie: 'sid=abc' } }],
    ] as const) {
      const response = await call(deny, path, init);
      assert.equal(response.status, 403);
      assert.deepEqual(await response.json(), { message: 'You are not allowed to use the media library.' });
    }
    assert.equal(denied?.headers.get('cookie'), 'sid=abc', 'authorize sees the request as sent');

    const logged: unknown[] = [];
    const failing = endpointWith({
      authorize: () => {
        throw new Error(`database down; key ${keys.privateKey}`);
      },
      onError: (error) => logged.push(error),
    });
    const response = await call(failing, '/session', { method: 'POST' });
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.ok(!text.includes(keys.privateKey), 'the error’s text stays in the log');
    assert.match(text, /could not check whether you may use the media library/);
    assert.equal(logged.length, 1);

    const sloppy = endpointWith({
      authorize: () => undefined as unknown as AuthorizeResult,
      onError: () => {},
    });
    assert.equal((await call(sloppy, '/session', { method: 'POST' })).status, 500);
    const truthy = endpointWith({ authorize: () => ({ allow: 'yes' }) as unknown as AuthorizeResult });
    assert.equal((await call(truthy, '/session', { method: 'POST' })).status, 403, 'only allow: true allows');
  });

  it('answers 405 with Allow on wrong methods and 404 off its paths', async () => {
    const handler = endpointWith();
    for (const [path, method, allow] of [
      ['/session', 'GET', 'POST'],
      ['/session', 'PUT', 'POST'],
      ['/session', 'OPTIONS', 'POST'],
      ['/upload-auth', 'DELETE', 'GET, POST'],
      ['/upload-auth', 'PATCH', 'GET, POST'],
    ] as const) {
      const response = await call(handler, path, { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow);
      assert.match((await response.json()).message, /^Use /);
    }
    for (const path of ['/', '/media', '/media/sessions', '/media/api/v1/files']) {
      const response = await call(handler, path);
      assert.equal(response.status, 404, path);
      assert.equal(handler.handles(path), false);
    }
    assert.ok(handler.handles('/a/b/c/session/'), 'any prefix, trailing slash');
    assert.ok(handler.handles('/upload-auth'), 'mounted at the root');
  });

  it('refuses bad options when created', () => {
    const base = { ...keys, endpoint: media, authorize: () => ({ allow: true }) };
    assert.throws(() => createTokenEndpoint({ ...base, endpoint: undefined }), /endpoint .* is required/);
    assert.throws(() => createTokenEndpoint({ ...base, endpoint: 'ftp://x' }), /http/);
    assert.throws(() => createTokenEndpoint({ ...base, privateKey: '' }), /privateKey/);
    assert.throws(() => createTokenEndpoint({ ...base, ttlSeconds: 0 }), /ttlSeconds/);
    assert.throws(() => createTokenEndpoint({ ...base, ttlSeconds: 90_000 }), /ttlSeconds/);
    assert.throws(() => createTokenEndpoint({ ...base, scope: { folder: 'x' } }), /scope.folder/);
    assert.throws(() => createTokenEndpoint({ ...base, scope: { accept: ['images'] } }), /MIME type/);
    assert.throws(() => createTokenEndpoint({ ...base, cors: { origin: '*' } }), /"\*"/);
  });
});

describe('CORS', () => {
  const fromOrigin = (origin: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { origin, ...(init.headers as Record<string, string>) },
  });

  it('is off by default: no CORS headers, and preflights are not answered', async () => {
    const handler = endpointWith();
    const response = await call(handler, '/session', fromOrigin('https://cms.example', { method: 'POST' }));
    assert.equal(response.status, 200, 'same-origin use works');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const preflight = await call(
      handler,
      '/session',
      fromOrigin('https://evil.example', {
        method: 'OPTIONS',
        headers: { 'access-control-request-method': 'POST' },
      }),
    );
    assert.equal(preflight.status, 405);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('allows exactly the configured origins, with credentials', async () => {
    const handler = endpointWith({ cors: { origin: ['https://app.example', 'http://localhost:5173'] } });
    const preflight = await call(
      handler,
      '/media/session',
      fromOrigin('https://app.example', { method: 'OPTIONS' }),
    );
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const session = await call(
      handler,
      '/media/session',
      fromOrigin('http://localhost:5173', { method: 'POST' }),
    );
    assert.equal(session.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.equal(session.headers.get('vary'), 'Origin');
    const denied = await call(
      handler,
      '/media/session',
      fromOrigin('https://evil.example', { method: 'OPTIONS' }),
    );
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const sneaky = await call(
      handler,
      '/media/session',
      fromOrigin('https://evil.example', { method: 'POST' }),
    );
    assert.equal(
      sneaky.headers.get('access-control-allow-origin'),
      null,
      'the browser will not let it read the token',
    );
    const refused = await call(
      handler,
      '/media/session',
      fromOrigin('https://app.example', { method: 'GET' }),
    );
    assert.equal(refused.status, 405);
    assert.equal(
      refused.headers.get('access-control-allow-origin'),
      'https://app.example',
      'errors are readable too',
    );
  });

  it('refuses a browser’s request from another site or origin, even without CORS (CSRF)', async () => {
    const handler = endpointWith();
    const from = (headers: Record<string, string>) => call(handler, '/session', { method: 'POST', headers });
    const refused: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://blog.cms.example' },
      // A navigation (a form posted from elsewhere) with no Origin still says where it came from.
      { 'sec-fetch-site': 'cross-site' },
      // Browsers without Sec-Fetch-* still send Origin on a cross-origin POST.
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of refused) {
      const response = await from(headers);
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.match((await response.json()).message, /another origin/);
    }
    const allowed: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'same-origin', origin: 'https://cms.example' },
      { 'sec-fetch-site': 'none' },
      // Behind a TLS-terminating proxy the request URL may say http while the page says https.
      { origin: 'http://cms.example' },
      // Not a browser: a server calling its own endpoint, curl.
      {},
    ];
    for (const headers of allowed) {
      assert.equal((await from(headers)).status, 200, JSON.stringify(headers));
    }
  });

  it('lets the origins cors lists call across sites, and only those', async () => {
    const handler = endpointWith({ cors: { origin: ['https://app.example'] } });
    const listed = await call(handler, '/upload-auth', {
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://app.example' },
    });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await call(handler, '/upload-auth', {
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    assert.equal(other.status, 403);
  });

  it('takes a predicate and can leave cookies out', async () => {
    const handler = endpointWith({
      cors: { origin: (origin) => origin.endsWith('.cms.example'), credentials: false },
    });
    const response = await call(handler, '/upload-auth', fromOrigin('https://a.cms.example'));
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://a.cms.example');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
  });

  it('lets trusted pages send the extra headers it lists, such as a CMS signature', async () => {
    const handler = endpointWith({
      cors: {
        origin: 'https://app.example',
        allowHeaders: ['x-contentful-signature', 'X-Contentful-Timestamp'],
      },
    });
    const preflight = await call(
      handler,
      '/session',
      fromOrigin('https://app.example', { method: 'OPTIONS' }),
    );
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').split(/,\s*/);
    assert.deepEqual(allowed, [
      'authorization',
      'content-type',
      'x-contentful-signature',
      'X-Contentful-Timestamp',
    ]);
    assert.throws(
      () => endpointWith({ cors: { origin: 'https://app.example', allowHeaders: ['x-bad header'] } }),
      /not a header name/,
    );
  });
});

describe('acting as a DAM user', () => {
  it('writes the user authorize returns into the session token, and none when it returns none', async () => {
    const withUser = endpointWith({ authorize: () => ({ allow: true, user: 'ann@example.com' }) });
    const response = await call(withUser, '/media/session', postJson({}));
    assert.equal(response.status, 200);
    const claims = await verifySessionToken((await response.json()).token, keys);
    assert.equal(claims.user, 'ann@example.com');

    const plain = await call(endpointWith(), '/media/session', postJson({}));
    assert.equal((await verifySessionToken((await plain.json()).token, keys)).user, undefined);
  });

  it('signs upload tokens as sessions for a user even with the whole library in scope', async () => {
    const handler = endpointWith({ authorize: () => ({ allow: true, user: 'ann@example.com' }) });
    const body = await (await call(handler, '/media/upload-auth')).json();
    assert.equal((await verifySessionToken(body.token, keys)).user, 'ann@example.com');
  });

  it('answers 500 without details when authorize returns a user that is not a string', async () => {
    const errors: unknown[] = [];
    const handler = endpointWith({
      authorize: () => ({ allow: true, user: 42 }) as unknown as AuthorizeResult,
      onError: (error) => errors.push(error),
    });
    const response = await call(handler, '/media/session', postJson({}));
    assert.equal(response.status, 500);
    assert.equal(errors.length, 1);
  });
});
