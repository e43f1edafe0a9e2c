// The element in Chromium (playwright-core, Debian's /usr/bin/chromium): gzip size of the
// script-tag bundle, show() to 60 thumbnails painted on a 10k-asset folder, the grid at 100k
// assets (reaching the end, then jumping through all of it: DOM cells, rows held, JS heap),
// End pressed in the 100k folder to its last 60 thumbnails painted, and frame times while
// scrolling through 10k. Prints one JSON line.
// Run with `npm run bench:element` (builds the bundle first; the server runs in-process).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { DiskStorage } from '../src/server/storage/disk-storage.ts';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
import { catalogRow, percentiles, startElementBenchServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const showRuns = Number(process.env.BENCH_SHOW_RUNS ?? 5);
const scrollSeconds = Number(process.env.BENCH_SCROLL_SECONDS ?? 20);
/** Pixels scrolled per frame: 120 is a brisk wheel or a fling (7200 px/s at 60 fps). */
const scrollStep = Number(process.env.BENCH_SCROLL_STEP ?? 120);
/** Which figures to measure (all by default): size, show, dom, end (100k), end1m (seeds 1M rows), scroll. */
const parts = new Set((process.env.BENCH_PARTS ?? 'size,show,dom,end,end1m,scroll').split(','));
const endRuns = Number(process.env.BENCH_END_RUNS ?? 3);
/** A directory for CPU profiles (.cpuprofile, for DevTools) of the last show() and End runs; none when unset. */
const profileDir = process.env.BENCH_PROFILE;
/** Stops when jumping through the 100k folder (each waits for the items in view). */
const jumpStops = Number(process.env.BENCH_JUMP_STOPS ?? 200);

/** Sixty distinct photo-like JPEGs; the 110k rows share them (thumbnails are rendered per file anyway). */
async function blobs(storage, dir) {
  const keysOut = [];
  for (let i = 0; i < 60; i++) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">
      <defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${i * 6} 70% 60%)"/>
      <stop offset="1" stop-color="hsl(${i * 6 + 120} 60% 30%)"/></linearGradient></defs>
      <rect width="1200" height="800" fill="url(#g)"/><circle cx="${200 + i * 13}" cy="300" r="140" fill="#fff" opacity=".6"/></svg>`;
    const file = join(dir, `blob-${i}.jpg`);
    await writeFile(file, await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer());
    const key = `originals/bench/blob-${i}`;
    await storage.putFile(key, file);
    keysOut.push(key);
  }
  return keysOut;
}

/** The folders seeded: 10k for show() and scrolling, 100k for the grid, 1M for End (when measured). */
const folders = [
  ['/bench10k/', 10_000],
  ['/bench100k/', 100_000],
  ...(parts.has('end1m') ? [['/bench1m/', 1_000_000]] : []),
];

async function seed(dataDir) {
  const store = await openSqliteStore(join(dataDir, 'library.db'));
  const storage = new DiskStorage(join(dataDir, 'blobs'));
  const blobKeys = await blobs(storage, dataDir);
  const now = Date.now();
  for (const [folder, count] of folders) {
    await store.folders.insertIfMissing({
      folderId: `f${count.toString(16).padStart(23, '0')}`,
      path: folder,
      parent: '/',
      name: folder.slice(1, -1),
      customMetadata: {},
      createdAt: now,
      updatedAt: now,
    });
    // Straight into the catalog, 10k rows a transaction (a million uploads would take hours).
    for (let start = 0; start < count; start += 10_000) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + 10_000); i++) {
        const id = `${count.toString(16).padStart(8, '0')}${i.toString(16).padStart(16, '0')}`;
        const name = `photo-${String(i).padStart(7, '0')}.jpg`;
        rows.push(
          catalogRow(id, folder, name, {
            blobKey: blobKeys[i % blobKeys.length],
            size: 40_000,
            tags: ['bench'],
            // Newest first is the element's default order, so photo-0000000 shows first.
            createdAt: now - i * 1000,
            updatedAt: now - i * 1000,
          }),
        );
      }
      await store.transaction((tx) => tx.files.insertVersions(rows));
    }
  }
  await store.close();
}

/** Runs `work` in `tab`, recording the page's CPU profile into `profileDir` as `name` when asked to. */
async function profiled(tab, name, work) {
  if (!profileDir) return work();
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  const out = await work();
  const { profile } = await cdp.send('Profiler.stop');
  await writeFile(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
  return out;
}

const page = (attributes) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<style>html,body{margin:0}media-library{--ml-dialog-width:100vw;--ml-dialog-height:100vh}</style>
<script type="module" src="/_bench/dist/media-library.js"></script></head>
<body><media-library id="library" mode="modal" endpoint="/" auth-url="/_bench/auth" ${attributes}></media-library></body></html>`;

function startBenchServer(dataDir, urlEndpoint) {
  return startElementBenchServer({
    dataDir,
    keys,
    config: urlEndpoint ? { urlEndpoint } : {},
    routes: (app) =>
      app.get('/bench/:folder', (request, reply) =>
        reply.type('text/html').send(page(`initial-folder="/${request.params.folder}"`)),
      ),
  });
}

/**
 * In the page: show(), then wait for `count` thumbnails loaded and two frames (painted).
 * Answers the total and when the listing answered and the first thumbnail was asked for.
 */
async function showToThumbnails(browserPage, count) {
  return browserPage.evaluate(async (wanted) => {
    const element = document.getElementById('library');
    await customElements.whenDefined('media-library');
    const started = performance.now();
    element.show();
    const loaded = () =>
      element.shadowRoot?.querySelector('ml-asset-grid')?.shadowRoot?.querySelectorAll('img.loaded').length ??
      0;
    while (loaded() < wanted) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (performance.now() - started > 120_000)
        throw new Error(`${loaded()} of ${wanted} thumbnails in 2 minutes`);
    }
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const total = performance.now() - started;
    const resources = performance.getEntriesByType('resource');
    const listing = resources.find((r) => r.name.includes('/v1/files') && r.name.includes('type=all'));
    const thumbnails = resources.filter((r) => r.name.includes('tr='));
    return {
      total,
      listing: listing ? listing.responseEnd - started : Number.NaN,
      listingRequested: listing ? listing.startTime - started : Number.NaN,
      // The session, fetched while the page was idle: negative when it was there before show().
      sessionAnswered: (resources.find((r) => r.name.includes('/session'))?.responseEnd ?? -1e9) - started,
      firstThumbnail: thumbnails.length
        ? Math.min(...thumbnails.map((r) => r.startTime)) - started
        : Number.NaN,
      lastThumbnail: thumbnails.length
        ? Math.max(...thumbnails.map((r) => r.responseEnd)) - started
        : Number.NaN,
      // Served from the browser's HTTP cache (nothing crossed the network).
      thumbnailsCached: thumbnails.filter((r) => r.transferSize === 0).length,
      thumbnails: thumbnails.length,
    };
  }, count);
}

const result = { bench: 'element' };
/** A data directory kept between runs (seeded on the first, with every folder asked for then); a fresh one when unset. */
const keptData = process.env.BENCH_DATA;
const dataDir = keptData ?? (await mkdtemp(join(root, '.bench-element-')));
let browser;
let server;
let cdn;
try {
  execFileSync('npm', ['run', 'build:browser', '--silent'], { cwd: root, stdio: 'ignore' });
  const bundle = await readFile(join(root, 'dist/media-library.js'));
  result.coreBundleBytes = bundle.length;
  result.coreBundleGzipBytes = gzipSync(bundle, { level: 9 }).length;
  result.coreBundleGzipKB = Number((result.coreBundleGzipBytes / 1024).toFixed(1));

  if (!keptData || !existsSync(join(dataDir, 'library.db'))) {
    await mkdir(dataDir, { recursive: true });
    await seed(dataDir);
  }
  server = await startBenchServer(dataDir);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1200 } });

  // show() → 60 thumbnails painted on the 10k folder: the first time (thumbnails rendered by the
  // server on demand), then with the server's rendition cache warm, each in a fresh page.
  const timings = [];
  for (let run = 0; parts.has('show') && run <= showRuns; run++) {
    const tab = await context.newPage();
    await tab.goto(`${server.url}/bench/bench10k`);
    await tab.waitForFunction(() => customElements.get('media-library'));
    timings.push(await profiled(tab, 'show', () => showToThumbnails(tab, 60)));
    await tab.close();
  }
  if (parts.has('show')) {
    const warm = timings.slice(1);
    result.showTo60ThumbnailsColdMs = Math.round(timings[0].total);
    result.showTo60ThumbnailsMs = percentiles(
      warm.map((t) => t.total),
      0,
    );
    // Where the warm runs spent it: the listing's answer, then the first thumbnail request.
    result.showBreakdownP50Ms = {
      sessionAnswered: percentiles(
        warm.map((t) => t.sessionAnswered),
        0,
      ).p50,
      listingRequested: percentiles(
        warm.map((t) => t.listingRequested),
        0,
      ).p50,
      listingAnswered: percentiles(
        warm.map((t) => t.listing),
        0,
      ).p50,
      firstThumbnailRequested: percentiles(
        warm.map((t) => t.firstThumbnail),
        0,
      ).p50,
      lastThumbnailAnswered: percentiles(
        warm.map((t) => t.lastThumbnail),
        0,
      ).p50,
    };
    result.showThumbnailsCachedOfRequested = `${warm.reduce((n, t) => n + t.thumbnailsCached, 0)}/${warm.reduce((n, t) => n + t.thumbnails, 0)}`;
  }

  // The grid at 100k: reaching the end (the scrollbar dragged to the bottom), then jumping
  // through the whole folder in `jumpStops` stops; DOM cells, rows held and the JS heap after it.
  if (parts.has('dom')) {
    const tab = await context.newPage();
    await tab.route('**/*tr=*', (route) => route.fulfill({ status: 204 }));
    await tab.goto(`${server.url}/bench/bench100k`);
    const cdp = await context.newCDPSession(tab);
    const heapMB = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return Number((usedSize / 2 ** 20).toFixed(1));
    };
    await tab.evaluate(async () => {
      const element = document.getElementById('library');
      await customElements.whenDefined('media-library');
      element.show();
      const grid = () => element.shadowRoot?.querySelector('ml-asset-grid')?.shadowRoot;
      while (!grid()?.querySelector('.scroller [data-index]'))
        await new Promise((resolve) => requestAnimationFrame(resolve));
    });
    const heapAtTop = await heapMB();
    result.gridAt100k = await tab.evaluate(async (stops) => {
      const element = document.getElementById('library');
      const host = element.shadowRoot.querySelector('ml-asset-grid');
      const grid = host.shadowRoot;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const scroller = grid.querySelector('.scroller');
      const cells = () => grid.querySelectorAll('.cell').length;
      performance.setResourceTimingBufferSize(100_000);
      performance.clearResourceTimings();
      /** Whether every cell in view shows its item (no placeholder). */
      const viewLoaded = () => {
        const view = scroller.getBoundingClientRect();
        const inView = [...grid.querySelectorAll('.cell')].filter((cell) => {
          const box = cell.getBoundingClientRect();
          return box.bottom > view.top && box.top < view.bottom;
        });
        return inView.length > 0 && inView.every((cell) => cell.dataset.index);
      };
      const started = performance.now();
      scroller.scrollTop = scroller.scrollHeight;
      while (!grid.querySelector('[aria-posinset="100000"]')) {
        await frame();
        if (performance.now() - started > 300_000)
          throw new Error('the end of 100k did not load in 5 minutes');
      }
      const loadSeconds = (performance.now() - started) / 1000;
      let cellsMax = cells();
      const jumpStarted = performance.now();
      for (let stop = 0; stop <= stops; stop++) {
        scroller.scrollTop = ((scroller.scrollHeight - scroller.clientHeight) * stop) / stops;
        do await frame();
        while (!viewLoaded());
        cellsMax = Math.max(cellsMax, cells());
      }
      const listRequests = performance
        .getEntriesByType('resource')
        .filter((r) => r.name.includes('/v1/files?')).length;
      return {
        itemsListed: host.items.length,
        loadSeconds: Number(loadSeconds.toFixed(2)),
        jumpStops: stops,
        jumpSeconds: Number(((performance.now() - jumpStarted) / 1000).toFixed(1)),
        listRequests,
        cellsMax,
        cellsAtEnd: cells(),
        shadowDomNodes: grid.querySelectorAll('*').length,
        rowsHeld: host.items.filter(Boolean).length,
      };
    }, jumpStops);
    result.gridAt100k.jsHeapMB = { atTop: heapAtTop, afterJumpingThrough: await heapMB() };
    await tab.close();
  }

  // Thumbnail URLs point at a stand-in CDN that answers every path with the rendition its
  // transformation asks for, rendered once (a warm CDN edge), so what follows measures the
  // element's rendering, not the server's thumbnail renderer.
  if (parts.has('end') || parts.has('scroll')) {
    const renditions = new Map();
    const rendition = (tr) => {
      if (!renditions.has(tr))
        renditions.set(
          tr,
          fetch(`${server.url}/bench10k/photo-0000000.jpg?tr=${tr}`).then(async (r) => ({
            status: r.status,
            type: r.headers.get('content-type') ?? 'application/octet-stream',
            body: Buffer.from(await r.arrayBuffer()),
          })),
        );
      return renditions.get(tr);
    };
    cdn = createServer((request, response) => {
      const tr = new URL(request.url ?? '/', 'http://cdn').searchParams.get('tr') ?? 'n-ik_ml_thumbnail';
      void rendition(tr).then(({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type, 'cache-control': 'public, max-age=31536000' });
        response.end(body);
      });
    });
    cdn.listen(0, '127.0.0.1');
    await once(cdn, 'listening');
    await server.close();
    server = await startBenchServer(dataDir, `http://127.0.0.1:${cdn.address().port}`);
  }

  // End pressed in the 100k (and the 1M) folder, once the first screen shows, to the last 60
  // thumbnails painted, each run in a fresh page (the first run with a cold browser cache).
  for (const [key, folder, count] of [
    ['endTo60ThumbnailsAt100k', 'bench100k', 100_000],
    ['endTo60ThumbnailsAt1m', 'bench1m', 1_000_000],
  ]) {
    if (!parts.has(count === 100_000 ? 'end' : 'end1m')) continue;
    const runs = [];
    for (let run = 0; run < endRuns; run++) {
      const endTab = await context.newPage();
      await endTab.goto(`${server.url}/bench/${folder}`);
      runs.push(
        await profiled(endTab, `end-${folder}`, () =>
          endTab.evaluate(async (total) => {
            const element = document.getElementById('library');
            await customElements.whenDefined('media-library');
            element.show();
            const grid = () => element.shadowRoot?.querySelector('ml-asset-grid')?.shadowRoot;
            const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
            const shown = performance.now();
            while (!grid()?.querySelector('.scroller img.loaded')) {
              await frame();
              if (performance.now() - shown > 120_000) throw new Error('no thumbnail in 2 minutes');
            }
            // Every row counted (the scrollbar sized), as a user pressing End a moment later finds it.
            while (element.shadowRoot.querySelector('ml-asset-grid').items.length < total) {
              await frame();
              if (performance.now() - shown > 120_000)
                throw new Error('the count did not size the grid in 2 minutes');
            }
            const counted = performance.now() - shown;
            const scroller = grid().querySelector('.scroller');
            scroller.focus();
            performance.setResourceTimingBufferSize(10_000);
            performance.clearResourceTimings();
            const started = performance.now();
            scroller.dispatchEvent(
              new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }),
            );
            // One query a frame (sixty of them cost the page more than what they measure, under load).
            const painted = () => {
              let n = 0;
              for (const image of grid().querySelectorAll('img.loaded'))
                if (Number(image.closest('[aria-posinset]')?.getAttribute('aria-posinset')) > total - 60) n++;
              return n;
            };
            while (painted() < 60) {
              await frame();
              if (performance.now() - started > 120_000) throw new Error('End did not paint in 2 minutes');
            }
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            const elapsed = performance.now() - started;
            // Where it went: the pages under the end answered, then the thumbnails were asked for.
            const resources = performance.getEntriesByType('resource');
            const pages = resources.filter((r) => r.name.includes('/v1/files?'));
            // Thumbnails of the first screen may still finish after the clear: only those asked for since.
            const thumbnails = resources.filter((r) => r.name.includes('tr=') && r.startTime >= started);
            return {
              total: elapsed,
              counted,
              firstPageAnswered: Math.min(...pages.map((r) => r.responseEnd)) - started,
              pagesAnswered: Math.max(...pages.map((r) => r.responseEnd)) - started,
              pageRequests: pages.length,
              firstThumbnailRequested: Math.min(...thumbnails.map((r) => r.startTime)) - started,
              lastThumbnailAnswered: Math.max(...thumbnails.map((r) => r.responseEnd)) - started,
              thumbnailRequests: thumbnails.length,
            };
          }, count),
        ),
      );
      await endTab.close();
    }
    const p50 = (field) =>
      percentiles(
        runs.map((r) => r[field]),
        0,
      ).p50;
    result[key] = {
      firstMs: Math.round(runs[0].total),
      ms: percentiles(
        runs.map((r) => r.total),
        0,
      ),
      // show() to every row counted (End is pressed then).
      countedAfterShowP50Ms: p50('counted'),
      breakdownP50Ms: {
        firstPageAnswered: p50('firstPageAnswered'),
        pagesAnswered: p50('pagesAnswered'),
        firstThumbnailRequested: p50('firstThumbnailRequested'),
        lastThumbnailAnswered: p50('lastThumbnailAnswered'),
      },
      pageRequests: runs.map((r) => r.pageRequests),
      thumbnailRequests: runs.map((r) => r.thumbnailRequests),
    };
  }

  // Frame times while scrolling through the 10k folder as fast as a fling, loading the pages of
  // 100 under the view as it goes (thumbnails from the stand-in CDN).
  if (parts.has('scroll')) {
    const scrollTab = await context.newPage();
    await scrollTab.goto(`${server.url}/bench/bench10k`);
    const frames = await scrollTab.evaluate(
      async ({ seconds, step }) => {
        const element = document.getElementById('library');
        await customElements.whenDefined('media-library');
        element.show();
        const grid = () => element.shadowRoot?.querySelector('ml-asset-grid')?.shadowRoot;
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        while (!grid()?.querySelector('.scroller [data-index]')) await frame();
        const scroller = grid().querySelector('.scroller');
        for (let i = 0; i < 30; i++) await frame();
        const deltas = [];
        let last = await frame();
        const end = last + seconds * 1000;
        let reachedEnd = false;
        while (last < end) {
          scroller.scrollTop += step;
          const now = await frame();
          deltas.push(now - last);
          last = now;
          if (grid().querySelector('[aria-posinset="10000"]')) {
            reachedEnd = true;
            break;
          }
        }
        return { deltas, reachedEnd, cells: grid().querySelectorAll('[data-index]').length };
      },
      { seconds: scrollSeconds, step: scrollStep },
    );
    await scrollTab.close();
    const sorted = [...frames.deltas].sort((a, b) => a - b);
    result.scroll10k = {
      pxPerFrame: scrollStep,
      frames: frames.deltas.length,
      reachedEnd: frames.reachedEnd,
      frameMsP50: Number(sorted[Math.floor(sorted.length * 0.5)].toFixed(1)),
      frameMsP95: Number(sorted[Math.floor(sorted.length * 0.95)].toFixed(1)),
      framesOver16_7ms: frames.deltas.filter((d) => d > 16.7 + 1).length,
      cellsAtEnd: frames.cells,
    };
  }
} finally {
  await browser?.close();
  await server?.close();
  cdn?.close();
  if (!keptData) await rm(dataDir, { recursive: true, force: true });
}
// The machine is shared: how busy it was says how much to trust the frame times.
result.loadAverage1m = Number(loadavg()[0].toFixed(2));
console.log(JSON.stringify(result));
