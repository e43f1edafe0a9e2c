// The DAM app at /app/: served from the build with a strict CSP and the right caching, deep links
// answered with the page, a bare server opening it at /, the demo keeping / for itself.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startDemoServer } from '../../demo/server.js';
import { CookieAuthorizer } from '../../src/client/auth.js';
import { MediaClient } from '../../src/client/media-client.js';
import { appDir } from '../../src/server/routes/app.js';
import { addUser, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the DAM app at /app/', () => {
  let server: TestServer;

  before(async () => {
    assert.ok(existsSync(join(appDir, 'index.html')), 'build the app first: npm run build:browser');
    server = await startTestServer();
  });
  after(() => server?.close());

  const get = (path: string) => fetch(server.url + path, { redirect: 'manual' });

  it('sends a bare server’s / to the app', async () => {
    const response = await get('/');
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/app/');
  });

  it('serves the page with a strict CSP, not cached without asking', async () => {
    const response = await get('/app/');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const csp = response.headers.get('content-security-policy')!;
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ])
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    const page = await response.text();
    assert.match(page, /<ml-dam-app>/);
    assert.match(page, /<link rel="manifest" href="\/app\/manifest.webmanifest"/);
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script: the CSP would refuse it');
  });

  it('answers deep links with the page, so a reload stays where it was', async () => {
    for (const path of [
      '/app',
      '/app/library/campaigns/2026',
      '/app/collections/c1',
      '/app/users',
      '/app/activity',
    ]) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), /<ml-dam-app>/, path);
      assert.ok(response.headers.get('content-security-policy'), path);
    }
  });

  it('serves hashed files as immutable and refuses missing ones and ways out of the build', async () => {
    const script = (await readdir(join(appDir, 'assets'))).find((name) => name.endsWith('.js'))!;
    const response = await get(`/app/assets/${script}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/javascript/);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    // Not the app's files: a 4xx as JSON (a library file there would be delivered), never the page.
    for (const path of [
      '/app/assets/gone-1234.js',
      '/app/%2e%2e/package.json',
      '/app/..%2f..%2fpackage.json',
      '/app/%2e%2e/%2e%2e/package.json',
    ]) {
      const missing = await get(path);
      assert.ok([400, 404].includes(missing.status), `${path}: ${missing.status}`);
      assert.match(missing.headers.get('content-type')!, /^application\/json/, path);
      assert.ok(((await missing.json()) as { message: string }).message, path);
    }
  });

  it('still delivers the library’s own files in a folder named app', async () => {
    const form = new FormData();
    form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'notes.txt');
    form.set('fileName', 'notes.txt');
    form.set('folder', '/app');
    form.set('useUniqueFileName', 'false');
    const uploaded = await server.api('/api/v1/files/upload', { method: 'POST', body: form });
    assert.equal(uploaded.status, 200, await uploaded.text());
    const response = await get('/app/notes.txt');
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'hello');
  });

  it('is installable: a manifest with standalone display and 192, 512 and maskable PNG icons', async () => {
    const response = await get('/app/manifest.webmanifest');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^application\/manifest\+json/);
    const manifest = (await response.json()) as {
      display: string;
      start_url: string;
      scope: string;
      name: string;
      icons: Array<{ src: string; sizes: string; type: string; purpose: string }>;
    };
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/app/');
    assert.equal(manifest.scope, '/app/');
    assert.ok(manifest.name);
    const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`).sort();
    assert.deepEqual(purposes, ['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons) {
      const png = await get(icon.src);
      assert.equal(png.status, 200, icon.src);
      assert.equal(png.headers.get('content-type'), 'image/png');
      const { width, height, format } = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
      assert.equal(`${width}x${height}`, icon.sizes);
      assert.equal(format, 'png');
    }
  });

  it('serves the service worker, fresh each time, precaching the page and its scripts', async () => {
    const response = await get('/app/sw.js');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const worker = await response.text();
    // The page first, then its assets (scripts among them, stylesheets too when the build has any).
    const shell = JSON.parse(/const shell = (\[[^\]]*\]);/.exec(worker)![1]!) as string[];
    assert.equal(shell[0], '/app/');
    assert.ok(
      shell.some((path) => /^\/app\/assets\/[^/]+\.js$/.test(path)),
      shell.join(' '),
    );
    assert.doesNotMatch(worker, /__APP_SHELL__|__APP_VERSION__/);
  });

  it('lets the element’s client act as a signed-in user: the cookie, and the CSRF token on writes', async () => {
    await addUser(server, { email: 'ada@example.com', role: 'admin', name: 'Ada' });
    const user = await signIn(server, 'ada@example.com');
    const sent: Headers[] = [];
    const client = new MediaClient({
      endpoint: server.url,
      auth: new CookieAuthorizer({ csrfToken: user.csrfToken }),
      // Node has no cookie jar: the browser's part is to add the cookie.
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        sent.push(new Headers(headers));
        headers.set('cookie', user.cookie);
        return fetch(input, { ...init, headers });
      },
    });
    await client.createFolder({ folderName: 'campaigns', parentFolderPath: '/' });
    const listed = await client.listAssets({ path: '/', type: 'all' });
    assert.ok(
      listed.some((asset) => asset.name === 'campaigns'),
      JSON.stringify(listed),
    );
    assert.equal(sent[0]!.get('authorization'), null);
    assert.equal(sent[0]!.get('x-csrf-token'), user.csrfToken);
    assert.equal(sent[1]!.get('x-csrf-token'), null, 'reads carry no token');

    const forged = new MediaClient({
      endpoint: server.url,
      auth: new CookieAuthorizer({ csrfToken: 'not-the-token' }),
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('cookie', user.cookie);
        return fetch(input, { ...init, headers });
      },
    });
    await assert.rejects(forged.createFolder({ folderName: 'x', parentFolderPath: '/' }), {
      status: 403,
      reason: 'CSRF_TOKEN_INVALID',
    });
  });
});

describe('the DAM app beside the demo (npm start)', () => {
  let dataDir: string;
  let demo: Awaited<ReturnType<typeof startDemoServer>>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-app-demo-'));
    // One folder already there: the demo seeds only an empty library, which takes seconds.
    const first = await startTestServer({ dataDir });
    const made = await first.api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'kept', parentFolderPath: '/' },
    });
    assert.equal(made.status, 201);
    await first.server.close();
    demo = await startDemoServer({ port: 0, dataDir, logLevel: 'silent', rateLimit: false });
  });
  after(async () => {
    await demo?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps / as the embedding demo, with a link to the app, and serves the app', async () => {
    const page = await fetch(`${demo.url}/`, { redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<a class="app-link" href="\/app\/">Open the DAM app<\/a>/);
    const app = await fetch(`${demo.url}/app/library`);
    assert.equal(app.status, 200);
    assert.match(await app.text(), /<ml-dam-app>/);
  });
});
