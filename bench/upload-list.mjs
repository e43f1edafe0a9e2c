// Upload throughput against a raw disk write (and against a bare node:http server that only
// receives, hashes and syncs: the ceiling any upload server in Node reaches on this machine), and
// list latency with 100k files in the catalog.
// Prints one JSON line. Run with `npm run bench` (tsx loads the TypeScript sources).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { catalogRow, percentiles, pool, postUploads, startServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const uploads = Number(process.env.BENCH_UPLOADS ?? 200);
const fileBytes = 1024 * 1024;
const concurrency = 8;
const catalogSize = Number(process.env.BENCH_FILES ?? 100_000);
const listSamples = Number(process.env.BENCH_LIST_SAMPLES ?? 500);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

const payloads = Array.from({ length: uploads }, () => randomBytes(fileBytes));

async function rawWrite(dir) {
  await mkdir(dir, { recursive: true });
  return pool(uploads, concurrency, async (i) => {
    const temp = join(dir, `${i}.tmp`);
    const handle = await open(temp, 'w');
    await handle.writeFile(payloads[i]);
    await handle.sync();
    await handle.close();
    await rename(temp, join(dir, `${i}.bin`));
  });
}

/**
 * The floor under any upload server on this machine: node:http streaming each body to a file,
 * hashing it (SHA-256, as uploads are), syncing and renaming it; no parsing, no catalog. Answers
 * elapsed seconds for the same uploads the media server gets.
 */
async function bareServerWrite(dir) {
  await mkdir(dir, { recursive: true });
  let next = 0;
  const server = createServer((request, response) => {
    const path = join(dir, `${next++}.tmp`);
    const hash = createHash('sha256');
    request.on('data', (chunk) => hash.update(chunk));
    request.pipe(createWriteStream(path)).on('finish', async () => {
      const handle = await open(path, 'r');
      await handle.sync();
      await handle.close();
      await rename(path, `${path}.bin`);
      response.end(JSON.stringify({ sha256: hash.digest('hex') }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await uploadAll(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

/** CPU milliseconds (user + system) process `pid` has used so far; undefined where /proc is not. */
async function cpuMsOf(pid) {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Posts each payload through the upload API, `concurrency` at a time; answers elapsed seconds. */
function uploadAll(url) {
  return postUploads(url, auth, {
    count: uploads,
    concurrency,
    name: (i) => `bench-${i}.bin`,
    payload: (i) => payloads[i],
  });
}

/** Puts `count` files in the catalog directly (the list benchmark needs rows, not bytes). */
async function seedCatalog(dataDir, count) {
  const store = await openSqliteStore(join(dataDir, 'library.db'));
  const base = Date.now() - count * 1000;
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const id = (0x10000000 + i).toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
        const folder = `/folder-${i % 100}/`;
        const name = `seed-${i}.jpg`;
        await tx.files.insertVersion(
          catalogRow(id, folder, name, {
            size: 100_000 + i,
            tags: ['seed', `t${i % 50}`],
            createdAt: base + i * 1000,
            updatedAt: base + i * 1000,
          }),
        );
      }
    });
  }
  await store.close();
}

async function latency(url, path) {
  const samples = [];
  for (let i = 0; i < 20; i++)
    await (await fetch(url + path, { headers: { authorization: auth } })).arrayBuffer();
  for (let i = 0; i < listSamples; i++) {
    const started = performance.now();
    const response = await fetch(url + path, { headers: { authorization: auth } });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  }
  return percentiles(samples);
}

const work = await mkdtemp(join(root, '.bench-'));
try {
  // CPU figures hold on a busy machine, where elapsed time says more about the neighbours.
  const rawCpu = process.cpuUsage();
  const rawSeconds = await rawWrite(join(work, 'raw'));
  const rawCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(rawCpu));
  const bareSeconds = await bareServerWrite(join(work, 'bare'));
  const dataDir = join(work, 'data');
  let server = await startServer(dataDir, keys);
  const serverCpuBefore = await cpuMsOf(server.pid);
  const uploadSeconds = await uploadAll(server.url);
  const serverCpuAfter = await cpuMsOf(server.pid);
  await server.stop();

  const seedStarted = performance.now();
  await seedCatalog(dataDir, catalogSize);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  server = await startServer(dataDir, keys);
  const list = await latency(server.url, '/v1/files?limit=100');
  const listFolder = await latency(server.url, '/v1/files?limit=100&path=/folder-7/&sort=DESC_CREATED');
  const listDeep = await latency(server.url, '/v1/files?limit=100&skip=90000');
  await server.stop();

  const mb = (uploads * fileBytes) / 1024 / 1024;
  console.log(
    JSON.stringify({
      bench: 'upload-list',
      uploads,
      fileBytes,
      concurrency,
      uploadsPerSecond: Number((uploads / uploadSeconds).toFixed(1)),
      uploadMBps: Number((mb / uploadSeconds).toFixed(1)),
      rawWriteMBps: Number((mb / rawSeconds).toFixed(1)),
      uploadToRawRatio: Number((rawSeconds / uploadSeconds).toFixed(2)),
      // What a server doing nothing but receive, hash and sync reaches: the ceiling for the ratio above.
      bareServerToRawRatio: Number((rawSeconds / bareSeconds).toFixed(2)),
      serverCpuMsPerUpload:
        serverCpuAfter === undefined
          ? null
          : Number(((serverCpuAfter - serverCpuBefore) / uploads).toFixed(2)),
      rawWriteCpuMsPerFile: Number((rawCpuMs / uploads).toFixed(2)),
      loadAverage: Number(loadavg()[0].toFixed(1)),
      catalogFiles: catalogSize + uploads,
      seedRowsPerSecond: Math.round(catalogSize / seedSeconds),
      listLimit100Ms: list,
      listFolderLimit100Ms: listFolder,
      listSkip90000Ms: listDeep,
    }),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
