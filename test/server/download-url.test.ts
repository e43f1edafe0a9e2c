import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('GET /_ml/files/:fileId/download-url', () => {
  let server: TestServer;
  let publicId: string;
  let privateId: string;

  before(async () => {
    server = await startTestServer();
    publicId = (
      await uploadPng(server, { folder: '/brand', fileName: 'logo-ü.png', useUniqueFileName: 'false' })
    ).fileId;
    privateId = (
      await uploadPng(server, {
        folder: '/brand',
        fileName: 'secret.png',
        isPrivateFile: 'true',
        useUniqueFileName: 'false',
      })
    ).fileId;
    await uploadPng(server, { folder: '/other', fileName: 'elsewhere.png' });
  });
  after(() => server.close());

  const downloadUrl = async (fileId: string, headers: Record<string, string> = {}) => {
    const response = await server.api(
      `/_ml/files/${fileId}/download-url`,
      headers.authorization ? { key: null, headers } : {},
    );
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  it('answers a public file’s URL that downloads the original under its name', async () => {
    const { status, body } = await downloadUrl(publicId);
    assert.equal(status, 200);
    assert.match(body.url!, /ik-attachment=true/);
    assert.equal(body.expiresAt, undefined);
    const file = await fetch(body.url!);
    assert.equal(file.status, 200);
    assert.equal(
      file.headers.get('content-disposition'),
      `attachment; filename="logo-_.png"; filename*=UTF-8''logo-%C3%BC.png`,
    );
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), await png());
  });

  it('signs a private file’s URL for five minutes; unsigned, the file is refused', async () => {
    const before = Date.now();
    const { status, body } = await downloadUrl(privateId);
    assert.equal(status, 200);
    assert.match(body.url!, /[?&]ik-t=\d+&ik-s=[0-9a-f]{40}$/);
    const expires = Date.parse(body.expiresAt!);
    assert.ok(expires > before + 240_000 && expires <= Date.now() + 300_000, body.expiresAt);
    const file = await fetch(body.url!);
    assert.equal(file.status, 200, await file.clone().text());
    assert.match(file.headers.get('content-disposition')!, /^attachment; filename="secret.png"/);
    const unsigned = await fetch(body.url!.replace(/&ik-t=.*$/, ''));
    assert.equal(unsigned.status, 401);
  });

  it('gives a session only the files inside its folder', async () => {
    const token = await sessionToken({ folder: '/brand/', access: 'read' });
    assert.equal((await downloadUrl(privateId, bearer(token))).status, 200);
    const outside = await sessionToken({ folder: '/other/', access: 'read' });
    const refused = await downloadUrl(privateId, bearer(outside));
    assert.equal(refused.status, 404);
    assert.ok(refused.body.message && refused.body.help);
  });

  it('answers 404 with a message for a file that does not exist', async () => {
    const { status, body } = await downloadUrl('no-such-file');
    assert.equal(status, 404);
    assert.ok(body.message && body.help);
  });
});
