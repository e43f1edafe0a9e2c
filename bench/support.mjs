// What every benchmark needs: the real server as a child process, percentiles, and pooled uploads.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMediaServer } from '../src/server/server.ts';
import { createTokenEndpoint, fastifyTokenEndpoint } from '../src/token-endpoint/index.ts';
import { catalogRow } from '../test/helpers/catalog-row.ts';
import { serveCli } from '../test/helpers/cli.ts';

/**
 * Starts `media-library serve` on a free port over `dataDir`, rate limits off, with the given first
 * key pair; `env` adds settings (DATABASE_URL and the rest for the scale path). `built` runs the
 * shipped server (dist/, needs `npm run build`) rather than the sources under tsx: for memory figures,
 * which tsx's compiler in the process would inflate by tens of MB.
 */
export async function startServer(dataDir, keys, env = {}, { built = false } = {}) {
  const running = await serveCli(
    ['--data', dataDir],
    {
      MEDIA_LIBRARY_PUBLIC_KEY: keys.publicKey,
      MEDIA_LIBRARY_PRIVATE_KEY: keys.privateKey,
      MEDIA_LIBRARY_RATE_LIMIT: 'off',
      MEDIA_LIBRARY_LOG_LEVEL: 'error',
      ...env,
    },
    built,
  );
  return {
    url: running.url,
    pid: running.child.pid,
    async stop() {
      running.child.kill('SIGTERM');
      await once(running.child, 'exit');
    },
  };
}

/**
 * Uploads `bytes` as `fileName` (name kept as given) with `authorization`, adding `fields`; answers
 * the file, or throws the server's refusal.
 */
export async function uploadFile(url, authorization, bytes, fileName, fields = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  form.append('fileName', fileName);
  form.append('useUniqueFileName', 'false');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization },
    body: form,
  });
  const body = await response.json();
  if (response.status !== 200)
    throw new Error(`upload ${fileName}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight; answers elapsed seconds. */
export async function pool(count, limit, task) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * Posts `count` uploads as ImageKit's multipart form (`name(i)`, `payload(i)`), `concurrency` at a
 * time over keep-alive connections; answers elapsed seconds. The body is written by hand so the
 * client's own cost (a FormData encoder costs more than the server's parser) stays out of the figure.
 */
export async function postUploads(url, authorization, { count, concurrency, name, payload }) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const boundary = 'media-library-bench';
  const seconds = await pool(count, concurrency, (i) => {
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name(i)}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const tail = Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n${name(i)}\r\n--${boundary}--\r\n`,
    );
    const bytes = payload(i);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          hostname,
          port,
          agent,
          path: '/api/v1/files/upload',
          method: 'POST',
          headers: {
            authorization,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': head.length + bytes.length + tail.length,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`upload ${i}: ${res.statusCode} ${body}`)),
          );
        },
      );
      req.on('error', reject);
      req.write(head);
      req.write(bytes);
      req.end(tail);
    });
  });
  agent.destroy();
  return seconds;
}

/** p50 and p95 of millisecond samples, rounded to `digits`. */
export function percentiles(samples, digits = 2) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(digits));
  return { p50: at(0.5), p95: at(0.95) };
}

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

/**
 * Seeds `store` with `count` files straight through the Store (rows, not bytes), the same rows on
 * every run and every dialect: names, folders, tags and custom metadata the search shapes hit.
 */
export async function seedSearchCatalog(store, count) {
  const next = random(42);
  const pick = (items) => items[Math.floor(next() * items.length)];
  const now = Date.now();
  const threeYears = 3 * 365 * 86_400_000;
  for (const [name, schema] of [
    ['brand', { type: 'Text' }],
    ['price', { type: 'Number' }],
  ]) {
    await store.customMetadataFields.insert({
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
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const id = (0x10000000 + i).toString(16).padStart(8, '0') + i.toString(16).padStart(16, '0');
      const folder = `/${pick(nouns)}/${pick(adjectives)}/`;
      const name = `${pick(adjectives)}-${pick(nouns)}-${i}.jpg`;
      const created = now - Math.floor(next() * threeYears);
      rows.push(
        catalogRow(id, folder, name, {
          size: Math.floor(10_000 + next() * 20_000_000),
          width: 200 + Math.floor(next() * 4000),
          height: 200 + Math.floor(next() * 3000),
          tags: [pick(tagWords), pick(tagWords), pick(tagWords)],
          customMetadata: { brand: pick(brands), price: Math.floor(next() * 1000) },
          createdAt: created,
          updatedAt: created,
        }),
      );
    }
    await store.files.insertVersions(rows);
  }
}

/** The searchQuery shapes both search benchmarks time. */
export const searchShapes = {
  namePrefix: 'name : "crimson-har"',
  tagIn: 'tags IN ["sunset", "harbor-40"]',
  sizeAndDate: 'size > "5mb" AND createdAt > "30d"',
  metadataEquals: '"customMetadata.brand" = "Brand7"',
  threeClauses: '(tags IN ["sunset"] OR name : "golden") AND width > 3000',
};

/**
 * The media server in this process, ready for a page with the element: a token endpoint that lets
 * anyone in at /_bench/auth, the built dist/ at /_bench/dist/, and `routes(app)` for the bench's pages.
 */
export function startElementBenchServer({ dataDir, keys, config = {}, routes }) {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  return startMediaServer(
    { port: 0, dataDir, initialKeys: keys, logLevel: 'silent', rateLimit: false, ...config },
    {
      async beforeListen(app) {
        const endpoint = createTokenEndpoint({
          ...keys,
          endpoint: 'http://127.0.0.1',
          authorize: () => ({ allow: true }),
        });
        await app.register(fastifyTokenEndpoint, { prefix: '/_bench/auth', endpoint });
        app.get('/_bench/dist/:file', async (request, reply) => {
          if (!/^media-library[\w.-]*\.js$/.test(request.params.file)) return reply.code(404).send();
          return reply.type('text/javascript').send(await readFile(join(dist, request.params.file)));
        });
        routes(app);
      },
    },
  );
}

/**
 * CPU milliseconds (user + system, every thread, not its children) process `pid` has used so far;
 * undefined where there is no /proc.
 */
export async function cpuMsOf(pid) {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export { catalogRow };
