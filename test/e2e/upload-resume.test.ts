// Upload on the demo page, as a user: several files through Uppy's file picker, one of them over
// the resumable threshold; the server is killed (-9) in the middle of the big one and started
// again; the upload resumes from the stored offset and every file is intact (hash compare).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { patternBytes } from '../helpers/tus.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A free TCP port, so the restarted server comes back at the same address. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm start`'s demo server as a child process (so it can be killed -9), ready once it says so. */
function startDemo(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'demo/serve.ts', '--port', String(port), '--data', dataDir],
    {
      cwd: root,
      env: {
        ...process.env,
        MEDIA_LIBRARY_RATE_LIMIT: 'off',
        MEDIA_LIBRARY_LOG_LEVEL: 'silent',
        MEDIA_LIBRARY_RESUMABLE_THRESHOLD: '2mb',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Demo: http://')) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code}: ${output}`)));
  });
}

describe('upload on the demo page, across a server crash', () => {
  let browser: Browser;
  let dataDir: string;
  let filesDir: string;
  let demo: ChildProcess | undefined;
  let port: number;

  before(async () => {
    assert.ok(
      existsSync(join(root, 'dist/media-library.js')),
      'build the bundle first: npm run build:browser',
    );
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-e2e-upload-'));
    filesDir = await mkdtemp(join(tmpdir(), 'media-library-e2e-files-'));
    port = await freePort();
    demo = await startDemo(port, dataDir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    demo?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await rm(filesDir, { recursive: true, force: true });
  });

  it('resumes the big file after kill -9 and a restart, and every file arrives intact', async () => {
    const files = [
      { name: 'small-a.bin', bytes: patternBytes(150_000, 1) },
      { name: 'small-b.bin', bytes: patternBytes(700_000, 2) },
      { name: 'small-c.bin', bytes: patternBytes(1_200_000, 3) },
      { name: 'big.bin', bytes: patternBytes(56 * 1024 * 1024, 4) },
    ];
    for (const file of files) await writeFile(join(filesDir, file.name), file.bytes);
    const base = `http://localhost:${port}`;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const patches: { offset: number; at: number }[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && request.url().includes('/_ml/tus/'))
        patches.push({ offset: Number(request.headers()['upload-offset']), at: Date.now() });
    });
    await page.goto(`${base}/`);
    const library = page.locator('#inline');
    await library.getByRole('button', { name: 'Upload' }).click();
    const panel = library.getByRole('dialog', { name: 'Upload files' });
    await panel.waitFor();
    await panel.locator('input[name=folder]').fill('/e2e-upload');
    await panel.locator('input[name=folder]').dispatchEvent('change');
    await panel
      .locator('input.uppy-Dashboard-input')
      .first()
      .setInputFiles(files.map((f) => join(filesDir, f.name)));
    const uploaded = page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const names: string[] = [];
          document.getElementById('inline')!.addEventListener('ml-upload-success', (event) => {
            names.push((event as CustomEvent<{ name: string }>).detail.name);
            if (names.length === 4) resolve(names);
          });
        }),
    );
    await panel.getByRole('button', { name: 'Upload 4 files' }).click();

    // The first 16 MB chunk of the big file has been stored: kill the server, start it again.
    const firstChunk = await page.waitForResponse(
      (response) => response.request().method() === 'PATCH' && response.url().includes('/_ml/tus/'),
      { timeout: 60_000 },
    );
    assert.equal(firstChunk.status(), 204);
    demo!.kill('SIGKILL');
    await new Promise((resolve) => demo!.once('exit', resolve));
    const killedAt = Date.now();
    demo = await startDemo(port, dataDir);

    // Uppy retries on its own while the server is away; what it gave up on, the user retries.
    const done = Promise.race([uploaded, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if ((await done) === undefined) {
      await panel.locator('.uppy-StatusBar-actionBtn--retry').click();
      await uploaded;
    }
    const resumed = patches.filter((patch) => patch.at > killedAt);
    assert.ok(resumed.length > 0, 'the big file went on after the restart');
    assert.ok(resumed[0]!.offset > 0, `resumed from offset ${resumed[0]!.offset}, not from the start`);

    const session = (await (
      await fetch(`${base}/_ml/demo/auth/session`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as { token: string };
    const listed = (await (
      await fetch(`${base}/v1/files?path=/e2e-upload&type=file`, {
        headers: { authorization: `Bearer ${session.token}` },
      })
    ).json()) as { name: string; filePath: string }[];
    assert.deepEqual(listed.map((f) => f.name).sort(), files.map((f) => f.name).sort());
    for (const file of files) {
      const response = await fetch(`${base}/e2e-upload/${file.name}`);
      assert.equal(response.status, 200, file.name);
      assert.equal(
        sha256(new Uint8Array(await response.arrayBuffer())),
        sha256(file.bytes),
        `${file.name} intact`,
      );
    }
  });
});
