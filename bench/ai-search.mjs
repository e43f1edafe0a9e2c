// Search suggestions at 1M files and "find similar" at 100k images: p50/p95 over HTTP against the
// real server (SQLite), for an admin key and for a DAM member granted a few folder trees. The
// catalogs are seeded straight through the Store (rows and signatures, not bytes).
// Prints one JSON line. `npm run bench:ai-search` (BENCH_SUGGEST_FILES=100000 for a quick run).
// Each figure is `{ http, server, cpu }`: the client's round trip, the server's own time (its
// `Server-Timing: app;dur=`, from the request's arrival to the body being sent) and the server
// process's CPU time meanwhile (`cpu;dur=`: what a loaded machine does not inflate).
// BENCH_DATA_DIR=<dir> keeps the seeded catalogs there and reuses them on the next run (seeding 1M
// rows takes many minutes on a shared machine); the server migrates them if the code moved on.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bandsOf } from '../src/server/media/image-signature.ts';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { signSessionToken } from '../src/shared/session-token.ts';
import { catalogRow, percentiles, startServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const suggestFiles = Number(process.env.BENCH_SUGGEST_FILES ?? 1_000_000);
const similarFiles = Number(process.env.BENCH_SIMILAR_FILES ?? 100_000);
const samples = Number(process.env.BENCH_SAMPLES ?? 60);
const keptData = process.env.BENCH_DATA_DIR;
const warmUp = Number(process.env.BENCH_WARMUP ?? 5);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const basic = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
const next = random(7);
const pick = (items) => items[Math.floor(next() * items.length)];
const words =
  'crimson azure golden silver misty rustic vivid quiet bold gentle bright dusky frosty lunar solar coastal urban wild calm stormy dress harbor sunset forest meadow skyline portrait canyon river garden market bridge lantern mountain desert island street window orchard glacier'.split(
    ' ',
  );
const tagWords = Array.from({ length: 2000 }, (_, i) => `${words[i % words.length]}-${i}`);
const aiWords = Array.from({ length: 300 }, (_, i) => `${words[(i * 7) % words.length]}${i}`);
const folders = Array.from(
  { length: 400 },
  (_, i) => `/${words[i % words.length]}/${words[(i * 3) % words.length]}-${i}/`,
);

const idOf = (i) => (0x20000000 + i).toString(16).padStart(8, '0') + i.toString(16).padStart(16, '0');

/** `count` current image rows with names, tags, AI tags, a text metadata field and folder rows. */
async function seedFiles(store, count) {
  const now = Date.now();
  await store.customMetadataFields.insert({
    id: 'brand',
    name: 'brand',
    label: 'brand',
    schema: { type: 'Text' },
    description: null,
    isDeleted: false,
    createdAt: now,
    updatedAt: now,
  });
  for (const path of new Set(folders.flatMap((f) => [f, `/${f.split('/')[1]}/`]))) {
    const parts = path.split('/').filter(Boolean);
    await store.folders.insertIfMissing({
      folderId: `f${path.replace(/\W/g, '')}`,
      path,
      parent: parts.length > 1 ? `/${parts.slice(0, -1).join('/')}/` : '/',
      name: parts.at(-1),
      customMetadata: {},
      createdAt: now,
      updatedAt: now,
    });
  }
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const id = idOf(i);
      const folder = pick(folders);
      const name = `${pick(words)}-${pick(words)}-${i}.jpg`;
      const created = now - Math.floor(next() * 1e11);
      rows.push(
        catalogRow(id, folder, name, {
          blobKey: `originals/${id}`,
          width: 800,
          height: 600,
          tags: [pick(tagWords), pick(tagWords)],
          aiTags: [{ name: pick(aiWords), confidence: 80, source: 'bench' }],
          customMetadata: { brand: `${pick(words)} ${pick(words)}` },
          createdAt: created,
          updatedAt: created,
        }),
      );
    }
    await store.files.insertVersions(rows);
  }
}

/** A signature per file: 2,000 scenes, each image its scene's pHash with up to 6 bits flipped; colours skewed. */
async function seedSignatures(store, count) {
  const scenes = Array.from({ length: 2000 }, () =>
    Array.from({ length: 4 }, () => Math.floor(next() * 65536)),
  );
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    await store.transaction(async (s) => {
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const bands = [...pick(scenes)];
        for (let flips = Math.floor(next() * 7); flips > 0; flips--)
          bands[Math.floor(next() * 4)] ^= 1 << Math.floor(next() * 16);
        const phash = bands.map((b) => b.toString(16).padStart(4, '0')).join('');
        const histogram = Array.from({ length: 64 }, () =>
          Math.floor(next() ** 3 * 40)
            .toString(16)
            .padStart(2, '0'),
        ).join('');
        const colour = next() < 0.7 ? Math.floor(next() * 8) : Math.floor(next() * 64);
        await s.imageSignatures.record(idOf(i), { phash, bands: bandsOf(phash), colour, histogram });
      }
    });
  }
}

/** A metric of the response's `Server-Timing` header (`app`: the server's time; `cpu`: its CPU time). */
function serverTime(response, metric) {
  const match = new RegExp(`(?:^|,)\\s*${metric};dur=([\\d.]+)`).exec(
    response.headers.get('server-timing') ?? '',
  );
  return match ? Number(match[1]) : Number.NaN;
}

/** p50/p95 of `samples` GETs cycling through `paths`, after BENCH_WARMUP (5) unmeasured ones. */
async function time(url, paths, authorization) {
  const http = [];
  const server = [];
  const cpu = [];
  for (let i = 0; i < samples + warmUp; i++) {
    const path = paths[i % paths.length];
    const started = performance.now();
    const response = await fetch(url + path, { headers: { authorization } });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    if (i < warmUp) continue;
    http.push(performance.now() - started);
    server.push(serverTime(response, 'app'));
    cpu.push(serverTime(response, 'cpu'));
  }
  return { http: percentiles(http, 1), server: percentiles(server, 1), cpu: percentiles(cpu, 1) };
}

/** A DAM member granted `trees` (view), and a session token acting for it. */
async function memberToken(url, trees) {
  const user = await fetch(`${url}/_ml/users`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `member-${Date.now()}@bench.test`,
      role: 'member',
      password: 'correct horse battery staple',
    }),
  });
  const { id } = await user.json();
  for (const path of trees) {
    await fetch(`${url}/_ml/grants`, {
      method: 'PUT',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({
        principal: { type: 'user', id },
        target: { type: 'folder', path },
        level: 'view',
      }),
    });
  }
  const token = await signSessionToken({
    ...keys,
    scope: { folder: '/', access: 'read' },
    ttlSeconds: 3600,
    user: id,
  });
  return `Bearer ${token}`;
}

async function withCatalog(name, count, seed, measure) {
  const dataDir = keptData ? join(keptData, name) : await mkdtemp(join(root, '.bench-ai-search-'));
  try {
    const started = performance.now();
    if (!keptData || !existsSync(join(dataDir, 'seeded'))) {
      await mkdir(dataDir, { recursive: true });
      const store = await openSqliteStore(join(dataDir, 'library.db'));
      await seed(store, count);
      await store.close();
      if (keptData) await writeFile(join(dataDir, 'seeded'), `${count}\n`);
    }
    const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
    const server = await startServer(dataDir, keys);
    try {
      return { seedSeconds, ...(await measure(server.url)) };
    } finally {
      await server.stop();
    }
  } finally {
    if (!keptData) await rm(dataDir, { recursive: true, force: true });
  }
}

const prefixes = ['c', 'cr', 'gold', 'harbor-1', 'mist', 'Sun', 'wild', 'x', 'ri', 'lunar'];
const suggestPaths = prefixes.map((q) => `/_ml/suggest?limit=8&q=${encodeURIComponent(q)}`);

const result = { bench: 'ai-search', samples };
result[`suggest${suggestFiles}`] = await withCatalog(
  `suggest${suggestFiles}`,
  suggestFiles,
  seedFiles,
  async (url) => ({
    admin: await time(url, suggestPaths, basic),
    member: await time(url, suggestPaths, await memberToken(url, folders.slice(0, 5))),
  }),
);
result[`similar${similarFiles}`] = await withCatalog(
  `similar${similarFiles}`,
  similarFiles,
  async (store, count) => {
    await seedFiles(store, count);
    await seedSignatures(store, count);
  },
  async (url) => {
    const paths = Array.from(
      { length: 40 },
      () => `/_ml/files/${idOf(Math.floor(next() * similarFiles))}/similar?limit=20`,
    );
    return {
      admin: await time(url, paths, basic),
      member: await time(
        url,
        paths.map((p) => p),
        await memberToken(url, ['/']),
      ),
    };
  },
);
console.log(JSON.stringify(result));
