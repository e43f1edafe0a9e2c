// The resumable upload endpoint (/_ml/tus): tus 1.0 with session or key auth, the upload API's
// rules (scope, size, type, names, versions), owners, expiry, and a crash mid-upload.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import { samplePdf } from '../../src/server/seed.js';
import type { MediaFile } from '../../src/shared/wire.js';
import { type RunningServer, serveCli } from '../helpers/cli.js';
import { png, uploadPng } from '../helpers/fixtures.js';
import { testBackend } from '../helpers/scale.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';
import {
  createTusUpload,
  patchTusUpload,
  patchTusUploadSlowly,
  patternBytes,
  sha256,
  tusOffset,
} from '../helpers/tus.js';

const keyAuth = { authorization: basicAuth(testKeys.privateKey) };

async function original(server: { url: string }, file: { filePath: string }): Promise<Buffer> {
  const response = await fetch(`${server.url}${file.filePath}`);
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

/** Uploads `bytes` with tus-js-client (what the element's Uppy uses), answering the final PATCH's body. */
function tusUpload(
  base: string,
  bytes: Buffer,
  metadata: Record<string, string>,
  headers: Record<string, string>,
  options: Partial<tus.UploadOptions> = {},
): Promise<{ body: string; url: string }> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      endpoint: `${base}/_ml/tus`,
      metadata,
      headers,
      retryDelays: [],
      ...options,
      onSuccess: (payload) => resolve({ body: payload.lastResponse.getBody() ?? '', url: upload.url! }),
      onError: reject,
    });
    upload.start();
  });
}

describe('resumable uploads (tus)', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('turns a session’s tus upload into a file with the bytes intact, answered by the last PATCH', async () => {
    const token = await sessionToken({ folder: '/tus/', access: 'readwrite' }, { sub: 'editor-1' });
    const bytes = await png(300, 200);
    const { body, url } = await tusUpload(
      server.url,
      bytes,
      {
        fileName: 'big.png',
        folder: '/tus/a',
        tags: 'one,two',
        useUniqueFileName: 'false',
        responseFields: 'tags',
      },
      bearer(token),
      { chunkSize: 1000 },
    );
    const file = JSON.parse(body) as MediaFile;
    assert.equal(file.filePath, '/tus/a/big.png');
    assert.deepEqual(file.tags, ['one', 'two']);
    assert.equal(file.width, 300);
    assert.equal(sha256(await original(server, file)), sha256(bytes));
    // The finished upload answers again: HEAD says complete, GET gives the file.
    assert.equal(await tusOffset(url, bearer(token)), bytes.length);
    const again = await fetch(url, { headers: bearer(token) });
    assert.equal(((await again.json()) as MediaFile).fileId, file.fileId);
    assert.equal((await server.api(`/v1/files/${file.fileId}/details`)).status, 200);
  });

  it('accepts a private key as Basic auth, and refuses a request with neither', async () => {
    const bytes = await png(10, 10);
    const { body } = await tusUpload(server.url, bytes, { fileName: 'key.png', folder: '/tus/key' }, keyAuth);
    assert.match((JSON.parse(body) as MediaFile).filePath, /^\/tus\/key\/key.*\.png$/);
    const { response } = await createTusUpload(server.url, { fileName: 'x.png' }, 10, {});
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { message: string }).message, /private API key/);
  });

  it('refuses at creation, before any bytes, what the upload API would refuse', async () => {
    const token = await sessionToken({ folder: '/brand/', access: 'readwrite', maxFileSize: 1000 });
    const outside = await createTusUpload(
      server.url,
      { fileName: 'a.png', folder: '/other' },
      10,
      bearer(token),
    );
    assert.equal(outside.response.status, 403);
    assert.match(
      ((await outside.response.json()) as { message: string }).message,
      /only work inside \/brand\//,
    );
    const large = await createTusUpload(
      server.url,
      { fileName: 'a.png', folder: '/brand' },
      5000,
      bearer(token),
    );
    assert.equal(large.response.status, 400);
    const body = (await large.response.json()) as { message: string; reason: string };
    assert.equal(body.reason, 'FILE_TOO_LARGE');
    assert.match(body.message, /at most 1000 bytes/);
    const nameless = await createTusUpload(server.url, { folder: '/brand' }, 10, bearer(token));
    assert.equal(nameless.response.status, 400);
    assert.match(((await nameless.response.json()) as { message: string }).message, /fileName/);
    const readOnly = await sessionToken({ folder: '/', access: 'read' });
    const denied = await createTusUpload(server.url, { fileName: 'a.png' }, 10, bearer(readOnly));
    assert.equal(denied.response.status, 403);
    assert.deepEqual(await tusDirEntries(server), []);
  });

  it('refuses a declared size above the server’s limit, and more bytes than declared', async () => {
    const small = await startTestServer({ maxUploadBytes: 2000 });
    try {
      const { response } = await createTusUpload(small.url, { fileName: 'a.bin' }, 5000, keyAuth);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { reason: string }).reason, 'FILE_TOO_LARGE');
      const created = await createTusUpload(small.url, { fileName: 'a.bin' }, 100, keyAuth);
      assert.equal(created.response.status, 201);
      const over = await patchTusUpload(created.url!, 0, Buffer.alloc(200, 1), keyAuth);
      assert.ok(over.status >= 400 && over.status < 500, `status ${over.status}`);
    } finally {
      await small.close();
    }
  });

  it('applies the session’s accept list to the bytes, and keeps nothing of a refused upload', async () => {
    const token = await sessionToken({ folder: '/', access: 'readwrite', accept: ['image/*'] });
    const pdf = samplePdf('Not an image', ['text']);
    const created = await createTusUpload(
      server.url,
      { fileName: 'doc.pdf', folder: '/tus/pdf' },
      pdf.length,
      bearer(token),
    );
    assert.equal(created.response.status, 201);
    const done = await patchTusUpload(created.url!, 0, pdf, bearer(token));
    assert.equal(done.status, 400);
    const body = (await done.json()) as { reason: string; message: string };
    assert.equal(body.reason, 'FILE_TYPE_NOT_ACCEPTED');
    assert.match(body.message, /application\/pdf/);
    assert.equal(await tusOffset(created.url!, bearer(token)), 'status 404');
    const listed = (await (await server.api('/v1/files?path=/tus/pdf')).json()) as unknown[];
    assert.deepEqual(listed, []);
    assert.deepEqual(await tusDirEntries(server), []);
  });

  it('maps name conflicts as the upload API does: skip refuses, replace adds a version, keep both renames', async () => {
    const existing = await uploadPng(server, {
      fileName: 'same.png',
      folder: '/tus/conflict',
      useUniqueFileName: 'false',
    });
    const skip = await createTusUpload(
      server.url,
      { fileName: 'same.png', folder: '/tus/conflict', useUniqueFileName: 'false', overwriteFile: 'false' },
      10,
      keyAuth,
    );
    assert.equal(skip.response.status, 400);
    assert.equal(((await skip.response.json()) as { reason: string }).reason, 'FILE_ALREADY_EXISTS');

    const bytes = await png(50, 50);
    const replaced = JSON.parse(
      (
        await tusUpload(
          server.url,
          bytes,
          {
            fileName: 'same.png',
            folder: '/tus/conflict',
            useUniqueFileName: 'false',
            overwriteFile: 'true',
          },
          keyAuth,
        )
      ).body,
    ) as MediaFile & { versionInfo: { name: string } };
    assert.equal(replaced.fileId, existing.fileId);
    assert.equal(replaced.versionInfo.name, 'Version 2');
    assert.equal(sha256(await original(server, replaced)), sha256(bytes));

    const kept = JSON.parse(
      (await tusUpload(server.url, bytes, { fileName: 'same.png', folder: '/tus/conflict' }, keyAuth)).body,
    ) as MediaFile;
    assert.notEqual(kept.fileId, existing.fileId);
    assert.match(kept.name, /^same_\w+\.png$/);
  });

  it('lets only whoever started an upload see or continue it', async () => {
    const alice = await sessionToken({ folder: '/', access: 'readwrite' }, { sub: 'alice' });
    const bob = await sessionToken({ folder: '/', access: 'readwrite' }, { sub: 'bob' });
    const created = await createTusUpload(
      server.url,
      { fileName: 'mine.bin', folder: '/tus/own' },
      100,
      bearer(alice),
    );
    assert.equal(created.response.status, 201);
    assert.equal(await tusOffset(created.url!, bearer(bob)), 'status 404');
    assert.equal((await patchTusUpload(created.url!, 0, Buffer.alloc(100, 7), bearer(bob))).status, 404);
    assert.equal(await tusOffset(created.url!, keyAuth), 'status 404');
    // A renewed session of the same user carries on.
    const aliceLater = await sessionToken({ folder: '/', access: 'readwrite' }, { sub: 'alice' });
    assert.equal(await tusOffset(created.url!, bearer(aliceLater)), 0);
    const done = await patchTusUpload(created.url!, 0, Buffer.alloc(100, 7), bearer(aliceLater));
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as MediaFile).size, 100);
  });

  it('answers OPTIONS discovery without an Origin, with tus’s version, extensions and size limit', async () => {
    const discoveries: Record<string, string>[] = [
      {},
      { origin: 'http://page.test', 'access-control-request-method': 'POST' },
    ];
    for (const headers of discoveries) {
      const response = await fetch(`${server.url}/_ml/tus`, { method: 'OPTIONS', headers });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('tus-version'), '1.0.0');
      assert.match(response.headers.get('tus-extension')!, /\bcreation\b.*\btermination\b.*\bexpiration\b/);
      assert.equal(response.headers.get('tus-max-size'), String(1024 ** 3));
    }
  });

  it('says when an upload expires, and never shows the owner marks in HEAD’s Upload-Metadata', async () => {
    const token = await sessionToken({ folder: '/', access: 'readwrite' }, { sub: 'carol' });
    const created = await createTusUpload(
      server.url,
      { fileName: 'm.bin', folder: '/tus/meta' },
      10,
      bearer(token),
    );
    assert.equal(created.response.status, 201);
    const expires = Date.parse(created.response.headers.get('upload-expires')!);
    assert.ok(expires > Date.now() + 60 * 60_000, 'an upload expires a day after it was last written');
    assert.match(created.response.headers.get('access-control-expose-headers')!, /Upload-Expires/);
    const head = await fetch(created.url!, {
      method: 'HEAD',
      headers: { 'tus-resumable': '1.0.0', ...bearer(token) },
    });
    assert.equal(head.status, 200);
    const metadata = head.headers.get('upload-metadata')!;
    assert.match(metadata, /fileName /);
    assert.doesNotMatch(metadata, /mlOwner|mlSubject/);
    const patched = await patchTusUpload(created.url!, 0, Buffer.alloc(5, 1), bearer(token));
    assert.equal(patched.status, 204);
    assert.ok(Date.parse(patched.headers.get('upload-expires')!) >= expires);
  });

  it('answers tus’s own refusals in the API’s error shape', async () => {
    const created = await createTusUpload(server.url, { fileName: 'o.bin', folder: '/tus/o' }, 100, keyAuth);
    const wrong = await patchTusUpload(created.url!, 50, Buffer.alloc(10), keyAuth);
    assert.equal(wrong.status, 409);
    assert.equal(typeof ((await wrong.json()) as { message: string }).message, 'string');
    const missing = await tusOffset(`${server.url}/_ml/tus/${'0'.repeat(32)}`, keyAuth);
    assert.equal(missing, 'status 404');
  });
});

describe('abandoned resumable uploads', () => {
  it('are deleted, bytes and all, once untouched for MEDIA_LIBRARY_RESUMABLE_EXPIRY', async () => {
    const server = await startTestServer({
      upload: { resumableThreshold: 1024, resumableExpiryMs: 400, companionOrigins: [], providers: {} },
    });
    try {
      const created = await createTusUpload(server.url, { fileName: 'left.bin' }, 1000, keyAuth);
      assert.equal((await patchTusUpload(created.url!, 0, Buffer.alloc(300, 1), keyAuth)).status, 204);
      assert.equal(await tusOffset(created.url!, keyAuth), 300);
      assert.ok((await tusDirEntries(server)).length >= 2);
      const deadline = Date.now() + 10_000;
      while ((await tusDirEntries(server)).length > 0 && Date.now() < deadline) await delay(200);
      assert.deepEqual(await tusDirEntries(server), []);
      assert.equal(await tusOffset(created.url!, keyAuth), 'status 404');
    } finally {
      await server.close();
    }
  });
});

describe('a crash in the middle of a resumable upload', () => {
  const env = {
    MEDIA_LIBRARY_PUBLIC_KEY: testKeys.publicKey,
    MEDIA_LIBRARY_PRIVATE_KEY: testKeys.privateKey,
    MEDIA_LIBRARY_RATE_LIMIT: 'off',
  };
  let dataDir: string;
  let running: RunningServer | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-tus-crash-'));
  });
  after(async () => {
    running?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('resumes from the stored offset after kill -9 and a restart, with every byte intact', async () => {
    running = await serveCli(['--data', dataDir], env);
    const port = new URL(running.url).port;
    const size = 24 * 1024 * 1024;
    const bytes = patternBytes(size, 42);
    const created = await createTusUpload(
      running.url,
      { fileName: 'crash.bin', folder: '/crash' },
      size,
      keyAuth,
    );
    assert.equal(created.response.status, 201);
    const uploadUrl = created.url!;

    // Stream slowly, and kill the server once a third of the bytes are on its disk.
    const sending = patchTusUploadSlowly(uploadUrl, 0, bytes, keyAuth, {
      pieceBytes: 256 * 1024,
      pauseMs: 5,
    }).catch((error: Error) => error);
    const partial = join(dataDir, 'tus', new URL(uploadUrl).pathname.split('/').pop()!);
    while (((await stat(partial).catch(() => undefined))?.size ?? 0) < size / 3) await delay(20);
    running.child.kill('SIGKILL');
    await once(running.child, 'exit');
    assert.ok((await sending) instanceof Error, 'the PATCH in flight failed with the server');

    running = await serveCli(['--data', dataDir, '--port', port], env);
    const stored = await tusOffset(uploadUrl, keyAuth);
    assert.equal(typeof stored, 'number');
    assert.ok((stored as number) >= size / 3 && (stored as number) < size, `resumes at ${stored}`);

    // tus-js-client, as the element's Uppy, carries on from there.
    let firstOffset = -1;
    const { body } = await tusUpload(running.url, bytes, {}, keyAuth, {
      uploadUrl,
      onProgress: (sent) => {
        if (firstOffset < 0) firstOffset = sent;
      },
    });
    assert.ok(firstOffset >= (stored as number), `first progress at ${firstOffset}`);
    const file = JSON.parse(body) as MediaFile;
    assert.equal(file.filePath.startsWith('/crash/crash'), true);
    assert.equal(file.size, size);
    assert.equal(sha256(await original(running, file)), sha256(bytes));
  });
});

/** What unfinished uploads left: files under the data directory, or parts in the bucket. */
async function tusDirEntries(server: TestServer): Promise<string[]> {
  if (testBackend === 'scale') return server.blobKeys('resumable');
  return readdir(join(server.dataDir, 'tus')).catch(() => []);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
