// Abuse: what an unauthenticated attacker can make the server spend. Prints one JSON line:
// - upload: time to refuse an unauthenticated 300 MB upload, and the most bytes staged meanwhile;
// - flood: peak RSS, and GET /v1/files latency, while 20 clients request distinct uncached 8000²
//   renders;
// - cache: the rendition cache's size after 1,000 distinct transformation URLs, against its budget;
// - stalled: how long a body that stops arriving keeps its connection open.
// Run with `node --import tsx bench/abuse.mjs`. Against a server without these limits each phase
// gives up at its cap and says so (`null` times, RSS past the guard), rather than hanging.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { percentiles, pool, startServer, uploadFile } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const keys = { publicKey: 'public_abuse', privateKey: 'private_abuse' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;
const uploadBytes = 300 * 1024 * 1024;
const floodClients = 20;
const floodSeconds = Number(process.env.BENCH_FLOOD_SECONDS ?? 15);
const cacheUrls = Number(process.env.BENCH_CACHE_URLS ?? 1000);
const cacheBudget = 4 * 1024 * 1024;
const idleTimeoutSeconds = 5;
/** A server past this is stopped: the machine is shared, and the answer ("far over 1 GB") is known. */
const rssGuardBytes = 6 * 1024 ** 3;
/** How long a phase waits for the server before it reports that the server never answered. */
const capMs = 60_000;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes) => Number((bytes / 1024 ** 2).toFixed(1));

async function treeBytes(dir) {
  let total = 0;
  let files = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { total, files };
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await treeBytes(path);
      total += inner.total;
      files += inner.files;
    } else {
      total += await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      files++;
    }
  }
  return { total, files };
}

async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function photo(width, height) {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><circle cx="${width / 3}" cy="${height / 2}" r="${height / 3}" fill="#fc6"/></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}

const boundary = 'abuse-bench';
const fileHead = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
);

/** A multipart upload POST with `headers`; the caller writes its body. */
function uploadRequest(url, headers) {
  const { hostname, port } = new URL(url);
  return request({
    hostname,
    port,
    path: '/api/v1/files/upload',
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
  });
}

/** A 300 MB multipart upload with no credentials, written as fast as the server reads it. */
async function unauthenticatedUpload(url, dataDir) {
  const tail = Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\nbig.bin\r\n--${boundary}--\r\n`,
  );
  const chunk = Buffer.alloc(1024 * 1024);
  let staged = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      staged = Math.max(staged, (await treeBytes(join(dataDir, 'staging'))).total);
      await pause(10);
    }
  })();
  const started = performance.now();
  const outcome = await new Promise((resolve) => {
    let answered = false;
    const req = uploadRequest(url, { 'content-length': fileHead.length + uploadBytes + tail.length });
    const finish = (status) => {
      if (answered) return;
      answered = true;
      req.destroy();
      resolve({ status, ms: performance.now() - started });
    };
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode);
    });
    req.on('error', () => finish(null));
    setTimeout(() => finish(null), capMs).unref();
    (async () => {
      req.write(fileHead);
      for (let sent = 0; sent < uploadBytes && !answered; sent += chunk.length) {
        if (!req.write(chunk)) await new Promise((resolve) => req.once('drain', resolve));
      }
      if (!answered) req.end(tail);
    })().catch(() => {});
  });
  watching = false;
  await watcher;
  return { status: outcome.status, refuseMs: Math.round(outcome.ms), stagedMb: mb(staged) };
}

async function get(url, init) {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** 20 clients asking for distinct 8000² renders for `floodSeconds`, while one client lists files. */
async function renderFlood(url, pid, fileUrl) {
  let peakRss = 0;
  let guardTripped = false;
  let flooding = true;
  const rssWatcher = (async () => {
    while (flooding) {
      const { rss } = await rssOf(pid);
      peakRss = Math.max(peakRss, rss);
      if (rss > rssGuardBytes) {
        guardTripped = true;
        process.kill(pid, 'SIGKILL');
        return;
      }
      await pause(50);
    }
  })();
  const apiMs = [];
  const apiWatcher = (async () => {
    while (flooding && !guardTripped) {
      const r = await get(`${url}/v1/files?limit=10`, { headers: { authorization: auth } }).catch(() => null);
      if (r) apiMs.push(r.ms);
      await pause(100);
    }
  })();
  const statuses = {};
  let next = 0;
  const until = performance.now() + floodSeconds * 1000;
  await Promise.all(
    Array.from({ length: floodClients }, async () => {
      while (performance.now() < until && !guardTripped) {
        const n = next++;
        // Distinct every time (quality, and every other one a second step), so nothing comes from the cache.
        const tr = `w-8000,h-8000,q-${1 + (n % 100)}${n % 2 === 1 ? `:fl-${['h', 'v', 'h_v'][n % 3]}` : ''}`;
        const r = await get(`${fileUrl}?tr=${tr}`, { signal: AbortSignal.timeout(capMs * 2) }).catch(() => ({
          status: 'error',
        }));
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 503 || r.status === 429) await pause(250);
      }
    }),
  );
  flooding = false;
  await Promise.all([rssWatcher, apiWatcher]);
  const { peak } = await rssOf(pid);
  return {
    peakRssMb: mb(Math.max(peakRss, peak)),
    rssGuardTripped: guardTripped,
    apiMs: apiMs.length > 0 ? percentiles(apiMs, 1) : null,
    apiSamples: apiMs.length,
    renderStatuses: statuses,
  };
}

/** 1,000 distinct small transformations of one image; then the rendition cache's size on disk. */
async function fillCache(dataDir, fileUrl) {
  const statuses = {};
  await pool(cacheUrls, 4, async (i) => {
    const r = await get(`${fileUrl}?tr=w-${100 + i},q-${50 + (i % 40)}`).catch(() => ({ status: 'error' }));
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  });
  // Renders are stored (and the cache trimmed) behind each response: let them land.
  await pause(3000);
  const { total, files } = await treeBytes(join(dataDir, 'blobs', 'derived'));
  return {
    urls: cacheUrls,
    statuses,
    cacheMb: mb(total),
    renditions: files,
    budgetMb: mb(cacheBudget),
    withinBudget: total <= cacheBudget,
  };
}

/** An authorised upload whose body stops after a few bytes: how long until the server lets go. */
async function stalledBody(url) {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const req = uploadRequest(url, { authorization: auth, 'content-length': 100_000 });
    const finish = (how) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve({ how, openMs: how === 'still open' ? null : Math.round(performance.now() - started) });
    };
    req.on('response', (res) => {
      res.resume();
      finish(`answered ${res.statusCode}`);
    });
    req.on('error', () => finish('closed'));
    req.on('close', () => finish('closed'));
    setTimeout(() => finish('still open'), capMs).unref();
    req.write(fileHead);
    req.write(Buffer.alloc(1000));
  });
}

const work = await mkdtemp(join(root, '.bench-abuse-'));
const dataDir = join(work, 'data');
let server;
try {
  server = await startServer(dataDir, keys, {
    // The flood comes from one address: the per-client budget would answer it with 429s alone.
    MEDIA_LIBRARY_RENDER_BUDGET: 'off',
    MEDIA_LIBRARY_RENDITION_CACHE: String(cacheBudget),
    MEDIA_LIBRARY_BODY_IDLE_TIMEOUT: `${idleTimeoutSeconds}s`,
  });
  const uploadResult = await unauthenticatedUpload(server.url, dataDir);
  const big = await uploadFile(server.url, auth, await photo(2000, 2000), 'flood.jpg');
  const small = await uploadFile(server.url, auth, await photo(1200, 800), 'cache.jpg');
  const flood = await renderFlood(server.url, server.pid, big.url);
  if (flood.rssGuardTripped) {
    // The server was killed to spare the machine; a fresh one over the same data serves the rest.
    await server.stop().catch(() => {});
    server = await startServer(dataDir, keys, {
      MEDIA_LIBRARY_RENDER_BUDGET: 'off',
      MEDIA_LIBRARY_RENDITION_CACHE: String(cacheBudget),
      MEDIA_LIBRARY_BODY_IDLE_TIMEOUT: `${idleTimeoutSeconds}s`,
    });
  }
  const stalling = stalledBody(server.url);
  const cache = await fillCache(dataDir, small.url);
  const stalled = await stalling;
  console.log(
    JSON.stringify({
      bench: 'abuse',
      unauthenticatedUpload: { bytesMb: mb(uploadBytes), ...uploadResult },
      renderFlood: { clients: floodClients, seconds: floodSeconds, ...flood },
      renditionCache: cache,
      stalledBody: { idleTimeoutSeconds, ...stalled },
      goals: {
        refusedBefore1MbStaged: uploadResult.status !== null && uploadResult.stagedMb < 1,
        rssUnder1Gb: !flood.rssGuardTripped && flood.peakRssMb <= 1024,
        apiP95Under200Ms: flood.apiMs !== null && flood.apiMs.p95 <= 200,
        cacheWithinBudget: cache.withinBudget,
        stalledClosedInTime: stalled.openMs !== null && stalled.openMs <= (idleTimeoutSeconds + 2) * 1000,
      },
    }),
  );
} finally {
  await server?.stop().catch(() => {});
  await rm(work, { recursive: true, force: true });
}
