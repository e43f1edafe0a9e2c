import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signUpload } from '../../src/server/auth/authenticate.js';
import { png, upload } from '../helpers/fixtures.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { filePartHead, rawExchange, uploadHead } from './limits-http.js';

const field = (name: string, value: string) =>
  `--limits\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

function signatureFields(privateKey = testKeys.privateKey): Record<string, string> {
  const token = randomUUID();
  const expire = String(Math.floor(Date.now() / 1000) + 600);
  return { publicKey: testKeys.publicKey, token, expire, signature: signUpload(privateKey, token, expire) };
}

/** Bytes in the staging directory now. */
async function stagedBytes(server: TestServer): Promise<number> {
  const dir = join(server.dataDir, 'staging');
  let total = 0;
  for (const name of await readdir(dir))
    total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  return total;
}

const hugeUpload = 300 * 1024 * 1024;

/** Issue 18, items 9 and 10: no bytes staged for nobody, and base64 never held whole. */
describe('upload bodies before authentication', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      unauthenticatedUploadBytes: { perClient: 256 * 1024, total: 1024 * 1024 },
      // Long enough never to answer for the server in these tests; short enough not to hang them.
      bodyIdleTimeoutMs: 15_000,
    });
  });
  after(() => server.close());

  it('refuses a bad private key from the header before reading any of the body', async () => {
    const exchange = await rawExchange(server.url, [
      uploadHead(server.url, hugeUpload, { authorization: basicAuth('private_nobody') }),
      filePartHead,
      Buffer.alloc(1000),
    ]);
    assert.equal(exchange.status, 403, exchange.text);
    assert.match(exchange.text, /connection: close/i);
    assert.equal(await stagedBytes(server), 0);
  });

  it('refuses a 300 MB upload without an Authorization header at once, staging nothing', async () => {
    const exchange = await rawExchange(server.url, [
      uploadHead(server.url, hugeUpload),
      filePartHead,
      Buffer.alloc(1000),
    ]);
    assert.equal(exchange.status, 413, exchange.text);
    assert.equal(exchange.body?.reason, 'UNAUTHENTICATED_UPLOAD_TOO_LARGE');
    assert.match(exchange.body?.message ?? '', /at most 0\.3 MB before its signature fields/);
    assert.equal(await stagedBytes(server), 0);
  });

  it('stops reading the moment signature fields that come first prove invalid', async () => {
    const fields = { ...signatureFields(), signature: 'f'.repeat(40) };
    const exchange = await rawExchange(server.url, [
      uploadHead(server.url, 200 * 1024),
      ...Object.entries(fields).map(([name, value]) => field(name, value)),
      filePartHead,
      Buffer.alloc(1000),
    ]);
    assert.equal(exchange.status, 403, exchange.text);
    assert.equal(exchange.body?.reason, 'INVALID_SIGNATURE');
    assert.equal(await stagedBytes(server), 0);
  });

  it('still takes a signed upload whose fields follow the file, within the allowance', async () => {
    const response = await upload(
      server,
      {
        file: { bytes: await png(60, 40), name: 'signed.png' },
        fields: { fileName: 'signed.png', ...signatureFields() },
      },
      null,
    );
    assert.equal(response.status, 200, await response.clone().text());
  });

  it('takes a large upload whose signature fields come before the file', async () => {
    // Past the unauthenticated allowance, but its sender is known before the first byte of the file.
    const bytes = Buffer.concat([await png(60, 40), Buffer.alloc(400 * 1024)]);
    const form = new FormData();
    for (const [name, value] of Object.entries({ fileName: 'big.png', ...signatureFields() }))
      form.append(name, value);
    form.append('file', new Blob([new Uint8Array(bytes)]), 'big.png');
    const response = await fetch(`${server.url}/api/v1/files/upload`, { method: 'POST', body: form });
    assert.equal(response.status, 200, await response.clone().text());
  });

  it('counts a chunked body without an Authorization header as it arrives, and refuses it past the allowance', async () => {
    const { host } = new URL(server.url);
    const chunk = (data: string | Buffer) => {
      const bytes = Buffer.from(data);
      return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
    };
    const exchange = await rawExchange(server.url, [
      `POST /api/v1/files/upload HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=limits\r\nTransfer-Encoding: chunked\r\n\r\n`,
      chunk(filePartHead),
      ...Array.from({ length: 40 }, () => chunk(Buffer.alloc(16 * 1024))),
    ]);
    assert.equal(exchange.status, 413, exchange.text);
    assert.equal(exchange.body?.reason, 'UNAUTHENTICATED_UPLOAD_TOO_LARGE');
    assert.ok((await stagedBytes(server)) <= 256 * 1024 + 64 * 1024);
  });

  it('decodes a base64 file field into staging as it arrives, never holding the text whole', async () => {
    const bytes = Buffer.concat([await png(60, 40), Buffer.alloc(600 * 1024, 3)]);
    const text = bytes.toString('base64');
    const half = Math.floor(text.length / 2);
    const head = `${field('fileName', 'b64.png')}--limits\r\nContent-Disposition: form-data; name="file"\r\n\r\n`;
    const tail = '\r\n--limits--\r\n';
    const length = Buffer.byteLength(head) + text.length + Buffer.byteLength(tail);
    const { hostname, port } = new URL(server.url);
    const { request } = await import('node:http');
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        hostname,
        port,
        path: '/api/v1/files/upload',
        method: 'POST',
        headers: {
          authorization: basicAuth(testKeys.privateKey),
          'content-type': 'multipart/form-data; boundary=limits',
          'content-length': length,
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write(head);
      req.write(text.slice(0, half));
      (async () => {
        // Half the text sent: its bytes are on disk already, decoded, while the rest is still to come.
        const deadline = Date.now() + 10_000;
        let staged = 0;
        while (Date.now() < deadline && staged < 100 * 1024) {
          await new Promise((r) => setTimeout(r, 50));
          staged = await stagedBytes(server);
        }
        assert.ok(staged >= 100 * 1024, `decoded bytes reach staging before the field ends (saw ${staged})`);
        req.end(text.slice(half) + tail);
      })().catch((error) => {
        req.destroy();
        reject(error);
      });
    });
    assert.equal(response.status, 200, response.body);
    assert.equal(JSON.parse(response.body).size, bytes.length);
  });
});

describe('a base64 file field past the size cap', () => {
  it('is refused as too large, however it is sent', async () => {
    const server = await startTestServer({ maxUploadBytes: 64 * 1024 });
    try {
      const response = await upload(server, {
        file: `data:image/png;base64,${Buffer.alloc(100 * 1024, 1).toString('base64')}`,
        fields: { fileName: 'big.png' },
      });
      assert.equal(response.status, 400);
      assert.equal((await response.json()).reason, 'FILE_TOO_LARGE');
    } finally {
      await server.close();
    }
  });
});
