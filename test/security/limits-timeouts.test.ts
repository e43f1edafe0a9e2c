import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { createTusUpload, patchTusUploadSlowly, tusOffset } from '../helpers/tus.js';
import { filePartHead, rawExchange, uploadHead } from './limits-http.js';

/** Issue 18, item 11: header, idle-body and whole-request timeouts, answered with 408. */
describe('request timeouts', () => {
  let server: TestServer;
  const authorization = basicAuth(testKeys.privateKey);

  before(async () => {
    server = await startTestServer({ headersTimeoutMs: 600, bodyIdleTimeoutMs: 600, requestTimeoutMs: 1500 });
  });
  after(() => server.close());

  it('answers a multipart whose Content-Length is longer than its body with a 408', async () => {
    const exchange = await rawExchange(server.url, [
      uploadHead(server.url, 10_000, { authorization }),
      filePartHead,
      'only a few bytes of the promised ten thousand',
    ]);
    assert.equal(exchange.status, 408, exchange.text);
    assert.equal(exchange.body?.reason, 'REQUEST_TIMEOUT');
    assert.match(exchange.body?.message ?? '', /stopped arriving/);
  });

  it('answers headers that never finish with a 408', async () => {
    const { host } = new URL(server.url);
    const exchange = await rawExchange(server.url, [`GET /v1/files HTTP/1.1\r\nHost: ${host}\r\n`]);
    assert.equal(exchange.status, 408, exchange.text);
    assert.equal(exchange.body?.reason, 'REQUEST_TIMEOUT');
  });

  it('answers a body that keeps trickling past the whole-request timeout with a 408', async () => {
    const pieces = Array.from({ length: 40 }, () => 'x'.repeat(10));
    const exchange = await rawExchange(
      server.url,
      [uploadHead(server.url, 10_000, { authorization }), filePartHead, ...pieces],
      {
        gapMs: 200,
      },
    );
    assert.equal(exchange.status, 408, exchange.text);
    assert.match(exchange.body?.message ?? '', /took longer than 1\.5 s/);
  });

  it('lets a resumable PATCH run past the whole-request timeout while its bytes keep coming', async () => {
    const headers = { authorization };
    const bytes = Buffer.alloc(6000, 7);
    const { response, url } = await createTusUpload(
      server.url,
      { fileName: 'slow.bin' },
      bytes.length,
      headers,
    );
    assert.equal(response.status, 201);
    // 30 pieces 100 ms apart: about 3 s in all, never idle for the 600 ms the idle timeout allows.
    const patched = await patchTusUploadSlowly(url!, 0, bytes, headers, { pieceBytes: 200, pauseMs: 100 });
    assert.equal(patched.status, 200, await patched.text());
    assert.equal(await tusOffset(url!, headers), bytes.length);
  });
});
