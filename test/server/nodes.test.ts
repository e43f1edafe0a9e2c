import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { signUpload } from '../../src/server/auth/authenticate.js';
import { type RunningServer, serveCli } from '../helpers/cli.js';
import { blobOf, png, uploadForm } from '../helpers/fixtures.js';
import {
  createScaleBackends,
  openPostgresCatalog,
  type ScaleBackends,
  testBackend,
} from '../helpers/scale.js';
import { basicAuth, scaleOptions, startTestServer, type TestServer } from '../helpers/server.js';
import {
  createTusUpload,
  patchTusUpload,
  patchTusUploadSlowly,
  patternBytes,
  sha256,
  tusOffset,
} from '../helpers/tus.js';

/**
 * Many nodes on the scale path: server processes sharing one PostgreSQL database, bucket and Redis,
 * each with its own data directory (staging only). What one node does, the other sees; what they
 * must agree on (spent tokens, rate limits, jobs, render locks) they agree on.
 */

const keys = { publicKey: 'public_nodes', privateKey: 'private_nodes' };
const auth = basicAuth(keys.privateKey);
const limit = 60;
const skip = testBackend !== 'scale' && 'the scale path only (npm run test:scale)';

async function waitForJob(url: string, jobId: string): Promise<{ status: string; error?: string }> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/v1/bulkJobs/${jobId}`, { headers: { authorization: auth } });
    // The rate limit test shares this key's window; wait it out rather than read a refusal as the job.
    const wait = response.status === 429 ? Number(response.headers.get('retry-after-ms')) : 250;
    const job = response.status === 200 ? await response.json() : undefined;
    if (job && job.status !== 'Pending') return job;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  throw new Error('the job never finished');
}

async function uploadTo(
  url: string,
  name: string,
  folder: string,
  bytes: Buffer,
  fields: Record<string, string> = {},
) {
  const form = uploadForm({
    file: { bytes, name },
    fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
  });
  const headers: Record<string, string> = fields.signature ? {} : { authorization: auth };
  return fetch(`${url}/api/v1/files/upload`, { method: 'POST', body: form, headers });
}

describe('two server processes on one PostgreSQL, bucket and Redis', { skip }, () => {
  let backends: ScaleBackends;
  let a: RunningServer;
  let b: RunningServer;
  const dirs: string[] = [];

  const start = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-library-node-'));
    dirs.push(dir);
    return serveCli(['--data', dir], {
      ...backends.env,
      MEDIA_LIBRARY_PUBLIC_KEY: keys.publicKey,
      MEDIA_LIBRARY_PRIVATE_KEY: keys.privateKey,
      MEDIA_LIBRARY_RATE_LIMIT: `${limit}/1m`,
      MEDIA_LIBRARY_JOB_LEASE_MS: '2000',
      MEDIA_LIBRARY_LOG_LEVEL: 'error',
    });
  };

  before(async () => {
    backends = await createScaleBackends();
    // Together: both migrate and look for a first key pair at once.
    [a, b] = await Promise.all([start(), start()]);
  });
  after(async () => {
    for (const node of [a, b]) if (node && node.child.exitCode === null) node.child.kill('SIGKILL');
    await backends?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('made one first key pair, though both started on an empty catalog', async () => {
    const pairs = await (await fetch(`${b.url}/_ml/keys`, { headers: { authorization: auth } })).json();
    assert.deepEqual(
      pairs.map((p: { publicKey: string }) => p.publicKey),
      [keys.publicKey],
    );
    // Each first thing is made once, by whichever node's transaction came first.
    for (const made of ['Created the first API key pair', 'Created the first admin']) {
      assert.equal([a.banner, b.banner].filter((banner) => banner.includes(made)).length, 1, made);
    }
  });

  it('lists, searches and delivers on B what was uploaded on A', async () => {
    const bytes = await png(64, 48);
    const uploaded = await uploadTo(a.url, 'harbour-at-dawn.png', '/shared', bytes, { tags: 'sea,morning' });
    assert.equal(uploaded.status, 200, await uploaded.clone().text());
    const { fileId, filePath } = await uploaded.json();

    const listed = await (
      await fetch(`${b.url}/v1/files?path=/shared/`, { headers: { authorization: auth } })
    ).json();
    assert.deepEqual(
      listed.map((f: { fileId: string }) => f.fileId),
      [fileId],
    );
    const query = encodeURIComponent('name : "harb" AND tags IN ["sea"]');
    const found = await (
      await fetch(`${b.url}/v1/files?searchQuery=${query}`, { headers: { authorization: auth } })
    ).json();
    assert.deepEqual(
      found.map((f: { fileId: string }) => f.fileId),
      [fileId],
    );

    const original = await fetch(`${b.url}${filePath}`);
    assert.equal(original.status, 200);
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), bytes, 'the same bytes, from the bucket');
    const ranged = await fetch(`${b.url}${filePath}`, { headers: { range: 'bytes=1-8' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(1, 9));
    const resized = await fetch(`${b.url}${filePath}?tr=w-16`);
    assert.equal(resized.status, 200);
    assert.equal((await sharp(Buffer.from(await resized.arrayBuffer())).metadata()).width, 16);
  });

  it('takes on B the next bytes of a resumable upload begun on A, one PATCH at a time', async () => {
    const headers = { authorization: auth };
    const size = 20 * 1024 * 1024;
    const half = 12 * 1024 * 1024;
    const bytes = patternBytes(size, 7);
    const created = await createTusUpload(a.url, { fileName: 'relay.bin', folder: '/relay' }, size, headers);
    assert.equal(created.response.status, 201);
    const onA = created.url!;
    const onB = `${b.url}${new URL(onA).pathname}`;

    // A PATCH arriving on B while A still receives one at the same offset waits for A's, then is
    // refused for the offset A's moved on to: the lock is shared (Redis), not per node.
    const first = patchTusUploadSlowly(onA, 0, bytes.subarray(0, half), headers, {
      pieceBytes: 1024 * 1024,
      pauseMs: 60,
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const racing = await patchTusUpload(onB, 0, bytes.subarray(0, half), headers);
    assert.equal((await first).status, 204);
    assert.equal(racing.status, 409, await racing.text());

    assert.equal(await tusOffset(onB, headers), half);
    const done = await patchTusUpload(onB, half, bytes.subarray(half), headers);
    assert.equal(done.status, 200, await done.clone().text());
    const file = (await done.json()) as { fileId: string; filePath: string; size: number };
    assert.equal(file.size, size);
    // A answers the finished upload too, and serves its bytes whole.
    const again = await fetch(onA, { headers });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { fileId: string }).fileId, file.fileId);
    const original = await fetch(`${a.url}${file.filePath}`);
    assert.equal(sha256(Buffer.from(await original.arrayBuffer())), sha256(bytes));
    // Nothing of the upload waits on either node's disk.
    for (const dir of dirs) assert.deepEqual(await readdir(join(dir, 'tus')).catch(() => []), []);
  });

  it('refuses on B an upload signature already spent on A', async () => {
    const token = randomUUID();
    const expire = String(Math.floor(Date.now() / 1000) + 600);
    const fields = {
      publicKey: keys.publicKey,
      token,
      expire,
      signature: signUpload(keys.privateKey, token, expire),
    };
    const bytes = await png(8, 8);
    const first = await uploadTo(a.url, 'signed.png', '/signed', bytes, fields);
    assert.equal(first.status, 200, await first.clone().text());
    const replay = await uploadTo(b.url, 'signed-again.png', '/signed', bytes, fields);
    assert.equal(replay.status, 400);
    assert.match((await replay.json()).message, /has been used before/);
  });

  it('counts a rate limit across both nodes', async () => {
    const usage = (url: string) =>
      fetch(`${url}/v1/accounts/usage?startDate=2024-01-01&endDate=2024-01-31`, {
        headers: { authorization: auth },
      });
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++) statuses.push((await usage(i % 2 === 0 ? a.url : b.url)).status);
    assert.deepEqual(statuses, Array(limit).fill(200), 'half on each node: neither alone is at the limit');
    for (const url of [a.url, b.url]) {
      const refused = await usage(url);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('x-ratelimit-limit'), String(limit));
    }
  });

  it('completes on B a folder move that A was running when it was killed with SIGKILL', async (t) => {
    const files = 120;
    const bytes = await png(8, 8);
    for (let i = 0; i < files; i++) {
      const response = await uploadTo(a.url, `f${i}.png`, '/move-me/inner', bytes);
      assert.equal(response.status, 200);
    }
    const response = await fetch(`${a.url}/v1/bulkJobs/moveFolder`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ sourceFolderPath: '/move-me', destinationPath: '/moved' }),
    });
    assert.equal(response.status, 200);
    const { jobId } = await response.json();
    a.child.kill('SIGKILL');
    await once(a.child, 'exit');

    const catalog = openPostgresCatalog(backends.database);
    try {
      const row = await catalog
        .selectFrom('jobs')
        .selectAll()
        .where('job_id', '=', jobId)
        .executeTakeFirstOrThrow();
      t.diagnostic(`when A died the job was ${row.status}, claimed by ${row.claimed_by ? 'a node' : 'none'}`);

      const done = await waitForJob(b.url, jobId);
      assert.deepEqual(done, { jobId, type: 'MOVE_FOLDER', status: 'Completed' } as typeof done);
      const count = async (path: string) =>
        (
          await (
            await fetch(`${b.url}/v1/files?path=${path}&limit=1000`, { headers: { authorization: auth } })
          ).json()
        ).length;
      assert.equal(await count('/moved/move-me/inner/'), files);
      assert.equal(await count('/move-me/inner/'), 0);
      const left = await catalog
        .selectFrom('file_versions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('folder', 'like', '/move-me/%')
        .executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 0, 'nothing half-moved');
    } finally {
      await catalog.destroy();
    }
  });
});

describe('two nodes render a new transformation once between them', { skip }, () => {
  let backends: ScaleBackends;
  let nodes: TestServer[];
  before(async () => {
    backends = await createScaleBackends();
    nodes = [await startTestServer(scaleOptions(backends)), await startTestServer(scaleOptions(backends))];
  });
  after(async () => {
    for (const node of nodes ?? []) await node.close();
    await backends?.drop();
  });

  it('one renders, the other waits for the stored copy (Redis lock)', async () => {
    const form = new FormData();
    form.append('file', blobOf(await png(400, 300)), 'big.png');
    form.append('fileName', 'big.png');
    form.append('useUniqueFileName', 'false');
    const uploaded = await (
      await nodes[0]!.api('/api/v1/files/upload', { method: 'POST', body: form })
    ).json();
    const url = (node: TestServer) => `${node.url}${uploaded.filePath}?tr=w-123,h-77,c-force`;
    const answers = await Promise.all(
      [...nodes, ...nodes, ...nodes].map(async (node) =>
        Buffer.from(await (await fetch(url(node))).arrayBuffer()),
      ),
    );
    const renders = nodes.reduce((sum, node) => sum + node.server.context.derivedImages.renders, 0);
    assert.equal(renders, 1, 'six requests on two nodes, one render');
    for (const bytes of answers) assert.deepEqual(bytes, answers[0]);
    assert.equal((await sharp(answers[0]!).metadata()).width, 123);
  });
});
