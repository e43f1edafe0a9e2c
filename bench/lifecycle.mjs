// The asset lifecycle at scale, on the default SQLite catalog: the duplicate check before an upload
// (`POST /_ml/duplicates` with a SHA-256 and a pHash) and a file's duplicates
// (`GET /_ml/files/{id}/duplicates`, exact and near) at 1M files, and a file's references
// (`GET /_ml/files/{id}/references`) at 1M references. Rows are seeded straight into the catalog
// (no bytes). Prints one JSON line. Run with `npm run bench:lifecycle` (BENCH_FILES=100000 for a
// quick run).
//
// The pHashes are random 64-bit values, plus one near copy (a few bits flipped) of every 20th:
// random hashes spread evenly over each band's 65,536 values, so a lookup's candidates are about
// bands × probed values × files / 65,536 (≈1,000 at 1M with the default distance 6).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { percentiles, seedSearchCatalog, startServer } from './support.mjs';

const files = Number(process.env.BENCH_FILES ?? 1_000_000);
const references = Number(process.env.BENCH_REFERENCES ?? files);
const samples = Number(process.env.BENCH_SAMPLES ?? 300);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

/** The id seedSearchCatalog gives its i-th file. */
const fileIdOf = (i) => (0x10000000 + i).toString(16).padStart(8, '0') + i.toString(16).padStart(16, '0');
const sha256Of = (i) => createHash('sha256').update(`file-${i}`).digest('hex');

/** Deterministic 16-bit values. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state >>> 16;
  };
}

/** Content hashes, pHashes (with near copies) and references, in a few big transactions. */
function seedLifecycleRows(path) {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const next = random(7);
  const bands = [];
  const insertHash = db.prepare('insert into content_hashes (version_id, content_hash) values (?, ?)');
  const insertPHash = db.prepare(
    'insert into perceptual_hashes (version_id, band0, band1, band2, band3) values (?, ?, ?, ?, ?)',
  );
  const insertReference = db.prepare(
    'insert into file_references (source, ref_key, file_id, title, url, updated_at) values (?, ?, ?, ?, ?, ?)',
  );
  const batch = 50_000;
  for (let start = 0; start < files; start += batch) {
    db.transaction(() => {
      for (let i = start; i < Math.min(files, start + batch); i++) {
        const id = fileIdOf(i);
        insertHash.run(id, sha256Of(i));
        // Every 20th file is a near copy of the one before it: three bits flipped across two bands.
        const b =
          i % 20 === 19 && bands[i - 1]
            ? [bands[i - 1][0] ^ 0b101, bands[i - 1][1] ^ 0b1000, bands[i - 1][2], bands[i - 1][3]]
            : [next(), next(), next(), next()];
        bands[i] = b;
        insertPHash.run(id, ...b);
      }
    })();
  }
  // References: most files used once, a few used by very many places (a logo on every page).
  const now = Date.now();
  for (let start = 0; start < references; start += batch) {
    db.transaction(() => {
      for (let r = start; r < Math.min(references, start + batch); r++) {
        const file = r % 10 === 0 ? r % 100 : r % files;
        insertReference.run('wordpress:https://site', `post/${r}`, fileIdOf(file), `Post ${r}`, null, now);
      }
    })();
  }
  db.exec('analyze');
  db.close();
  return bands;
}

function call(url, agent, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const req = request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: { authorization: auth, ...(data && { 'content-type': 'application/json' }) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`${path}: ${res.statusCode} ${Buffer.concat(chunks)}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString()));
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function timed(count, task) {
  const ms = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await task(i);
    ms.push(performance.now() - started);
  }
  return percentiles(ms);
}

const work = await mkdtemp(join(tmpdir(), 'media-library-bench-lifecycle-'));
try {
  const started = performance.now();
  const store = await openSqliteStore(join(work, 'library.db'));
  await seedSearchCatalog(store, files);
  await store.close();
  const bands = seedLifecycleRows(join(work, 'library.db'));
  const seedSeconds = Number(((performance.now() - started) / 1000).toFixed(1));

  const server = await startServer(work, keys);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const hex = (b) => b.map((v) => v.toString(16).padStart(4, '0')).join('');
    const pick = (i) => Math.floor((i * 7919) % files);
    // Warm the connection and the caches the same way for each measure.
    await call(server.url, agent, 'GET', `/_ml/files/${fileIdOf(1)}/references`);

    // Before an upload: one file's SHA-256 (known) and a pHash a bit off one in the library.
    let nearFound = 0;
    const check = await timed(samples, async (i) => {
      const n = pick(i);
      const b = bands[n];
      const pHash = hex([b[0] ^ 1, b[1], b[2], b[3]]);
      const answer = await call(server.url, agent, 'POST', '/_ml/duplicates', {
        hashes: [sha256Of(n)],
        pHashes: [pHash],
      });
      if (answer.near[pHash]?.length) nearFound++;
    });
    const fileDuplicates = await timed(samples, (i) =>
      call(server.url, agent, 'GET', `/_ml/files/${fileIdOf(pick(i) - (pick(i) % 20) + 19)}/duplicates`),
    );
    const referencesLookup = await timed(samples, (i) =>
      call(server.url, agent, 'GET', `/_ml/files/${fileIdOf(i % 2 === 0 ? i % 100 : pick(i))}/references`),
    );
    console.log(
      JSON.stringify({
        bench: 'lifecycle',
        catalog: 'sqlite',
        files,
        references,
        samples,
        seedSeconds,
        duplicateCheckMs: { ...check, nearFoundRate: nearFound / samples, goalP95: 20 },
        fileDuplicatesMs: fileDuplicates,
        referencesMs: referencesLookup,
        backup: 'npm run bench:backup',
      }),
    );
  } finally {
    agent.destroy();
    await server.stop();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
