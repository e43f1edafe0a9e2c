// Issue 18, item 5: file URLs come from configuration or a Host the operator vouches for, never
// from whatever Host a request (through a CDN, or by DNS rebinding) brings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/server/config.js';
import { uploadPng } from '../helpers/fixtures.js';
import { rawGet } from '../helpers/http.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** `GET path` with the key and a chosen Host header. */
const getWithHost = (server: TestServer, path: string, host: string) =>
  rawGet(server.url, path, { host, authorization: basicAuth(testKeys.privateKey) });

async function listedUrl(server: TestServer, host: string): Promise<{ status: number; url?: string }> {
  const { status, body } = await getWithHost(server, '/v1/files', host);
  if (status !== 200) return { status };
  const url = (JSON.parse(body) as Array<{ url: string }>)[0]?.url;
  return { status, ...(url && { url: url.split('?')[0] }) };
}

describe('the Host header', () => {
  const servers: TestServer[] = [];
  const start = async (options: Parameters<typeof startTestServer>[0]) => {
    const server = await startTestServer(options);
    servers.push(server);
    await uploadPng(server, { fileName: 'cat.png', useUniqueFileName: 'false' });
    return server;
  };
  let bare: TestServer;

  before(async () => {
    bare = await start({});
  });
  after(() => Promise.all(servers.map((server) => server.close())));

  it('a bare server answers only its loopback names, and refuses a foreign Host with 400', async () => {
    const port = new URL(bare.url).port;
    const own = await listedUrl(bare, `127.0.0.1:${port}`);
    assert.equal(own.status, 200);
    assert.equal(own.url, `http://127.0.0.1:${port}/cat.png`);
    assert.equal((await listedUrl(bare, `localhost:${port}`)).status, 200);
    for (const host of ['evil.example', `evil.example:${port}`, 'rebound.attacker.example']) {
      const { status, body } = await getWithHost(bare, '/v1/files', host);
      assert.equal(status, 400, host);
      assert.equal(JSON.parse(body).reason, 'UNKNOWN_HOST');
    }
    // Delivery is refused too: a CDN would cache whatever it got.
    assert.equal((await getWithHost(bare, '/cat.png', 'evil.example')).status, 400);
  });

  it('with an allow-list, answers exactly those names and links with them', async () => {
    // 127.0.0.1 for the test's own upload.
    const server = await start({ allowedHosts: ['media.example.com', 'origin.internal:8080', '127.0.0.1'] });
    const listed = await listedUrl(server, 'media.example.com');
    assert.equal(listed.url, 'http://media.example.com/cat.png');
    assert.equal((await listedUrl(server, 'origin.internal:8080')).status, 200);
    assert.equal((await listedUrl(server, 'origin.internal:9090')).status, 400);
    assert.equal((await listedUrl(server, 'evil.example')).status, 400);
    // Naming hosts replaces the loopback default.
    assert.equal((await listedUrl(server, `localhost:${new URL(server.url).port}`)).status, 400);
  });

  it('with a URL endpoint, links come from it whatever Host arrives', async () => {
    const server = await start({ urlEndpoint: 'https://cdn.example.com/media' });
    const listed = await listedUrl(server, 'evil.example');
    assert.equal(listed.status, 200);
    assert.equal(listed.url, 'https://cdn.example.com/media/cat.png');
  });

  it('is configured by --url-endpoint and --allowed-hosts or their environment variables', () => {
    assert.equal(
      resolveConfig({ 'url-endpoint': 'https://cdn.example.com/' }, {}).urlEndpoint,
      'https://cdn.example.com',
    );
    assert.equal(
      resolveConfig({}, { MEDIA_LIBRARY_URL_ENDPOINT: 'https://media.example.com' }).urlEndpoint,
      'https://media.example.com',
    );
    assert.throws(() => resolveConfig({ 'url-endpoint': 'media.example.com' }, {}), /should look like/);
    assert.deepEqual(resolveConfig({}, {}).allowedHosts, []);
    assert.deepEqual(
      resolveConfig({}, { MEDIA_LIBRARY_ALLOWED_HOSTS: 'Media.Example.com, [::1]:4310' }).allowedHosts,
      ['media.example.com', '[::1]:4310'],
    );
    assert.deepEqual(resolveConfig({ 'allowed-hosts': 'a.example' }, {}).allowedHosts, ['a.example']);
    assert.throws(() => resolveConfig({}, { MEDIA_LIBRARY_ALLOWED_HOSTS: 'https://a.example' }), /host name/);
  });
});
