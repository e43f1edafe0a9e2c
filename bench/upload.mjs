// Upload: the core bundle's gzip size (and Uppy's lazy chunk, separately); 100 × 1 MB files
// through the element (drop → Uppy → the upload API) against the same files sent with fetch from
// the same page, same concurrency; and one 500 MB resumable (tus) upload against writing 500 MB
// to disk (with tus-js-client, and as one streamed PATCH). Prints one JSON line.
// Run with `node --import tsx bench/upload.mjs` (builds first).
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/helpers/chromium.ts';
import { startElementBenchServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const fileCount = Number(process.env.BENCH_UPLOAD_FILES ?? 100);
const fileBytes = 1024 * 1024;
const bigBytes = Number(process.env.BENCH_TUS_MB ?? 500) * 1024 * 1024;
/** Concurrent requests: the element sends six form uploads at a time (a browser's limit per host); the direct run too. */
const concurrency = 6;

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<script type="module" src="/_bench/dist/media-library.js"></script></head>
<body><media-library id="library" mode="inline" endpoint="/" auth-url="/_bench/auth" initial-folder="/"
 style="display:block;width:1200px;height:800px"></media-library></body></html>`;

const gzipSize = async (file) => gzipSync(await readFile(join(root, 'dist', file)), { level: 9 }).length;
const mbPerS = (bytes, ms) => Number((bytes / 1024 / 1024 / (ms / 1000)).toFixed(1));

/** In the page: `count` files of 1 MB each, distinct bytes, as File objects on `window.benchFiles`. */
async function makeFiles(tab, prefix) {
  await tab.evaluate(
    ({ count, size, prefix }) => {
      window.benchFiles = Array.from({ length: count }, (_, i) => {
        const bytes = new Uint8Array(size);
        crypto.getRandomValues(bytes.subarray(0, 65536));
        for (let offset = 65536; offset < size; offset += 65536) bytes.copyWithin(offset, 0, 65536);
        bytes[0] = i & 0xff;
        return new File([bytes], `${prefix}-${i}.bin`, { type: 'application/octet-stream' });
      });
    },
    { count: fileCount, size: fileBytes, prefix },
  );
}

/** Through the element (Uppy already loaded): drop the files, choose the folder, press Upload, wait for `ml-upload`. */
function throughElement(tab, folder) {
  return tab.evaluate(async (folder) => {
    const element = document.getElementById('library');
    const until = async (check) => {
      for (;;) {
        const value = check();
        if (value) return value;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await until(() => element.uploadContext?.());
    const data = new DataTransfer();
    for (const file of window.benchFiles) data.items.add(file);
    // The button's lazy part listens for drops; Uppy is loaded first (a one-off, not throughput).
    const button = await until(() => element.shadowRoot.querySelector('ml-upload-button')?.shadowRoot?.host);
    await button.open();
    const started = performance.now();
    element.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    const panel = await until(() => element.shadowRoot.querySelector('ml-upload-panel'));
    const input = await until(() => panel.shadowRoot.querySelector('input[name=folder]'));
    input.value = folder;
    input.dispatchEvent(new Event('change'));
    const start = await until(() => panel.shadowRoot.querySelector('footer .btn.primary:not([disabled])'));
    const done = new Promise((resolve) =>
      element.addEventListener('ml-upload', (e) => resolve(e.detail), { once: true }),
    );
    start.click();
    const { files } = await done;
    return { ms: performance.now() - started, uploaded: files.length };
  }, folder);
}

/** The same files with fetch from the same page: a session token, multipart, `concurrency` at a time. */
function directHttp(tab, folder, limit) {
  return tab.evaluate(
    async ({ folder, limit }) => {
      const session = await (
        await fetch('/_bench/auth/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).json();
      const queue = [...window.benchFiles];
      let uploaded = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: limit }, async () => {
          for (let file = queue.shift(); file; file = queue.shift()) {
            const form = new FormData();
            form.set('fileName', file.name);
            form.set('folder', folder);
            form.set('useUniqueFileName', 'false');
            form.set('file', file);
            const response = await fetch('/api/v1/files/upload', {
              method: 'POST',
              headers: { authorization: `Bearer ${session.token}` },
              body: form,
            });
            if (!response.ok) throw new Error(await response.text());
            uploaded++;
          }
        }),
      );
      return { ms: performance.now() - started, uploaded };
    },
    { folder, limit },
  );
}

/** Writes `bytes` of the source file to a new file and fsyncs it: the disk's own pace. */
async function rawDiskWrite(source, target) {
  const started = performance.now();
  const handle = await open(target, 'w');
  for await (const chunk of createReadStream(source, { highWaterMark: 4 * 1024 * 1024 }))
    await handle.write(chunk);
  await handle.sync();
  await handle.close();
  return performance.now() - started;
}

/**
 * One tus upload of the file with tus-js-client (what Uppy uses), 64 MB per PATCH, in a worker
 * thread so the client does not share the server's event loop.
 */
function tusUpload(url, path, size) {
  const worker = new Worker(
    `const { parentPort, workerData: w } = require('node:worker_threads');
    const { createReadStream } = require('node:fs');
    const tus = require('tus-js-client');
    const started = performance.now();
    const upload = new tus.Upload(createReadStream(w.path), {
      endpoint: w.url + '/_ml/tus',
      uploadSize: w.size,
      chunkSize: 64 * 1024 * 1024,
      metadata: { fileName: 'big.bin', folder: '/bench-tus', useUniqueFileName: 'false' },
      headers: { authorization: w.authorization },
      retryDelays: [],
      onSuccess: () => parentPort.postMessage({ ms: performance.now() - started }),
      onError: (error) => parentPort.postMessage({ error: String(error) }),
    });
    upload.start();`,
    {
      eval: true,
      workerData: {
        url,
        path,
        size,
        authorization: `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`,
      },
    },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (message) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message.ms);
    });
    worker.once('error', reject);
  });
}

/**
 * The server's side alone: create the upload, then stream the whole file in one PATCH with
 * node:http (no client-side chunking), timed to the answer (the file in the library).
 */
async function tusSinglePatch(url, path, size) {
  const authorization = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;
  const started = performance.now();
  const created = await fetch(`${url}/_ml/tus`, {
    method: 'POST',
    headers: {
      authorization,
      'tus-resumable': '1.0.0',
      'upload-length': String(size),
      'upload-metadata': `fileName ${Buffer.from('single-patch.bin').toString('base64')},folder ${Buffer.from('/bench-tus').toString('base64')}`,
    },
  });
  if (created.status !== 201) throw new Error(`tus create: ${created.status} ${await created.text()}`);
  const target = new URL(created.headers.get('location'), url);
  const status = await new Promise((resolve, reject) => {
    const request = httpRequest(target, {
      method: 'PATCH',
      headers: {
        authorization,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(size),
      },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(request);
  });
  if (status !== 200) throw new Error(`tus PATCH: ${status}`);
  return performance.now() - started;
}

const result = { bench: 'upload' };
const dataDir = await mkdtemp(join(root, '.bench-upload-'));
let browser;
let server;
try {
  execFileSync('npm', ['run', 'build:browser', '--silent'], { cwd: root, stdio: 'ignore' });
  const dist = await readdir(join(root, 'dist'));
  result.coreBundleGzipBytes = await gzipSize('media-library.js');
  const chunk = (part) =>
    dist.find((name) => name.startsWith(`media-library.${part}-`) && name.endsWith('.js'));
  result.uploadButtonChunkGzipBytes = await gzipSize(chunk('upload-button'));
  result.uppyChunkGzipBytes = await gzipSize(chunk('upload-panel'));

  server = await startElementBenchServer({
    dataDir,
    keys,
    routes: (app) => app.get('/_bench/page', (_request, reply) => reply.type('text/html').send(page)),
  });

  browser = await launchChromium();
  const tab = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
  await tab.goto(`${server.url}/_bench/page`);
  await tab.waitForFunction(() => customElements.get('media-library'));

  // Direct first, then the element, each with its own files and folder; the same page and server.
  await makeFiles(tab, 'direct');
  const direct = await directHttp(tab, '/bench-direct', concurrency);
  await makeFiles(tab, 'element');
  const element = await throughElement(tab, '/bench-element');
  const totalBytes = fileCount * fileBytes;
  result.files = { count: fileCount, bytes: fileBytes, concurrency };
  result.directMBps = mbPerS(totalBytes, direct.ms);
  result.elementMBps = mbPerS(totalBytes, element.ms);
  result.elementVsDirect = Number((direct.ms / element.ms).toFixed(2));
  result.elementUploaded = element.uploaded;
  await browser.close();
  browser = undefined;

  // 500 MB: the disk's pace (read the source, write, fsync) against a tus upload of the same file.
  const source = join(dataDir, 'source.bin');
  const handle = await open(source, 'w');
  const block = Buffer.alloc(8 * 1024 * 1024);
  for (let offset = 0; offset < bigBytes; offset += block.length) {
    block.writeUInt32LE(offset >>> 0, 0);
    await handle.write(block, 0, Math.min(block.length, bigBytes - offset));
  }
  await handle.close();
  const diskMs = await rawDiskWrite(source, join(dataDir, 'copy.bin'));
  await rm(join(dataDir, 'copy.bin'));
  const tusMs = await tusUpload(server.url, source, bigBytes);
  const singlePatchMs = await tusSinglePatch(server.url, source, bigBytes);
  result.tus = {
    megabytes: bigBytes / 1024 / 1024,
    tusMBps: mbPerS(bigBytes, tusMs),
    rawDiskWriteMBps: mbPerS(bigBytes, diskMs),
    tusVsDisk: Number((diskMs / tusMs).toFixed(2)),
    // The same bytes in one streamed PATCH: the server's pace without tus-js-client's chunking.
    singlePatchMBps: mbPerS(bigBytes, singlePatchMs),
    singlePatchVsDisk: Number((diskMs / singlePatchMs).toFixed(2)),
  };
} finally {
  await browser?.close();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
