// searchQuery latency at 100k and 1M files: five query shapes, p50/p95 over HTTP against the
// real server. The catalog is seeded straight through the Store (rows, not bytes).
// Prints one JSON line. Run with `npm run bench:search` (BENCH_SIZES=100000 for a quick run).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { percentiles, startServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const samples = Number(process.env.BENCH_SAMPLES ?? 60);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

const adjectives =
  'crimson azure golden silver misty rustic vivid quiet bold gentle bright dusky frosty lunar solar coastal urban wild calm stormy'.split(
    ' ',
  );
const nouns =
  'dress harbor sunset forest meadow skyline portrait canyon river garden market bridge lantern mountain desert island street window orchard glacier'.split(
    ' ',
  );
const tagWords = Array.from(
  { length: 200 },
  (_, i) => `${nouns[i % nouns.length]}${i < nouns.length ? '' : `-${i}`}`,
);
const brands = Array.from({ length: 50 }, (_, i) => `Brand${i}`);

/** Deterministic pseudo-random numbers, so every run seeds the same catalog. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function seed(dataDir, count) {
  const store = await openSqliteStore(join(dataDir, 'library.db'));
  const next = random(42);
  const pick = (items) => items[Math.floor(next() * items.length)];
  const now = Date.now();
  const threeYears = 3 * 365 * 86_400_000;
  for (const [name, schema] of [
    ['brand', { type: 'Text' }],
    ['price', { type: 'Number' }],
  ]) {
    await store.insertCustomMetadataField({
      id: name,
      name,
      label: name,
      schema,
      description: null,
      isDeleted: false,
      createdAt: now,
      updatedAt: now,
    });
  }
  const batch = 10_000;
  for (let start = 0; start < count; start += batch) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const id = (0x10000000 + i).toString(16).padStart(8, '0') + i.toString(16).padStart(16, '0');
        const folder = `/${pick(nouns)}/${pick(adjectives)}/`;
        const name = `${pick(adjectives)}-${pick(nouns)}-${i}.jpg`;
        const created = now - Math.floor(next() * threeYears);
        await tx.insertFileVersion({
          versionId: id,
          fileId: id,
          versionNumber: 1,
          isCurrent: true,
          name,
          folder,
          filePath: folder + name,
          blobKey: `originals/${id.slice(-2)}/${id}`,
          size: Math.floor(10_000 + next() * 20_000_000),
          mime: 'image/jpeg',
          fileType: 'image',
          format: 'jpg',
          width: 200 + Math.floor(next() * 4000),
          height: 200 + Math.floor(next() * 3000),
          hasAlpha: false,
          tags: [pick(tagWords), pick(tagWords), pick(tagWords)],
          aiTags: null,
          customCoordinates: null,
          customMetadata: { brand: pick(brands), price: Math.floor(next() * 1000) },
          embeddedMetadata: {},
          description: null,
          isPrivate: false,
          isPublished: true,
          createdAt: created,
          updatedAt: created,
        });
      }
    });
  }
  await store.close();
}

const shapes = {
  namePrefix: 'name : "crimson-har"',
  tagIn: 'tags IN ["sunset", "harbor-40"]',
  sizeAndDate: 'size > "5mb" AND createdAt > "30d"',
  metadataEquals: '"customMetadata.brand" = "Brand7"',
  threeClauses: '(tags IN ["sunset"] OR name : "golden") AND width > 3000',
};

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
    await seed(dataDir, count);
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
