import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type RunningServer, serveCli } from '../helpers/cli.js';
import { png, upload } from '../helpers/fixtures.js';
import { testBackend } from '../helpers/scale.js';
import { basicAuth, startTestServer, type TestServer } from '../helpers/server.js';

interface Listed {
  name: string;
  filePath?: string;
  folderPath?: string;
  fileId?: string;
  versionInfo?: { name: string };
}

async function waitForJob(
  get: () => Promise<Response>,
): Promise<{ jobId: string; status: string; type: string; error?: string }> {
  for (let i = 0; i < 200; i++) {
    const job = await (await get()).json();
    if (job.status !== 'Pending') return job;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('job never finished');
}

describe('folder jobs', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function put(folder: string, name: string, width = 10) {
    const response = await upload(server, {
      file: { bytes: await png(width, 10), name },
      fields: { fileName: name, folder, useUniqueFileName: 'false' },
    });
    assert.equal(response.status, 200);
    return response.json();
  }
  const list = async (query: string): Promise<Listed[]> => (await server.api(`/v1/files?${query}`)).json();
  const paths = async (query: string) => (await list(query)).map((a) => a.filePath ?? a.folderPath).sort();
  const job = async (path: string, json: unknown) => {
    const response = await server.api(`/v1/bulkJobs/${path}`, { method: 'POST', json });
    assert.equal(response.status, 200, await response.clone().text());
    const { jobId } = await response.json();
    assert.match(jobId, /^[0-9a-f]{24}$/);
    return waitForJob(() => server.api(`/v1/bulkJobs/${jobId}`));
  };

  it('moves a folder tree with its files, versions and empty subfolders', async () => {
    await put('/src/a', 'x.png');
    await put('/src/a', 'x.png', 20);
    await put('/src/a/b', 'y.png');
    await server.api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'empty', parentFolderPath: '/src' },
    });
    const result = await job('moveFolder', { sourceFolderPath: '/src/a', destinationPath: '/dst/' });
    assert.deepEqual(result, {
      jobId: result.jobId,
      type: 'MOVE_FOLDER',
      status: 'Completed',
    } as typeof result);
    assert.deepEqual(await paths('type=all&path=/dst/a/'), ['/dst/a/b', '/dst/a/x.png']);
    assert.deepEqual(await paths('path=/dst/a/b/'), ['/dst/a/b/y.png']);
    assert.deepEqual(await paths('type=all&path=/src/'), ['/src/empty']);
    const [x] = await list('path=/dst/a/');
    assert.equal(x?.versionInfo?.name, 'Version 2');
    const versions = await (await server.api(`/v1/files/${x?.fileId}/versions`)).json();
    assert.deepEqual(
      versions.map((v: Listed) => v.filePath),
      ['/dst/a/x.png', '/dst/a/x.png'],
    );
  });

  it('merges into a folder of the same name, appending versions of same-named files', async () => {
    const existing = await put('/merge-into/pics', 'p.png', 1);
    await put('/merge-from/pics', 'p.png', 2);
    await put('/merge-from/pics', 'q.png', 3);
    await job('moveFolder', { sourceFolderPath: '/merge-from/pics', destinationPath: '/merge-into' });
    assert.deepEqual(await paths('path=/merge-into/pics/'), [
      '/merge-into/pics/p.png',
      '/merge-into/pics/q.png',
    ]);
    const merged = await (await server.api(`/v1/files/${existing.fileId}/details`)).json();
    assert.equal(merged.width, 2);
    assert.equal(merged.versionInfo.name, 'Version 2');
  });

  it('copies a folder tree with new bytes, with or without versions', async () => {
    await put('/orig', 'o.png', 5);
    await put('/orig', 'o.png', 6);
    await put('/orig/sub', 's.png');
    const before = (await server.blobKeys()).length;
    const result = await job('copyFolder', {
      sourceFolderPath: '/orig',
      destinationPath: '/copies',
      includeVersions: true,
    });
    assert.equal(result.status, 'Completed');
    assert.equal(result.type, 'COPY_FOLDER');
    assert.deepEqual(await paths('type=all&path=/copies/orig/'), ['/copies/orig/o.png', '/copies/orig/sub']);
    const [copy] = await list('path=/copies/orig/');
    assert.equal((await (await server.api(`/v1/files/${copy?.fileId}/versions`)).json()).length, 2);
    await job('copyFolder', { sourceFolderPath: '/orig', destinationPath: '/latest' });
    const [latest] = await list('path=/latest/orig/');
    assert.equal((await (await server.api(`/v1/files/${latest?.fileId}/versions`)).json()).length, 1);
    assert.deepEqual(await paths('type=all&path=/orig/'), ['/orig/o.png', '/orig/sub'], 'the source stays');
    // Three versions copied with their history, then two current files.
    assert.equal((await server.blobKeys()).length, before + 5);
  });

  it('renames a folder, refusing a taken or unchanged name', async () => {
    await put('/rename-me/in', 'r.png');
    await server.api('/v1/folder', { method: 'POST', json: { folderName: 'taken', parentFolderPath: '/' } });
    const result = await job('renameFolder', { folderPath: '/rename-me', newFolderName: 'renamed' });
    assert.equal(result.type, 'RENAME_FOLDER');
    assert.deepEqual(await paths('path=/renamed/in/'), ['/renamed/in/r.png']);
    const taken = await server.api('/v1/bulkJobs/renameFolder', {
      method: 'POST',
      json: { folderPath: '/renamed', newFolderName: 'taken' },
    });
    assert.equal(taken.status, 409);
    const same = await server.api('/v1/bulkJobs/renameFolder', {
      method: 'POST',
      json: { folderPath: '/renamed', newFolderName: 'renamed' },
    });
    assert.equal(same.status, 400);
  });

  it('refuses missing folders, the root, moves into itself and unknown jobs', async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      [
        'moveFolder',
        { sourceFolderPath: '/ghost', destinationPath: '/x' },
        404,
        /No folder found with folderPath `\/ghost`/,
      ],
      ['copyFolder', { sourceFolderPath: '/', destinationPath: '/x' }, 400, /root folder/],
      ['moveFolder', { sourceFolderPath: '/renamed', destinationPath: '/renamed/in' }, 400, /into itself/],
      [
        'copyFolder',
        { sourceFolderPath: '/renamed', destinationPath: '/' },
        400,
        /already in that destination/,
      ],
      ['moveFolder', { sourceFolderPath: '/renamed' }, 400, /missing the destinationPath/],
    ];
    for (const [path, json, status, message] of cases) {
      const response = await server.api(`/v1/bulkJobs/${path}`, { method: 'POST', json });
      assert.equal(response.status, status, JSON.stringify(json));
      assert.match((await response.json()).message, message);
    }
    const unknown = await server.api('/v1/bulkJobs/000000000000000000000000');
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).message, 'The requested job does not exist.');
  });
});

// One node over its data directory; test/server/nodes.test.ts kills a node of many.
describe('folder jobs survive kill -9', {
  skip: testBackend === 'scale' && 'a single-machine library',
}, () => {
  let dataDir: string;
  let running: RunningServer | undefined;
  const env = { MEDIA_LIBRARY_PUBLIC_KEY: 'public_jobs', MEDIA_LIBRARY_PRIVATE_KEY: 'private_jobs' };
  const headers = { authorization: basicAuth('private_jobs') };
  const files = 120;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-jobs-'));
  });
  after(async () => {
    running?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function seed(url: string, folder: string) {
    const bytes = await png(8, 8);
    for (let i = 0; i < files; i++) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), `f${i}.png`);
      for (const [k, v] of Object.entries({ fileName: `f${i}.png`, folder, useUniqueFileName: 'false' }))
        form.append(k, v);
      const response = await fetch(`${url}/api/v1/files/upload`, { method: 'POST', body: form, headers });
      assert.equal(response.status, 200);
    }
  }

  async function count(url: string, path: string): Promise<number> {
    const listed = await (
      await fetch(`${url}/v1/files?path=${encodeURIComponent(path)}&limit=1000`, { headers })
    ).json();
    return listed.length;
  }

  async function assertBlobsMatchRows() {
    const db = new Database(join(dataDir, 'library.db'), { readonly: true });
    const rows = db.prepare('select blob_key from file_versions').all() as Array<{ blob_key: string }>;
    db.close();
    for (const row of rows) await stat(join(dataDir, 'blobs', row.blob_key));
    const blobs = (await readdir(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })).filter(
      (e) => e.isFile(),
    );
    assert.equal(blobs.length, rows.length, 'no orphan blob and no missing one');
  }

  for (const kind of ['moveFolder', 'copyFolder'] as const) {
    it(`${kind} killed as it starts: after a restart it completes, never half in two places`, async (t) => {
      running = await serveCli(['--data', dataDir], env);
      const source = `/${kind}-src/`;
      await seed(running.url, source);
      const response = await fetch(`${running.url}/v1/bulkJobs/${kind}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ sourceFolderPath: source, destinationPath: '/dest/' }),
      });
      const { jobId } = await response.json();
      running.child.kill('SIGKILL');
      await once(running.child, 'exit');

      const db = new Database(join(dataDir, 'library.db'), { readonly: true });
      const { status } = db.prepare('select status from jobs where job_id = ?').get(jobId) as {
        status: string;
      };
      db.close();
      t.diagnostic(`job was ${status} when the server died`);

      running = await serveCli(['--data', dataDir], env);
      const url = running.url;
      const done = await waitForJob(() => fetch(`${url}/v1/bulkJobs/${jobId}`, { headers }));
      assert.equal(done.status, 'Completed');
      const moved = await count(url, `/dest${source}`);
      const left = await count(url, source);
      assert.equal(moved, files);
      assert.equal(left, kind === 'moveFolder' ? 0 : files);
      await assertBlobsMatchRows();
      running.child.kill('SIGKILL');
      await once(running.child, 'exit');
    });
  }
});
