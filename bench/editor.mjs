// The image editor in Chromium (playwright-core, Debian's /usr/bin/chromium): gzip sizes of the
// editor chunk and of the core (the script-tag file plus any chunk it imports statically), and the
// time from Save (a 1:1 crop of a 1200 × 800 JPEG, as a new version) to the grid's thumbnail
// showing the new version, on loopback. Prints one JSON line.
// Run with `node --import tsx bench/editor.mjs` (builds the bundle first; the server runs in-process).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { launchChromium } from '../test/helpers/chromium.ts';
import { percentiles, startElementBenchServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const runs = Number(process.env.BENCH_EDITOR_RUNS ?? 7);
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<script type="module" src="/_bench/dist/media-library.js"></script></head>
<body><media-library id="library" mode="inline" style="height:800px" endpoint="/" auth-url="/_bench/auth"
initial-folder="/editor"></media-library></body></html>`;

const result = { bench: 'editor' };
const dataDir = await mkdtemp(join(root, '.bench-editor-'));
let browser;
let server;
try {
  execFileSync('npm', ['run', 'build:browser', '--silent'], { cwd: root, stdio: 'ignore' });
  const dist = join(root, 'dist');
  const files = await readdir(dist);
  const core = await readFile(join(dist, 'media-library.js'));
  // Chunks the core imports statically load with it: they count as core.
  const staticChunks = [
    ...core.toString().matchAll(/(?:^|;)import[^'"`()]*["'`]\.\/([\w.-]+\.js)["'`]/g),
  ].map((m) => m[1]);
  const editorChunk = files.find((f) => /^media-library\.image-editor-[\w-]+\.js$/.test(f));
  result.editorChunkGzipBytes = gzip(await readFile(join(dist, editorChunk)));
  result.editorChunkGzipKB = Number((result.editorChunkGzipBytes / 1024).toFixed(1));
  result.coreBundleGzipBytes = gzip(core);
  result.coreStaticChunks = staticChunks;
  const details = files.find((f) => /^media-library\.asset-details-[\w-]+\.js$/.test(f));
  result.detailsChunkGzipBytes = gzip(await readFile(join(dist, details)));

  server = await startElementBenchServer({
    dataDir,
    keys,
    routes: (app) => app.get('/bench', (_request, reply) => reply.type('text/html').send(page)),
  });
  const photo = await sharp({
    create: { width: 1200, height: 800, channels: 3, background: { r: 90, g: 140, b: 200 } },
  })
    .composite([
      {
        input: Buffer.from(
          '<svg width="1200" height="800"><circle cx="600" cy="400" r="300" fill="#fa4"/></svg>',
        ),
      },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
  const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;
  for (let i = 0; i < runs; i++) {
    const form = new FormData();
    form.set('file', new Blob([photo], { type: 'image/jpeg' }), `photo-${i}.jpg`);
    form.set('fileName', `photo-${i}.jpg`);
    form.set('folder', '/editor');
    form.set('useUniqueFileName', 'false');
    const response = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: { authorization: auth },
      body: form,
    });
    if (!response.ok) throw new Error(`upload: ${await response.text()}`);
  }

  browser = await launchChromium();
  const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await tab.goto(`${server.url}/bench`);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    samples.push(
      await tab.evaluate(async (name) => {
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        const until = async (check) => {
          for (;;) {
            const value = check();
            if (value) return value;
            await frame();
          }
        };
        const element = document.getElementById('library');
        await customElements.whenDefined('media-library');
        const root = element.shadowRoot;
        const grid = () => root.querySelector('ml-asset-grid')?.shadowRoot;
        const cell = await until(() =>
          [...(grid()?.querySelectorAll('[data-index]') ?? [])].find(
            (c) => c.querySelector('.name')?.textContent === name,
          ),
        );
        cell.click();
        const toggle = root.querySelector('[aria-label="Show details"]');
        if (toggle.getAttribute('aria-pressed') !== 'true') toggle.click();
        const details = await until(() => root.querySelector('ml-asset-details')?.shadowRoot);
        await until(() => details.querySelector('h3')?.textContent === name);
        (await until(() => details.querySelector('[data-action="edit-image"]'))).click();
        const editor = await until(() =>
          details.querySelector('ml-image-editor')?.shadowRoot?.querySelector('dialog[open]'),
        );
        const ratio = editor.querySelector('#ratio');
        ratio.value = '1';
        ratio.dispatchEvent(new Event('change'));
        const img = cell.querySelector('img');
        const before = img.currentSrc || img.src;
        const started = performance.now();
        editor.querySelector('[data-action="apply"]').click();
        // The thumbnail has the new version's URL and has loaded it.
        await until(() => {
          const now = grid().querySelector(`img[data-file="${img.dataset.file}"]`);
          return now && (now.currentSrc || now.src) !== before && now.complete && now.naturalWidth > 0 && now;
        });
        const elapsed = performance.now() - started;
        editor.querySelector('.buttons .btn:not(.primary):last-of-type')?.click();
        details.querySelector('ml-image-editor')?.shadowRoot?.querySelector('dialog')?.close();
        return elapsed;
      }, `photo-${i}.jpg`),
    );
    // A fresh editor for the next file.
    await tab.reload();
  }
  result.saveToThumbnailMs = percentiles(samples, 0);
  result.runs = runs;
} finally {
  await browser?.close();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
}
result.loadAverage1m = Number(loadavg()[0].toFixed(2));
console.log(JSON.stringify(result));
