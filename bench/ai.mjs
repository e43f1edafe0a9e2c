// AI on the server itself (docs/ai.md). Prints one JSON line:
// - perImage: median ms per image and this process's peak RSS for tagging (objects + faces, one
//   pass), face detection alone on a portrait, OCR of a banner, and background removal;
// - uploads: p95 upload latency with google-auto-tagging asked on every upload against a node
//   started with --no-ai (goal: ratio ≤ 1.2), and how long the AI queue took to drain after them;
//   the server process's own CPU seconds (its threads, not the model process) while uploading and
//   while draining, a figure a shared machine's load hardly moves.
// - bgremove: `e-bgremove` in delivery URLs, p50 ms of a first request (the model runs), of a new
//   size from a cut-out already made (only the resize renders), and of a cached rendition.
// Run with `npm run bench:ai`; BENCH_AI_UPLOADS sets the uploads per side (default 1000);
// BENCH_AI_ROUNDS runs that many off/on pairs, alternated so a shared machine's load falls on both
// sides alike (default 1; the ratio is the median pair's); BENCH_AI_PER_IMAGE=0 skips the per-image
// figures; BENCH_AI_DRAIN=1 also waits for every job (about a second or more per image on 2 cores).

import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { detect, personMask } from '../src/server/ai/local/human.ts';
import { closeOcr, readText } from '../src/server/ai/local/ocr.ts';
import { cpuMsOf, percentiles, pool, startServer, uploadFile } from './support.mjs';

const require = createRequire(import.meta.url);
const uploads = Number(process.env.BENCH_AI_UPLOADS ?? 1000);
const rounds = Number(process.env.BENCH_AI_ROUNDS ?? 1);
const runs = 5;
const keys = { publicKey: 'public_ai_bench', privateKey: 'private_ai_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

const samples = join(dirname(dirname(require.resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
const photo = await sharp(samples).extract({ left: 0, top: 180, width: 1280, height: 978 }).jpeg().toBuffer();
const portrait = await sharp(samples)
  .extract({ left: 170, top: 0, width: 146, height: 160 })
  .resize(292, 320)
  .png()
  .toBuffer();
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="400"><rect width="1200" height="400" fill="#fff"/><text x="60" y="230" font-family="sans-serif" font-size="110" fill="#000">Summer sale -30%</text></svg>`;
const bannerBytes = await sharp(Buffer.from(svg)).png().toBuffer();

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

async function measure(work) {
  await work(); // loads the model once, as a node's first job does
  peak = process.memoryUsage().rss;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(runs / 2)]), peakRssMb: Math.round(peak / 1024 ** 2) };
}

const perImage =
  process.env.BENCH_AI_PER_IMAGE === '0'
    ? null
    : {
        tagging: await measure(() => detect(photo, 1280)),
        faceDetection: await measure(() => detect(portrait, 292)),
        ocr: await measure(() => readText(bannerBytes)),
        backgroundRemoval: await measure(() => personMask(portrait)),
      };
clearInterval(sampler);
await closeOcr();

async function uploadSide(ai) {
  const dataDir = await mkdtemp(join(tmpdir(), 'media-library-bench-ai-'));
  const server = await startServer(
    dataDir,
    keys,
    ai ? { MEDIA_LIBRARY_AI_CONCURRENCY: '1' } : { MEDIA_LIBRARY_AI: 'false' },
  );
  try {
    const bytes = await sharp(photo).resize(640).jpeg().toBuffer();
    const latencies = [];
    const cpuAtStart = await cpuMsOf(server.pid);
    let last;
    await pool(uploads, 4, async (i) => {
      const started = performance.now();
      last = await uploadFile(
        server.url,
        auth,
        bytes,
        `p${i}.jpg`,
        ai
          ? { extensions: JSON.stringify([{ name: 'google-auto-tagging', maxTags: 10, minConfidence: 30 }]) }
          : {},
      );
      latencies.push(performance.now() - started);
    });
    const uploadedAt = performance.now();
    const cpuUploaded = await cpuMsOf(server.pid);
    let drainMs = 0;
    if (ai && process.env.BENCH_AI_DRAIN) {
      for (;;) {
        const status = await (
          await fetch(`${server.url}/_ml/files/${last.fileId}/ai`, { headers: { authorization: auth } })
        ).json();
        if (status.aiStatus !== 'pending') break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      drainMs = Math.round(performance.now() - uploadedAt);
    }
    const cpuDrained = await cpuMsOf(server.pid);
    const seconds = (from, to) => (from === undefined || to === undefined ? null : (to - from) / 1000);
    return {
      p95: percentiles(latencies).p95,
      drainMs,
      uploadCpuS: seconds(cpuAtStart, cpuUploaded),
      drainCpuS: seconds(cpuUploaded, cpuDrained),
    };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `e-bgremove` over HTTP: each file's first request runs the model; the rest come from the caches. */
async function bgremoveSide() {
  const dataDir = await mkdtemp(join(tmpdir(), 'media-library-bench-bgremove-'));
  const server = await startServer(dataDir, keys, { MEDIA_LIBRARY_AI_CONCURRENCY: '1' });
  const files = 7;
  const timed = async (url) => {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    return performance.now() - started;
  };
  try {
    const first = [];
    const newSize = [];
    const cached = [];
    for (let i = 0; i < files; i++) {
      // Different pixels per file, so each first request is a model run of its own.
      const bytes = await sharp(photo)
        .resize(800 + i * 8)
        .jpeg()
        .toBuffer();
      const { filePath } = await uploadFile(server.url, auth, bytes, `cut${i}.jpg`);
      const url = `${server.url}${filePath}?tr=`;
      if (i === 0)
        await timed(`${url}e-bgremove,w-400,f-png`); // the model process starts and loads
      else first.push(await timed(`${url}e-bgremove,w-400,f-png`));
      newSize.push(await timed(`${url}e-bgremove,w-300,f-png`));
      for (let n = 0; n < 5; n++) cached.push(await timed(`${url}e-bgremove,w-400,f-png`));
    }
    const p50 = (list) => Math.round(percentiles(list).p50);
    return { firstP50Ms: p50(first), newSizeP50Ms: p50(newSize), cachedP50Ms: p50(cached), files };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const bgremove = await bgremoveSide();
const pairs = [];
for (let round = 0; round < rounds; round++) {
  const off = await uploadSide(false);
  const on = await uploadSide(true);
  pairs.push({
    aiOff: off.p95,
    aiOn: on.p95,
    ratio: Number((on.p95 / off.p95).toFixed(2)),
    drainMs: on.drainMs,
    serverCpuS: {
      aiOff: off.uploadCpuS,
      aiOn: on.uploadCpuS,
      aiOnDrain: process.env.BENCH_AI_DRAIN ? on.drainCpuS : null,
    },
    load: Number(loadavg()[0].toFixed(1)),
  });
}
const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor((pairs.length - 1) / 2)];
console.log(
  JSON.stringify({
    perImage,
    bgremove,
    uploads: {
      count: uploads,
      p95Ms: { aiOff: median.aiOff, aiOn: median.aiOn },
      ratio: median.ratio,
      goal: 1.2,
      queueDrainMs: process.env.BENCH_AI_DRAIN ? median.drainMs : null,
      serverCpuS: median.serverCpuS,
      ...(rounds > 1 && {
        rounds: pairs.map(({ aiOff, aiOn, ratio, load }) => ({ aiOff, aiOn, ratio, load })),
      }),
    },
  }),
);
