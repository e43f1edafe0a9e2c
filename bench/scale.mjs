// The scale path against the single machine, in one run: list and searchQuery latency at 1M files
// on PostgreSQL next to SQLite, upload throughput into an S3 bucket next to disk, and requests/s of
// `GET /v1/files?limit=100` from one node and from two sharing the catalog.
// Prints one JSON line. Run with `npm run bench:scale` (BENCH_FILES=100000 for a quick run).
// BENCH_DATA=DIR keeps the seeded SQLite catalog there and the PostgreSQL database `media_bench`
// (or BENCH_DATABASE; MEDIA_LIBRARY_TEST_POSTGRES must be set) for the next run, which skips
// seeding; BENCH_PARTS=search times listing and search only. Seeding 1M files into both takes a
// quarter of an hour or more.
//
// PostgreSQL and Redis: MEDIA_LIBRARY_TEST_POSTGRES / MEDIA_LIBRARY_TEST_REDIS when set, otherwise
// throwaway servers from .ci/services (durable settings: fsync on). The bucket is s3rver, a Node S3
// server, in its own process. Everything shares this machine's cores, load generator included.
import { execFileSync } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { openPostgresStore } from '../src/server/store/postgres.ts';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { startS3Server } from '../test/helpers/s3-server.ts';
import { percentiles, postUploads, searchShapes, seedSearchCatalog, startServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const files = Number(process.env.BENCH_FILES ?? 1_000_000);
const listSamples = Number(process.env.BENCH_LIST_SAMPLES ?? 200);
const searchSamples = Number(process.env.BENCH_SAMPLES ?? 60);
const uploads = Number(process.env.BENCH_UPLOADS ?? 100);
const uploadBytes = 1024 * 1024;
const uploadConcurrency = 8;
const loadConnections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 15);
const keep = process.env.BENCH_DATA;
const searchOnly = process.env.BENCH_PARTS === 'search';
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const s3Env = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** PostgreSQL and Redis: the ones named in the environment, or throwaway ones stopped at the end. */
async function services() {
  if (process.env.MEDIA_LIBRARY_TEST_POSTGRES && process.env.MEDIA_LIBRARY_TEST_REDIS) {
    return {
      postgres: process.env.MEDIA_LIBRARY_TEST_POSTGRES,
      redis: process.env.MEDIA_LIBRARY_TEST_REDIS,
      stop() {},
    };
  }
  // Under the system's temporary directory: PostgreSQL's own user must reach it.
  const dir = await mkdtemp(join(tmpdir(), 'media-library-bench-services-'));
  const exports = execFileSync(join(root, '.ci/services'), ['start', dir], { encoding: 'utf8' });
  const value = (name) => new RegExp(`${name}=(\\S+)`).exec(exports)[1];
  return {
    postgres: value('MEDIA_LIBRARY_TEST_POSTGRES'),
    redis: value('MEDIA_LIBRARY_TEST_REDIS'),
    stop: () => execFileSync(join(root, '.ci/services'), ['stop', dir]),
  };
}

/** s3rver (see test/helpers/s3-server.ts) and a bucket on it. */
async function startS3() {
  const server = await startS3Server();
  const client = new S3Client({
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
  client.destroy();
  return server;
}

async function createDatabase(admin, name, reuse) {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  if (reuse) return { url: url.toString(), drop() {} };
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: admin });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** Sequential requests: `samples` timings after a few unmeasured ones. */
async function latency(url, path, samples) {
  const times = [];
  for (let i = 0; i < samples + 5; i++) {
    const started = performance.now();
    const response = await fetch(url + path, { headers: { authorization: auth } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    if (i >= 5) times.push(performance.now() - started);
  }
  return percentiles(times);
}

async function searchLatency(url) {
  const out = {};
  for (const [shape, query] of Object.entries(searchShapes)) {
    out[shape] = await latency(
      url,
      `/v1/files?limit=100&searchQuery=${encodeURIComponent(query)}`,
      searchSamples,
    );
  }
  return out;
}

/** MB/s of `uploads` 1 MiB multipart uploads, `uploadConcurrency` at a time over keep-alive connections. */
async function uploadThroughput(url, label) {
  const payload = Buffer.alloc(uploadBytes, 7);
  const seconds = await postUploads(url, auth, {
    count: uploads,
    concurrency: uploadConcurrency,
    name: (i) => `${label}-${i}.bin`,
    payload: () => payload,
  });
  return Number(((uploads * uploadBytes) / 1024 / 1024 / seconds).toFixed(1));
}

/**
 * Requests/s of `path` over `loadSeconds`: `loadConnections` keep-alive connections, each sending
 * its next request as soon as the last one is answered, spread evenly over `urls`.
 */
async function throughput(urls, path) {
  const agents = urls.map(() => new Agent({ keepAlive: true, maxSockets: loadConnections }));
  let done = 0;
  let counting = false;
  let stop = false;
  const get = (u) =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(urls[u]);
      const req = request(
        { hostname, port, path, agent: agents[u], headers: { authorization: auth } },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const loops = Array.from({ length: loadConnections }, async (_, c) => {
    while (!stop) {
      await get(c % urls.length);
      if (counting) done++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  counting = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, loadSeconds * 1000));
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(loops);
  for (const agent of agents) agent.destroy();
  return Math.round(done / seconds);
}

const ratio = (a, b) => Number((a / b).toFixed(2));

const work = await mkdtemp(join(root, '.bench-scale-'));
const cleanup = [];
try {
  const { postgres, redis, stop: stopServices } = await services();
  if (keep && !process.env.MEDIA_LIBRARY_TEST_POSTGRES)
    throw new Error('BENCH_DATA needs MEDIA_LIBRARY_TEST_POSTGRES');
  cleanup.push(stopServices);
  const s3 = await startS3();
  cleanup.push(s3.stop);
  // A kept catalog counts as seeded once both stores hold all its files.
  const seededMark = keep && join(keep, `seeded-${files}`);
  const reuse =
    Boolean(seededMark) &&
    (await access(seededMark).then(
      () => true,
      () => false,
    ));
  const database = await createDatabase(postgres, process.env.BENCH_DATABASE ?? 'media_bench', reuse);
  if (!keep) cleanup.push(database.drop);

  const sqliteDir = join(keep ?? work, 'sqlite');
  const seeded = {};
  if (!reuse) {
    let started = performance.now();
    await rm(sqliteDir, { recursive: true, force: true });
    await mkdir(sqliteDir, { recursive: true });
    const sqliteStore = await openSqliteStore(join(sqliteDir, 'library.db'));
    await seedSearchCatalog(sqliteStore, files);
    await sqliteStore.close();
    seeded.sqliteRowsPerSecond = Math.round(files / ((performance.now() - started) / 1000));

    started = performance.now();
    const pgStore = await openPostgresStore(database.url);
    await seedSearchCatalog(pgStore, files);
    await pgStore.close();
    seeded.postgresRowsPerSecond = Math.round(files / ((performance.now() - started) / 1000));
    if (seededMark) await writeFile(seededMark, '');
  }
  // What autovacuum does soon after a bulk load (or a migration's rewrite): statistics and the visibility map.
  const analyze = async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('vacuum analyze');
    await admin.end();
  };
  await analyze();

  const scaleEnv = (name) => ({
    ...s3Env,
    DATABASE_URL: database.url,
    MEDIA_LIBRARY_STORAGE: 's3://bench/library',
    MEDIA_LIBRARY_S3_ENDPOINT: s3.endpoint,
    REDIS_URL: redis,
    MEDIA_LIBRARY_REDIS_PREFIX: `bench-${name}:`,
  });
  const local = await startServer(sqliteDir, keys);
  cleanup.push(local.stop);
  const nodeA = await startServer(join(work, 'node-a'), keys, scaleEnv('a'));
  cleanup.push(nodeA.stop);
  // A kept database may have just been migrated by this code (rows rewritten): analyze it again.
  if (reuse) await analyze();

  const listPath = '/v1/files?limit=100';
  const folderPath = '/v1/files?limit=100&path=/harbor/golden/&sort=DESC_CREATED';
  const sqlite = {
    listMs: await latency(local.url, listPath, listSamples),
    listFolderMs: await latency(local.url, folderPath, listSamples),
    searchMs: await searchLatency(local.url),
  };
  const postgresFigures = {
    listMs: await latency(nodeA.url, listPath, listSamples),
    listFolderMs: await latency(nodeA.url, folderPath, listSamples),
    searchMs: await searchLatency(nodeA.url),
  };
  const searchP95Ratio = Object.fromEntries(
    Object.keys(searchShapes).map((shape) => [
      shape,
      ratio(postgresFigures.searchMs[shape].p95, sqlite.searchMs[shape].p95),
    ]),
  );

  const searchFigures = {
    files,
    ...seeded,
    sqlite: {
      listP50Ms: sqlite.listMs.p50,
      listFolderP50Ms: sqlite.listFolderMs.p50,
      searchMs: sqlite.searchMs,
    },
    postgres: {
      listP50Ms: postgresFigures.listMs.p50,
      listFolderP50Ms: postgresFigures.listFolderMs.p50,
      searchMs: postgresFigures.searchMs,
    },
    searchP95Ratio,
    worstSearchP95Ratio: Math.max(...Object.values(searchP95Ratio)),
  };
  if (searchOnly) {
    console.log(
      JSON.stringify({
        bench: 'scale',
        parts: 'search',
        ...searchFigures,
      }),
    );
  } else {
    const upload = {
      uploads,
      fileBytes: uploadBytes,
      concurrency: uploadConcurrency,
      diskMBps: await uploadThroughput(local.url, 'disk'),
      bucketMBps: await uploadThroughput(nodeA.url, 'bucket'),
    };
    upload.bucketToDiskRatio = ratio(upload.bucketMBps, upload.diskMBps);

    await local.stop();
    cleanup.splice(cleanup.indexOf(local.stop), 1);
    const oneNode = await throughput([nodeA.url], listPath);
    const nodeB = await startServer(join(work, 'node-b'), keys, scaleEnv('b'));
    cleanup.push(nodeB.stop);
    const twoNodes = await throughput([nodeA.url, nodeB.url], listPath);

    console.log(
      JSON.stringify({
        bench: 'scale',
        ...searchFigures,
        upload,
        listThroughput: {
          path: listPath,
          connections: loadConnections,
          seconds: loadSeconds,
          oneNodeRps: oneNode,
          twoNodesRps: twoNodes,
          ratio: ratio(twoNodes, oneNode),
          cores: availableParallelism(),
          note: 'nodes, PostgreSQL, Redis and the load generator share these cores',
        },
      }),
    );
  }
} finally {
  for (const stop of cleanup.reverse()) await Promise.resolve(stop()).catch(() => {});
  await rm(work, { recursive: true, force: true });
}
