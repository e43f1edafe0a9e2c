import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('exact duplicates', () => {
  let server: TestServer;
  let bytes: Buffer;
  before(async () => {
    server = await startTestServer();
    bytes = await png(33, 21);
  });
  after(() => server.close());

  const put = async (folder: string, name: string, data = bytes) => {
    const response = await upload(server, {
      file: { bytes: data, name },
      fields: { fileName: name, folder },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { fileId: string; filePath: string };
  };
  const duplicatesOf = async (
    fileId: string,
    init: { key?: null; headers?: Record<string, string> } = {},
  ) => {
    const response = await server.api(`/_ml/files/${fileId}/duplicates`, init);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { duplicates: Array<{ fileId: string; filePath: string }> })
      .duplicates;
  };

  it('finds other files with the same bytes, by the hash taken at upload, within what the caller sees', async () => {
    const first = await put('/dup/a', 'logo.png');
    const second = await put('/dup/b', 'logo-copy.png');
    const third = await put('/dupsecret', 'logo-3.png');
    const other = await put('/dup/a', 'other.png', await png(34, 21));
    assert.deepEqual(
      (await duplicatesOf(first.fileId)).map((d) => d.fileId),
      [second.fileId, third.fileId],
    );
    assert.deepEqual(await duplicatesOf(other.fileId), []);

    const token = await sessionToken({ folder: '/dup/', access: 'read' });
    const scoped = await duplicatesOf(first.fileId, { key: null, headers: bearer(token) });
    assert.deepEqual(
      scoped.map((d) => d.fileId),
      [second.fileId],
    );

    // A trashed copy is no duplicate.
    await server.api(`/v1/files/${second.fileId}`, { method: 'DELETE' });
    assert.deepEqual(
      (await duplicatesOf(first.fileId)).map((d) => d.fileId),
      [third.fileId],
    );
  });

  it('answers, before an upload, which hashes the library has already', async () => {
    const sample = await png(35, 21);
    const stored = await put('/dup/pre', 'pre.png', sample);
    const hash = createHash('sha256').update(sample).digest('hex');
    const unknown = createHash('sha256').update('nothing').digest('hex');
    const response = await server.api('/_ml/duplicates', {
      method: 'POST',
      json: { hashes: [hash, unknown] },
    });
    assert.equal(response.status, 200);
    const { matches } = (await response.json()) as { matches: Record<string, Array<{ fileId: string }>> };
    assert.deepEqual(Object.keys(matches), [hash]);
    assert.equal(matches[hash]?.[0]?.fileId, stored.fileId);

    const bad = await server.api('/_ml/duplicates', { method: 'POST', json: { hashes: ['xyz'] } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /SHA-256/);
    const none = await server.api('/_ml/duplicates', { method: 'POST', json: { hashes: [] } });
    assert.equal(none.status, 400);
    assert.equal((await server.api('/_ml/files/nope/duplicates')).status, 404);
  });
});
