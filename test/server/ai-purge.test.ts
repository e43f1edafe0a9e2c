import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Every table that holds rows about one version (docs/ai.md "When a version goes"). */
const perVersionTables = [
  'ai_analyses',
  'ai_jobs',
  'image_signatures',
  'perceptual_hashes',
  'content_hashes',
] as const;

type Counts = Record<(typeof perVersionTables)[number], number>;

/** How many rows each per-version table holds for these versions. */
async function rowsOf(server: TestServer, versionIds: string[]): Promise<Counts> {
  const counts = {} as Counts;
  for (const table of perVersionTables) {
    const row = await server
      .catalog()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('version_id', 'in', versionIds)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

const none: Counts = {
  ai_analyses: 0,
  ai_jobs: 0,
  image_signatures: 0,
  perceptual_hashes: 0,
  content_hashes: 0,
};

/**
 * Uploads an image with auto-tagging, waits for its job, and asks for similar files (which
 * records its signature): every per-version table then holds a row for the version.
 */
async function analysed(
  server: TestServer,
  fileName: string,
  folder = '/purge',
  shade = 40,
): Promise<{ fileId: string; versionId: string }> {
  const response = await upload(server, {
    file: { bytes: await png(48 + shade, 36), name: fileName, type: 'image/png' },
    fields: {
      fileName,
      folder,
      useUniqueFileName: 'false',
      extensions: JSON.stringify([{ name: 'google-auto-tagging' }]),
    },
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  for (let i = 0; ; i++) {
    const status = await (await server.api(`/_ml/files/${body.fileId}/ai`)).json();
    if (status.aiStatus === 'done') break;
    assert.ok(i < 600, 'the AI job never finished');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal((await server.api(`/_ml/files/${body.fileId}/similar`)).status, 200);
  const { versionInfo } = await (await server.api(`/v1/files/${body.fileId}/details`)).json();
  const rows = await rowsOf(server, [versionInfo.id]);
  for (const table of perVersionTables) assert.equal(rows[table], 1, `${table}: ${JSON.stringify(rows)}`);
  return { fileId: body.fileId, versionId: versionInfo.id };
}

describe('per-version AI rows go with the version', () => {
  describe('with the trash', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ aiConcurrency: 1 });
    });
    after(() => server.close());

    it('deleting an old version removes its analysis, jobs, signature and hashes; the current keeps its own', async () => {
      const first = await analysed(server, 'versioned.png');
      const second = await analysed(server, 'versioned.png', '/purge', 60);
      assert.equal(second.fileId, first.fileId);
      const response = await server.api(`/v1/files/${first.fileId}/versions/${first.versionId}`, {
        method: 'DELETE',
      });
      assert.equal(response.status, 204);
      assert.deepEqual(await rowsOf(server, [first.versionId]), none);
      assert.equal((await rowsOf(server, [second.versionId])).ai_analyses, 1);
    });

    it('a file in the trash keeps its rows (a restore needs them); purged, they go', async () => {
      const file = await analysed(server, 'trashed.png');
      assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 204);
      assert.equal((await rowsOf(server, [file.versionId])).ai_analyses, 1);
      const purged = await server.api('/_ml/trash', { method: 'DELETE', json: { fileIds: [file.fileId] } });
      assert.equal(purged.status, 200, await purged.clone().text());
      assert.deepEqual(await rowsOf(server, [file.versionId]), none);
    });

    it('emptying the trash of a folder removes the rows of every version in it', async () => {
      const a = await analysed(server, 'a.png', '/purge-folder');
      const b = await analysed(server, 'b.png', '/purge-folder/inner', 80);
      const deleted = await server.api('/v1/folder', {
        method: 'DELETE',
        json: { folderPath: '/purge-folder' },
      });
      assert.equal(deleted.status, 204);
      assert.equal((await rowsOf(server, [a.versionId, b.versionId])).ai_analyses, 2);
      assert.equal((await server.api('/_ml/trash', { method: 'DELETE' })).status, 200);
      assert.deepEqual(await rowsOf(server, [a.versionId, b.versionId]), none);
    });
  });

  describe('without the trash (deletes are for good)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ aiConcurrency: 1, trashDays: 0 });
    });
    after(() => server.close());

    it('deleting a file removes the rows of all its versions', async () => {
      const first = await analysed(server, 'gone.png');
      const second = await analysed(server, 'gone.png', '/purge', 60);
      assert.equal((await server.api(`/v1/files/${first.fileId}`, { method: 'DELETE' })).status, 204);
      assert.deepEqual(await rowsOf(server, [first.versionId, second.versionId]), none);
    });

    it('a bulk delete and a folder delete remove the rows of what they delete', async () => {
      const bulk = await analysed(server, 'bulk.png');
      const response = await server.api('/v1/files/batch/deleteByFileIds', {
        method: 'POST',
        json: { fileIds: [bulk.fileId] },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await rowsOf(server, [bulk.versionId]), none);

      const inFolder = await analysed(server, 'c.png', '/gone-folder/inner');
      const deleted = await server.api('/v1/folder', {
        method: 'DELETE',
        json: { folderPath: '/gone-folder' },
      });
      assert.equal(deleted.status, 204);
      assert.deepEqual(await rowsOf(server, [inFolder.versionId]), none);
    });
  });
});
