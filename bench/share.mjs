// Share links: time to first byte of /s/{token} for a 1,000-file folder (goal ≤ 150 ms p50), and
// the "Download all" ZIP of 500 × 1 MB files against reading the same bytes from disk (goal ≥ 0.7
// of the disk's rate) with the server's peak RSS while it streams (goal ≤ 200 MB). Prints one JSON line.
// Run with `node --import tsx bench/share.mjs`; BENCH_GALLERY_FILES, BENCH_ZIP_FILES and
// BENCH_ZIP_MB make it smaller.
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { percentiles, pool, startServer, uploadFile } from './support.mjs';

// The ZIP's memory is the shipped server's (dist/) when it is built, else the sources' under tsx.
const zipServer = existsSync(fileURLToPath(new URL('../dist/server/cli.js', import.meta.url)))
  ? 'built'
  : 'source';

const galleryFiles = Number(process.env.BENCH_GALLERY_FILES ?? 1000);
const zipFiles = Number(process.env.BENCH_ZIP_FILES ?? 500);
const zipMb = Number(process.env.BENCH_ZIP_MB ?? 1);
const ttfbSamples = Number(process.env.BENCH_TTFB_SAMPLES ?? 60);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

/** Milliseconds until the response's first byte (its status line), then drains the body. */
function timeToFirstByte(url) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, (res) => {
      const ttfb = performance.now() - started;
      res.resume();
      res.on('end', () => resolve({ ttfb, status: res.statusCode }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function rssBytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

async function share(url, folder) {
  const response = await fetch(`${url}/_ml/shares`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ target: { type: 'folder', path: folder }, allowDownload: true }),
  });
  if (response.status !== 201) throw new Error(`share: ${response.status} ${await response.text()}`);
  return new URL((await response.json()).url).pathname;
}

/** Bytes per second of reading `paths` one after another, as the ZIP reads its entries. */
async function diskRate(paths) {
  const started = performance.now();
  let bytes = 0;
  for (const path of paths) {
    for await (const chunk of createReadStream(path)) bytes += chunk.length;
  }
  return bytes / ((performance.now() - started) / 1000);
}

const dataDir = await mkdtemp(join(tmpdir(), 'media-library-bench-share-'));
const settings = { MEDIA_LIBRARY_MAX_DOWNLOAD: '100gb' };
let server = await startServer(dataDir, keys, settings);
try {
  // A 1,000-file folder of small images (the gallery's first page lists 200 of them).
  const thumb = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#4a7' } })
    .png()
    .toBuffer();
  await pool(galleryFiles, 8, (i) =>
    uploadFile(server.url, auth, thumb, `photo-${String(i).padStart(4, '0')}.png`, {
      folder: '/bench/gallery',
    }),
  );
  const galleryPath = await share(server.url, '/bench/gallery');
  for (let i = 0; i < 5; i++) await timeToFirstByte(`${server.url}${galleryPath}`);
  const ttfbs = [];
  for (let i = 0; i < ttfbSamples; i++) {
    const { ttfb, status } = await timeToFirstByte(`${server.url}${galleryPath}`);
    if (status !== 200) throw new Error(`gallery page: ${status}`);
    ttfbs.push(ttfb);
  }

  // 500 × 1 MB of incompressible bytes, kept on disk too for the baseline.
  const localDir = join(dataDir, 'local-copies');
  await mkdir(localDir);
  const paths = [];
  await pool(zipFiles, 4, async (i) => {
    const bytes = Buffer.alloc(zipMb * 1024 * 1024);
    for (let o = 0; o < bytes.length; o += 4)
      bytes.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ o) >>> 0, o);
    const name = `blob-${String(i).padStart(3, '0')}.bin`;
    const path = join(localDir, name);
    await writeFile(path, bytes);
    paths[i] = path;
    await uploadFile(server.url, auth, bytes, name, { folder: '/bench/zip' });
  });
  const zipPath = await share(server.url, '/bench/zip');
  const disk = await diskRate(paths);
  // A fresh process over the same library: its RSS is the ZIP's, not what 1,500 uploads left behind;
  // the shipped server (dist/, as `npx media-library serve` runs), not tsx compiling in the process.
  await server.stop();
  server = await startServer(dataDir, keys, settings, { built: zipServer === 'built' });
  await timeToFirstByte(`${server.url}${zipPath}`);

  let peakRss = await rssBytes(server.pid);
  const baselineRss = peakRss;
  let streaming = true;
  const watcher = (async () => {
    while (streaming) {
      peakRss = Math.max(peakRss, await rssBytes(server.pid));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const started = performance.now();
  const response = await fetch(`${server.url}${zipPath}/download.zip`);
  if (response.status !== 200) throw new Error(`zip: ${response.status} ${await response.text()}`);
  let zipBytes = 0;
  for await (const chunk of response.body) zipBytes += chunk.length;
  const zipSeconds = (performance.now() - started) / 1000;
  streaming = false;
  await watcher;
  const zipRate = zipBytes / zipSeconds;
  const figures = {
    bench: 'share',
    galleryFiles,
    pageTtfbMsP50: percentiles(ttfbs, 1).p50,
    pageTtfbMsP95: percentiles(ttfbs, 1).p95,
    pageTtfbGoalMs: 150,
    zipFiles,
    zipMb: Math.round(zipBytes / 1024 ** 2),
    zipMBps: Math.round(zipRate / 1024 ** 2),
    diskMBps: Math.round(disk / 1024 ** 2),
    zipVsDisk: Math.round((zipRate / disk) * 100) / 100,
    zipVsDiskGoal: 0.7,
    zipServer,
    serverRssMbBeforeZip: Math.round(baselineRss / 1024 ** 2),
    serverPeakRssMbDuringZip: Math.round(peakRss / 1024 ** 2),
    serverRssGrowthMbDuringZip: Math.round((peakRss - baselineRss) / 1024 ** 2),
    peakRssGoalMb: 200,
  };
  console.log(JSON.stringify(figures));
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
