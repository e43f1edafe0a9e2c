// searchQuery latency at 100k and 1M files: five query shapes, p50/p95 over HTTP against the
// real server. The catalog is seeded straight through the Store (rows, not bytes).
// Prints one JSON line. Run with `npm run bench:search` (BENCH_SIZES=100000 for a quick run).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { percentiles, seedSearchCatalog, searchShapes as shapes, startServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const samples = Number(process.env.BENCH_SAMPLES ?? 60);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

async function measure(url, query) {
  const path = `/v1/files?limit=100&searchQuery=${encodeURIComponent(query)}`;
  let hits = 0;
  const times = [];
  for (let i = 0; i < samples + 5; i++) {
    const started = performance.now();
    const response = await fetch(url + path, { headers: { authorization: auth } });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${query}: ${response.status} ${JSON.stringify(body)}`);
    if (i >= 5) times.push(performance.now() - started);
    hits = body.length;
  }
  return { ...percentiles(times, 1), hits };
}

const result = { bench: 'search', samples, limit: 100 };
for (const count of sizes) {
  const dataDir = await mkdtemp(join(root, '.bench-search-'));
  try {
    const seedStarted = performance.now();
    const store = await openSqliteStore(join(dataDir, 'library.db'));
    await seedSearchCatalog(store, count);
    await store.close();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const server = await startServer(dataDir, keys);
    const figures = { seedRowsPerSecond: Math.round(count / seedSeconds) };
    for (const [shape, query] of Object.entries(shapes)) figures[shape] = await measure(server.url, query);
    await server.stop();
    result[`files${count}`] = figures;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify(result));
