// Issue 18, item 2: a session's scope (folder, accept, maxFileSize) holds every write that leaves
// a file in the library, not only uploads: edits, copies, folder copies and version restores too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { png, upload, uploadForm } from '../helpers/fixtures.js';
import { quadrants } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Uploaded {
  fileId: string;
  versionInfo: { id: string };
}

const webp = () =>
  sharp(Buffer.alloc(20 * 20 * 3, 90), { raw: { width: 20, height: 20, channels: 3 } })
    .webp()
    .toBuffer();

describe('a session scoped to /s/, image/png and 3000 bytes', () => {
  let server: TestServer;
  let token: string;
  const maxFileSize = 3000;

  /** Put with the key, which no scope holds. */
  async function put(folder: string, name: string, bytes: Buffer): Promise<Uploaded> {
    const response = await upload(server, {
      file: { bytes, name },
      fields: { fileName: name, folder, useUniqueFileName: 'false' },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    return body;
  }

  const asSession = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    server.api(path, { ...init, key: null, headers: bearer(token) });

  async function refused(response: Response, reason: string) {
    const body = await response.json();
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(body.reason, reason);
  }

  const names = async (folder: string) =>
    ((await (await server.api(`/v1/files?path=${folder}`)).json()) as Array<{ name: string }>).map(
      (f) => f.name,
    );

  before(async () => {
    server = await startTestServer();
    token = await sessionToken({ folder: '/s/', access: 'readwrite', accept: ['image/png'], maxFileSize });
  });
  after(() => server.close());

  it('an upload is held to it (as it was)', async () => {
    const response = await server.api('/api/v1/files/upload', {
      method: 'POST',
      key: null,
      headers: bearer(token),
      body: uploadForm({
        file: { bytes: await webp(), name: 'pic.webp' },
        fields: { fileName: 'pic.webp', folder: '/s/' },
      }),
    });
    await refused(response, 'FILE_TYPE_NOT_ACCEPTED');
  });

  it('an edit may not save a type the session does not accept, nor a file over its size', async () => {
    const small = await put('/s/edit', 'small.png', await png(20, 20));
    await refused(
      await asSession(`/_ml/files/${small.fileId}/edit`, {
        method: 'POST',
        json: { operations: [{ type: 'format', format: 'webp' }], saveAs: { fileName: 'small.webp' } },
      }),
      'FILE_TYPE_NOT_ACCEPTED',
    );
    await refused(
      await asSession(`/_ml/files/${small.fileId}/edit`, {
        method: 'POST',
        json: { operations: [{ type: 'resize', width: 3000, height: 3000 }] },
      }),
      'FILE_TOO_LARGE',
    );
    assert.deepEqual(await names('/s/edit'), ['small.png'], 'nothing was saved');
    const allowed = await asSession(`/_ml/files/${small.fileId}/edit`, {
      method: 'POST',
      json: { operations: [{ type: 'flip', direction: 'horizontal' }] },
    });
    assert.equal(allowed.status, 200, 'an edit the scope allows still works');
  });

  it('a copy may not put a type it does not accept, or a file over its size, in its folder', async () => {
    await put('/s/from', 'pic.webp', await webp());
    await put('/s/from', 'big.png', await quadrants(400, 400));
    for (const [name, reason] of [
      ['pic.webp', 'FILE_TYPE_NOT_ACCEPTED'],
      ['big.png', 'FILE_TOO_LARGE'],
    ] as const) {
      await refused(
        await asSession('/v1/files/copy', {
          method: 'POST',
          json: { sourceFilePath: `/s/from/${name}`, destinationPath: '/s/to/' },
        }),
        reason,
      );
    }
    assert.deepEqual(await names('/s/to'), []);
  });

  it('a folder copy fails rather than copy what the session could not upload', async () => {
    await put('/s/mixed', 'ok.png', await png(10, 10));
    await put('/s/mixed', 'pic.webp', await webp());
    const started = await asSession('/v1/bulkJobs/copyFolder', {
      method: 'POST',
      json: { sourceFolderPath: '/s/mixed', destinationPath: '/s/copied' },
    });
    assert.equal(started.status, 200);
    const { jobId } = await started.json();
    let job: { status: string; error?: string } = { status: 'Pending' };
    for (let i = 0; i < 200 && job.status === 'Pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      job = await (await asSession(`/v1/bulkJobs/${jobId}`)).json();
    }
    assert.equal(job.status, 'Failed');
    assert.match(job.error ?? '', /accepts only image\/png/);
    assert.deepEqual(await names('/s/copied'), []);
  });

  it('a version restore may not bring back a type it does not accept, or a file over its size', async () => {
    const first = await put('/s/versions', 'pic.img', await webp());
    await put('/s/versions', 'pic.img', await png(10, 10));
    const restoreFirst = () =>
      asSession(`/v1/files/${first.fileId}/versions/${first.versionInfo.id}/restore`, { method: 'PUT' });
    await refused(await restoreFirst(), 'FILE_TYPE_NOT_ACCEPTED');

    const big = await put('/s/versions', 'big.png', await quadrants(400, 400));
    await put('/s/versions', 'big.png', await png(10, 10));
    await refused(
      await asSession(`/v1/files/${big.fileId}/versions/${big.versionInfo.id}/restore`, { method: 'PUT' }),
      'FILE_TOO_LARGE',
    );
    const details = await (await server.api(`/v1/files/${first.fileId}/details`)).json();
    assert.equal(details.mime, 'image/png', 'the current version is still the PNG');
  });
});
