// Companion at /companion and GET /_ml/config: imports from a link end to end (a local HTTP
// server stands in for the web), the guard on imports, and the providers reported and mounted.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { defaultConfig } from '../../src/server/config.js';
import type { MediaFile } from '../../src/shared/wire.js';
import { png } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';
import { sha256 } from '../helpers/tus.js';

interface ClientConfig {
  upload: {
    maxFileSize: number;
    resumable: { endpoint: string; threshold: number };
    companion: { endpoint: string; url: boolean; providers: string[] };
  };
}

/** A stand-in for the web: serves `bytes` at `/photo.png`. */
async function serveBytes(bytes: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url !== '/photo.png') return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/photo.png`, server };
}

/** Follows a Companion import on its progress socket until it succeeds or fails. */
function importOutcome(
  base: string,
  token: string,
): Promise<{ action: string; payload: Record<string, unknown> }> {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/companion/api/${token}`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no outcome from Companion in 15 s')), 15_000);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { action: string; payload: Record<string, unknown> };
      if (message.action !== 'success' && message.action !== 'error') return;
      clearTimeout(timer);
      socket.close();
      resolve(message);
    });
    socket.on('error', reject);
  });
}

describe('Companion: imports from a link', () => {
  let server: TestServer;
  let web: { url: string; server: Server };
  let bytes: Buffer;

  before(async () => {
    server = await startTestServer();
    bytes = await png(64, 48);
    web = await serveBytes(bytes);
  });
  after(async () => {
    web.server.close();
    await server.close();
  });

  it('streams a linked file into the upload API with the session’s auth, bytes intact', async () => {
    const token = await sessionToken({ folder: '/imports/', access: 'readwrite' }, { sub: 'editor-1' });
    const meta = await fetch(`${server.url}/companion/url/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ url: web.url }),
    });
    assert.equal(meta.status, 200);
    assert.equal(((await meta.json()) as { size: number }).size, bytes.length);

    const started = await fetch(`${server.url}/companion/url/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({
        url: web.url,
        endpoint: `${server.url}/api/v1/files/upload`,
        protocol: 'multipart',
        fieldname: 'file',
        size: bytes.length,
        metadata: { fileName: 'linked.png', folder: '/imports/web', useUniqueFileName: 'false' },
        headers: bearer(token),
      }),
    });
    assert.equal(started.status, 200, await started.clone().text());
    const outcome = await importOutcome(server.url, ((await started.json()) as { token: string }).token);
    assert.equal(outcome.action, 'success', JSON.stringify(outcome.payload));

    const found = await server.api('/v1/files?searchQuery=name%3D%22linked.png%22');
    const [file] = (await found.json()) as MediaFile[];
    assert.equal(file?.filePath, '/imports/web/linked.png');
    assert.equal(file.width, 64);
    const original = await fetch(`${server.url}${file.filePath}`);
    assert.equal(sha256(new Uint8Array(await original.arrayBuffer())), sha256(bytes));
  });

  it('refuses imports without write access, outside the session’s folder, or to another server', async () => {
    const body = (endpoint: string, folder: string) =>
      JSON.stringify({
        url: web.url,
        endpoint,
        protocol: 'multipart',
        size: bytes.length,
        metadata: { fileName: 'x.png', folder },
      });
    const own = `${server.url}/api/v1/files/upload`;
    const anonymous = await fetch(`${server.url}/companion/url/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body(own, '/imports'),
    });
    assert.equal(anonymous.status, 401);

    const reader = await sessionToken({ folder: '/imports/', access: 'read' });
    const readOnly = await fetch(`${server.url}/companion/url/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(reader) },
      body: body(own, '/imports'),
    });
    assert.equal(readOnly.status, 403);

    const writer = await sessionToken({ folder: '/imports/', access: 'readwrite' });
    const outside = await fetch(`${server.url}/companion/url/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(writer) },
      body: body(own, '/elsewhere'),
    });
    assert.equal(outside.status, 403);

    const elsewhere = await fetch(`${server.url}/companion/url/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(writer) },
      body: body('http://127.0.0.1:9/upload', '/imports'),
    });
    assert.equal(elsewhere.status, 400);
    assert.match(((await elsewhere.json()) as { message: string }).message, /uploads only to this server/);

    const tooBig = await sessionToken({ folder: '/imports/', access: 'readwrite', maxFileSize: 10 });
    const large = await fetch(`${server.url}/companion/url/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(tooBig) },
      body: body(own, '/imports'),
    });
    assert.equal(large.status, 400);
    assert.match(((await large.json()) as { message: string }).message, /at most 10 bytes/);
  });

  it('reports no cloud providers when none are configured, the link source and the resumable endpoint', async () => {
    const response = await fetch(`${server.url}/_ml/config`);
    assert.equal(response.status, 200);
    const config = (await response.json()) as ClientConfig;
    assert.deepEqual(config.upload.companion, { endpoint: '/companion', url: true, providers: [] });
    assert.deepEqual(config.upload.resumable, { endpoint: '/_ml/tus', threshold: 20 * 1024 ** 2 });
    assert.equal(config.upload.maxFileSize, defaultConfig().maxUploadBytes);
  });
});

describe('Companion: cloud providers', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      upload: {
        ...defaultConfig().upload,
        resumableThreshold: 5 * 1024 ** 2,
        providers: {
          drive: { key: 'drive-app', secret: 's1' },
          dropbox: { key: 'dropbox-app', secret: 's2' },
        },
      },
    });
  });
  after(() => server.close());

  it('reports exactly the configured providers', async () => {
    const config = (await (await fetch(`${server.url}/_ml/config`)).json()) as ClientConfig;
    assert.deepEqual(config.upload.companion.providers.sort(), ['drive', 'dropbox']);
    assert.equal(config.upload.resumable.threshold, 5 * 1024 ** 2);
  });

  it('mounts the configured providers’ sign-in, sending the browser to the provider with our app key', async () => {
    for (const [provider, host, key] of [
      ['drive', 'accounts.google.com', 'drive-app'],
      ['dropbox', 'www.dropbox.com', 'dropbox-app'],
    ] as const) {
      const response = await fetch(`${server.url}/companion/${provider}/connect`, { redirect: 'manual' });
      assert.equal(response.status, 302, `${provider}: ${await response.text()}`);
      const location = new URL(response.headers.get('location')!, server.url);
      // Grant first redirects to its own callback route, then to the provider.
      const next =
        location.host === host
          ? location
          : new URL(
              (
                await fetch(location, {
                  redirect: 'manual',
                  headers: { cookie: response.headers.getSetCookie().join('; ') },
                })
              ).headers.get('location')!,
            );
      assert.equal(next.host, host);
      assert.equal(next.searchParams.get('client_id'), key);
    }
  });

  it('answers an unconfigured provider with a JSON refusal, not a sign-in', async () => {
    const response = await fetch(`${server.url}/companion/box/connect`, { redirect: 'manual' });
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { message: string }).message, /providers \/_ml\/config lists/);
    for (const path of ['/connect/box', '/s3/params', '/metrics', '/unsplash/list'])
      assert.equal((await fetch(`${server.url}/companion${path}`, { redirect: 'manual' })).status, 404, path);
  });
});
