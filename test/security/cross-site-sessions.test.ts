// Issue 18, item 1: a page on another site must not mint a session from a token endpoint mounted
// on the media server (the demo's `/_ml/demo/auth`) and use it on `/v1/*`; the API's own CORS is
// configurable and never lends credentials.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { resolveConfig } from '../../src/server/config.js';
import { launchChromium } from '../helpers/chromium.js';
import { type Listening, listen } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type SecurityDemo, startUnseededDemo } from './support.js';

/** What a page on another site tries: read a session, then the library with it. */
function attackerPage(demo: string): string {
  return `<!doctype html><title>elsewhere</title><script type="module">
    const demo = ${JSON.stringify(demo)};
    const attempt = async (init) => {
      try {
        const response = await fetch(demo + '/_ml/demo/auth/session', { method: 'POST', credentials: 'include', ...init });
        return { status: response.status, body: await response.text() };
      } catch (error) {
        return { blocked: String(error) };
      }
    };
    const result = {
      // A simple request: no preflight, so it reaches the endpoint.
      simple: await attempt({ body: '{}' }),
      // What the element sends: JSON, so the browser asks first.
      json: await attempt({ headers: { 'content-type': 'application/json' }, body: '{}' }),
    };
    const token = [result.simple, result.json].map((r) => /"token":"([^"]+)"/.exec(r.body ?? '')?.[1]).find(Boolean);
    if (token) {
      try {
        const files = await fetch(demo + '/v1/files', { headers: { authorization: 'Bearer ' + token } });
        result.files = { status: files.status, body: await files.text() };
      } catch (error) {
        result.files = { blocked: String(error) };
      }
    }
    window.attack = result;
  </script>`;
}

describe('cross-site session minting', () => {
  let demo: SecurityDemo;
  let attacker: Listening;
  let browser: Browser;

  before(async () => {
    demo = await startUnseededDemo();
    attacker = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(attackerPage(demo.base));
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await attacker?.close();
    await demo?.close();
  });

  it('a page on another loopback origin can neither read a demo session nor list files with one', async () => {
    // http://127.0.0.1:<a> against http://localhost:<b>: another origin and another site.
    assert.notEqual(new URL(attacker.url).host, new URL(demo.base).host);
    // What the server answered, seen beside Fastify: a browser hides answers CORS does not allow.
    const answered: number[] = [];
    const observe = (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST' && req.url === '/_ml/demo/auth/session')
        res.once('finish', () => answered.push(res.statusCode));
    };
    demo.server.app.server.on('request', observe);
    after(() => demo.server.app.server.off('request', observe));
    const page = await browser.newPage();
    await page.goto(attacker.url);
    const result = (await page.waitForFunction(() => (window as { attack?: unknown }).attack)).jsonValue();
    const attack = (await result) as Record<string, { status?: number; body?: string; blocked?: string }>;
    await page.close();
    assert.ok(attack.simple?.blocked, `the simple request was readable: ${JSON.stringify(attack.simple)}`);
    assert.ok(attack.json?.blocked, `the JSON request was readable: ${JSON.stringify(attack.json)}`);
    assert.equal(attack.files, undefined, 'no token, so no listing');
    // The simple request reached the endpoint, which refused it even though CORS alone hides the answer.
    assert.deepEqual(answered, [403]);
  });

  it('the demo page itself, on its own origin, still gets a session', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.base}/`);
    const status = await page.evaluate(async () => {
      const response = await fetch('/_ml/demo/auth/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    });
    await page.close();
    assert.equal(status, 200);
  });

  it('the token endpoint on the server’s app answers no CORS of the app’s', async () => {
    const preflight = await fetch(`${demo.server.url}/_ml/demo/auth/session`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const post = await fetch(`${demo.server.url}/_ml/demo/auth/session`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: '{}',
    });
    assert.equal(post.status, 403);
    assert.equal(post.headers.get('access-control-allow-origin'), null);
    // The API beside it keeps its own CORS.
    const api = await fetch(`${demo.server.url}/v1/files`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(api.headers.get('access-control-allow-origin'), '*');
  });
});

describe('the API’s CORS', () => {
  let server: TestServer;
  const cms = 'https://cms.example';

  before(async () => {
    server = await startTestServer({ corsOrigins: [cms] });
  });
  after(() => server?.close());

  const preflight = (path: string, origin: string, method = 'GET') =>
    fetch(server.url + path, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization',
      },
    });

  it('answers only the listed origins, and never with credentials', async () => {
    const listed = await preflight('/v1/files', cms);
    assert.equal(listed.headers.get('access-control-allow-origin'), cms);
    assert.match(listed.headers.get('vary') ?? '', /origin/i);
    assert.equal(listed.headers.get('access-control-allow-credentials'), null);
    const other = await preflight('/v1/files', 'https://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const response = await server.api('/v1/files', { headers: { origin: cms } });
    assert.equal(response.headers.get('access-control-allow-origin'), cms);
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
  });

  it('holds the resumable endpoint, which answers its own CORS, to the same list', async () => {
    const create = (origin: string) =>
      server.api('/_ml/tus', {
        method: 'POST',
        headers: { origin, 'tus-resumable': '1.0.0', 'upload-length': '10' },
      });
    assert.equal((await create(cms)).headers.get('access-control-allow-origin'), cms);
    assert.equal((await create('https://evil.example')).headers.get('access-control-allow-origin'), null);
    const discover = (origin: string) =>
      fetch(`${server.url}/_ml/tus`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    assert.equal((await discover(cms)).headers.get('access-control-allow-origin'), cms);
    assert.equal((await discover('https://evil.example')).headers.get('access-control-allow-origin'), null);
  });

  it('is read from --cors-origins or MEDIA_LIBRARY_CORS_ORIGINS: * by default, or a list of origins', () => {
    assert.equal(resolveConfig({}, {}).corsOrigins, '*');
    assert.equal(resolveConfig({}, { MEDIA_LIBRARY_CORS_ORIGINS: '*' }).corsOrigins, '*');
    assert.deepEqual(
      resolveConfig({}, { MEDIA_LIBRARY_CORS_ORIGINS: 'https://a.example, http://localhost:5173/' })
        .corsOrigins,
      ['https://a.example', 'http://localhost:5173'],
    );
    assert.deepEqual(resolveConfig({ 'cors-origins': 'https://b.example' }, {}).corsOrigins, [
      'https://b.example',
    ]);
    assert.throws(
      () => resolveConfig({}, { MEDIA_LIBRARY_CORS_ORIGINS: 'cms.example' }),
      /should be an origin/,
    );
  });
});
