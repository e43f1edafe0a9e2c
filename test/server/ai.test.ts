import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { type RunningServer, serveCli } from '../helpers/cli.js';
import { upload, uploadPng } from '../helpers/fixtures.js';
import { testBackend } from '../helpers/scale.js';
import { basicAuth, startTestServer, type TestServer } from '../helpers/server.js';

const require = createRequire(import.meta.url);

/** A banner with rendered text, as a designer would upload one. */
async function banner(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="300"><rect width="800" height="300" fill="#fff"/><text x="40" y="170" font-family="sans-serif" font-size="90" fill="#000">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A person's head and shoulders from Human's own sample picture (shipped in its package). */
async function portrait(): Promise<Buffer> {
  const sample = join(dirname(dirname(require.resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
  return sharp(sample)
    .extract({ left: 170, top: 0, width: 146, height: 160 })
    .resize(292, 320)
    .png()
    .toBuffer();
}

async function waitForAi(server: { api: TestServer['api'] }, fileId: string) {
  for (let i = 0; i < 600; i++) {
    const status = await (await server.api(`/_ml/files/${fileId}/ai`)).json();
    if (status.aiStatus !== 'pending') return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the AI job never finished');
}

describe('AI on the server itself', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ aiConcurrency: 1 });
  });
  after(() => server.close());

  it('tags an image with text as "text", reads its words, and finds it with text : and AITags IN', async () => {
    const response = await upload(server, {
      file: { bytes: await banner('Summer sale'), name: 'banner.png', type: 'image/png' },
      fields: {
        fileName: 'banner.png',
        extensions: JSON.stringify([{ name: 'google-auto-tagging', minConfidence: 50, maxTags: 10 }]),
      },
    });
    assert.equal(response.status, 200);
    const uploaded = await response.json();
    assert.deepEqual(uploaded.extensionStatus, { 'google-auto-tagging': 'pending' });
    const status = await waitForAi(server, uploaded.fileId);
    assert.deepEqual(status.extensionStatus, { 'google-auto-tagging': 'success' });
    assert.match(status.text, /Summer/);
    assert.match(status.text, /sale/);
    const file = await (await server.api(`/v1/files/${uploaded.fileId}/details`)).json();
    const text = file.AITags.find((t: { name: string }) => t.name === 'text');
    assert.ok(text, JSON.stringify(file.AITags));
    assert.equal(text.source, 'google-auto-tagging');
    assert.ok(text.confidence >= 60);

    const search = async (q: string) =>
      (await (await server.api(`/v1/files?searchQuery=${encodeURIComponent(q)}`)).json()).map(
        (f: { fileId: string }) => f.fileId,
      );
    assert.deepEqual(await search('text : "sale"'), [uploaded.fileId]);
    assert.deepEqual(await search('text : "winter"'), []);
    assert.deepEqual(await search('AITags IN ["text"]'), [uploaded.fileId]);

    const removed = await server.api(`/v1/files/${uploaded.fileId}/details`, {
      method: 'PATCH',
      json: { removeAITags: ['text'] },
    });
    assert.equal(removed.status, 200);
    assert.deepEqual(await search('AITags IN ["text"]'), []);
  });

  it('finds a face with aws-auto-tagging on PATCH details', async () => {
    const response = await upload(server, {
      file: { bytes: await portrait(), name: 'portrait.png', type: 'image/png' },
      fields: { fileName: 'portrait.png' },
    });
    const { fileId } = await response.json();
    const patched = await server.api(`/v1/files/${fileId}/details`, {
      method: 'PATCH',
      json: { extensions: [{ name: 'aws-auto-tagging', minConfidence: 10, maxTags: 20 }] },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual((await patched.json()).extensionStatus, { 'aws-auto-tagging': 'pending' });
    const status = await waitForAi(server, fileId);
    assert.equal(status.faces, 1);
    const file = await (await server.api(`/v1/files/${fileId}/details`)).json();
    const names = file.AITags.map((t: { name: string }) => t.name);
    assert.ok(names.includes('face'), names.join(', '));
    assert.ok(file.AITags.every((t: { source: string }) => t.source === 'aws-auto-tagging'));
  });

  it('a remove-bg upload stores a new version, transparent outside the person', async () => {
    const response = await upload(server, {
      file: { bytes: await portrait(), name: 'cut.png', type: 'image/png' },
      fields: {
        fileName: 'cut.png',
        useUniqueFileName: 'false',
        extensions: JSON.stringify([{ name: 'remove-bg' }]),
      },
    });
    assert.equal(response.status, 200);
    const { fileId, extensionStatus } = await response.json();
    assert.deepEqual(extensionStatus, { 'remove-bg': 'pending' });
    const status = await waitForAi(server, fileId);
    assert.deepEqual(status.extensionStatus, { 'remove-bg': 'success' });
    const file = await (await server.api(`/v1/files/${fileId}/details`)).json();
    assert.equal(file.versionInfo.name, 'Version 2');
    assert.equal(file.hasAlpha, true);
    const bytes = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3]!;
    // The top corners are background; her dress (the middle, low in the picture) is the subject.
    assert.ok(alphaAt(2, 2) < 64, `corner alpha ${alphaAt(2, 2)}`);
    assert.ok(alphaAt(info.width - 3, 2) < 64, `corner alpha ${alphaAt(info.width - 3, 2)}`);
    assert.ok(
      alphaAt(Math.round(info.width / 2), Math.round(info.height * 0.75)) > 192,
      'the person is kept',
    );
  });

  it('fo-face crops around the face, from the stored detections', async () => {
    // The portrait on the right of a wide grey canvas: a centred crop would show mostly grey.
    const wide = await sharp({ create: { width: 600, height: 320, channels: 3, background: '#808080' } })
      .composite([{ input: await portrait(), left: 308, top: 0 }])
      .png()
      .toBuffer();
    const response = await upload(server, {
      file: { bytes: wide, name: 'wide.png', type: 'image/png' },
      fields: { fileName: 'wide.png' },
    });
    const { url } = await response.json();
    const at = `${url}${url.includes('?') ? '&' : '?'}tr=w-160,h-320,fo-face`;
    const delivered = await fetch(at);
    assert.equal(delivered.status, 200);
    const crop = await sharp(Buffer.from(await delivered.arrayBuffer()))
      .removeAlpha()
      .raw()
      .toBuffer();
    const original = await sharp(wide).removeAlpha().raw().toBuffer();
    // Where in the original the crop was taken from: the best-matching left edge.
    let best = { left: -1, diff: Number.POSITIVE_INFINITY };
    for (let left = 0; left <= 440; left += 4) {
      let diff = 0;
      for (let y = 0; y < 320; y += 8)
        for (let x = 0; x < 160; x += 4)
          for (let c = 0; c < 3; c++)
            diff += Math.abs(crop[(y * 160 + x) * 3 + c]! - original[(y * 600 + left + x) * 3 + c]!);
      if (diff < best.diff) best = { left, diff };
    }
    // Her face is about 40–210 px into the portrait, which starts at 308; a centred crop starts at 220.
    assert.ok(best.left >= 320 && best.left <= 420, `the crop starts at ${best.left}`);
    const again = await fetch(at);
    assert.equal(again.status, 200);
  });

  it('refuses unknown extensions naming them, and bad options', async () => {
    const response = await upload(server, {
      file: { bytes: await banner('x'), name: 'x.png', type: 'image/png' },
      fields: {
        fileName: 'x.png',
        extensions: JSON.stringify([{ name: 'ai-auto-description' }, { name: 'nope' }]),
      },
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.match(body.message, /'ai-auto-description', 'nope' are not available/);
    const bad = await upload(server, {
      file: { bytes: await banner('x'), name: 'x.png', type: 'image/png' },
      fields: {
        fileName: 'x.png',
        extensions: JSON.stringify([{ name: 'google-auto-tagging', maxTags: 0 }]),
      },
    });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /maxTags/);
  });
});

describe('AI jobs yield to requests (foreground first)', () => {
  const tagging = JSON.stringify([{ name: 'google-auto-tagging' }]);
  const jobOf = async (server: TestServer, fileId: string) =>
    server
      .catalog()
      .selectFrom('ai_jobs')
      .selectAll()
      .where('file_id', '=', fileId)
      .executeTakeFirstOrThrow();

  it('claims no job while uploads keep coming, and runs it once the node is quiet', async () => {
    const server = await startTestServer({ aiConcurrency: 1, aiQuietMs: 1000, aiMaxDeferMs: 60_000 });
    try {
      const { fileId } = await uploadPng(server, { extensions: tagging });
      // Uploads keep coming for 2.5 s, each well within a second of the last.
      for (const until = Date.now() + 2500; Date.now() < until; ) {
        await uploadPng(server);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const waiting = await jobOf(server, fileId);
      assert.equal(waiting.attempts, 0, 'the job was claimed while uploads came in');
      assert.equal(waiting.claimed_by, null);
      // Polling for the result is not traffic the job waits for.
      const status = await waitForAi(server, fileId);
      assert.deepEqual(status.extensionStatus, { 'google-auto-tagging': 'success' });
    } finally {
      await server.close();
    }
  });

  it('still runs a job once it has been deferred aiMaxDeferMs, under traffic that never stops', async () => {
    // Ten minutes of quiet needed: as good as a node that is never quiet, for this test.
    const server = await startTestServer({ aiConcurrency: 1, aiQuietMs: 600_000, aiMaxDeferMs: 1000 });
    try {
      const { fileId } = await uploadPng(server, { extensions: tagging });
      const status = await waitForAi(server, fileId);
      assert.deepEqual(status.extensionStatus, { 'google-auto-tagging': 'success' });
      assert.equal((await jobOf(server, fileId)).attempts, 1);
    } finally {
      await server.close();
    }
  });
});

describe('a node without AI', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ ai: false });
  });
  after(() => server.close());

  it('answers extensions with a clear 400 on upload and on PATCH details', async () => {
    const response = await upload(server, {
      file: { bytes: await banner('x'), name: 'x.png', type: 'image/png' },
      fields: { fileName: 'x.png', extensions: JSON.stringify([{ name: 'google-auto-tagging' }]) },
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.match(body.message, /'google-auto-tagging' is not available on this server: AI is turned off/);
    assert.ok(body.help);
    const plain = await upload(server, {
      file: { bytes: await banner('x'), name: 'y.png', type: 'image/png' },
      fields: { fileName: 'y.png' },
    });
    const { fileId } = await plain.json();
    const patched = await server.api(`/v1/files/${fileId}/details`, {
      method: 'PATCH',
      json: { extensions: [{ name: 'remove-bg' }] },
    });
    assert.equal(patched.status, 400);
    assert.match((await patched.json()).message, /'remove-bg' is not available/);
  });
});

describe('AI jobs survive kill -9', { skip: testBackend === 'scale' && 'a single-machine library' }, () => {
  let dataDir: string;
  let running: RunningServer | undefined;
  const env = { MEDIA_LIBRARY_PUBLIC_KEY: 'public_ai', MEDIA_LIBRARY_PRIVATE_KEY: 'private_ai' };
  const headers = { authorization: basicAuth('private_ai') };
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-ai-'));
  });
  after(async () => {
    running?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a job killed as it starts runs after the restart', async () => {
    running = await serveCli(['--data', dataDir], env);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await banner('Survivor'))]), 'kill.png');
    form.append('fileName', 'kill.png');
    form.append('extensions', JSON.stringify([{ name: 'google-auto-tagging' }]));
    const response = await fetch(`${running.url}/api/v1/files/upload`, {
      method: 'POST',
      body: form,
      headers,
    });
    assert.equal(response.status, 200);
    const { fileId } = await response.json();
    // Killed while the model loads or runs: the job's row is all that is left.
    running.child.kill('SIGKILL');
    await once(running.child, 'exit');
    running = await serveCli(['--data', dataDir], env);
    const url = running.url;
    const status = await waitForAi(
      { api: (path: string, init?: RequestInit) => fetch(`${url}${path}`, { ...init, headers }) },
      fileId,
    );
    assert.deepEqual(status.extensionStatus, { 'google-auto-tagging': 'success' });
    assert.match(status.text, /Survivor/);
  });
});
