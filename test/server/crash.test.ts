import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type RunningServer, serveCli } from '../helpers/cli.js';
import { blobOf } from '../helpers/fixtures.js';
import { basicAuth } from '../helpers/server.js';

const env = { MEDIA_LIBRARY_PUBLIC_KEY: 'public_crash', MEDIA_LIBRARY_PRIVATE_KEY: 'private_crash' };
const auth = basicAuth('private_crash');

async function blobFiles(dataDir: string): Promise<string[]> {
  const entries = await readdir(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Starts a multipart upload of `size` bytes and streams it slowly; resolves once `sentBefore`
 * bytes are on the wire. The request is left hanging for the caller to kill the server under it.
 */
function startSlowUpload(url: string, name: string, size: number, sentBefore: number): Promise<void> {
  const boundary = 'crashboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n${name}\r\n--${boundary}--\r\n`,
  );
  const req = request(`${url}/api/v1/files/upload`, {
    method: 'POST',
    headers: {
      authorization: auth,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + size + tail.length,
    },
  });
  req.on('error', () => {});
  req.write(head);
  const chunk = Buffer.alloc(64 * 1024, 1);
  let sent = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (sent < sentBefore) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      resolve();
    };
    pump();
  });
}

async function upload(url: string, name: string, bytes: number): Promise<number> {
  const form = new FormData();
  form.append('file', blobOf(Buffer.alloc(bytes, 2)), name);
  form.append('fileName', name);
  form.append('useUniqueFileName', 'false');
  const response = await fetch(`${url}/api/v1/files/upload`, {
    method: 'POST',
    body: form,
    headers: { authorization: auth },
  });
  return response.status;
}

/** Every catalogued version has its blob at its size, every blob has a row, and nothing is staged. */
async function assertConsistent(dataDir: string): Promise<number> {
  const db = new Database(join(dataDir, 'library.db'), { readonly: true });
  const rows = db.prepare('select blob_key, size from file_versions').all() as Array<{
    blob_key: string;
    size: number;
  }>;
  db.close();
  for (const row of rows) {
    const info = await stat(join(dataDir, 'blobs', row.blob_key));
    assert.equal(info.size, row.size, `blob ${row.blob_key} is whole`);
  }
  const blobs = await blobFiles(dataDir);
  assert.equal(blobs.length, rows.length, 'no orphan blob');
  assert.deepEqual(await readdir(join(dataDir, 'staging')), [], 'staging is empty');
  return rows.length;
}

describe('kill -9 in the middle of uploads', () => {
  let dataDir: string;
  let server: RunningServer | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-crash-'));
  });
  after(async () => {
    server?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function killHard(running: RunningServer) {
    running.child.kill('SIGKILL');
    await once(running.child, 'exit');
  }

  it('a half-received upload leaves no listed file and no blob after restart', async () => {
    server = await serveCli(['--data', dataDir], env);
    assert.equal(await upload(server.url, 'before.bin', 1000), 200);
    await startSlowUpload(server.url, 'half.bin', 32 * 1024 * 1024, 8 * 1024 * 1024);
    const staged = await readdir(join(dataDir, 'staging'));
    assert.equal(staged.length, 1, 'the upload was being staged when the server died');
    await killHard(server);

    server = await serveCli(['--data', dataDir], env);
    const listed = await (
      await fetch(`${server.url}/v1/files?type=all`, { headers: { authorization: auth } })
    ).json();
    assert.deepEqual(
      listed.map((f: { name: string }) => f.name),
      ['before.bin'],
    );
    assert.equal(await assertConsistent(dataDir), 1);
    await killHard(server);
  });

  it('a blob moved into storage whose row never committed is swept on start', async () => {
    // The instant between "bytes durable" and "row committed": a journaled blob with no row.
    const key = 'originals/ff/0000000000000000000000ff';
    await mkdir(join(dataDir, 'blobs', 'originals', 'ff'), { recursive: true });
    await writeFile(join(dataDir, 'blobs', key), 'orphan bytes');
    const db = new Database(join(dataDir, 'library.db'));
    db.prepare('insert into blob_journal (blob_key, created_at) values (?, ?)').run(key, Date.now() - 1000);
    db.close();

    server = await serveCli(['--data', dataDir], env);
    assert.match(server.banner, /Removed 1 blob\(s\) left by an interrupted upload or delete/);
    assert.equal(await assertConsistent(dataDir), 1);
    await killHard(server);
  });

  // Uploads run `inFlight` at a time, so when the kill comes at most `killAfter + inFlight` have
  // started: some are always cut off mid-way, however slow this machine is.
  const batch = 30;
  const inFlight = 8;
  for (const killAfter of [1, 4, 8]) {
    it(`${batch} uploads, ${inFlight} at a time, killed once ${killAfter} finished leave a consistent catalog`, async (t) => {
      server = await serveCli(['--data', dataDir], env);
      const running = server;
      let finished = 0;
      let started = 0;
      let killed = false;
      let reached: () => void;
      const enough = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const statuses: number[] = [];
      const next = async (): Promise<void> => {
        while (!killed && started < batch) {
          const i = started++;
          const status = await upload(running.url, `k${killAfter}-${i}.bin`, 512 * 1024).catch(() => 0);
          statuses.push(status);
          if (++finished === killAfter) reached();
        }
      };
      const uploads = Array.from({ length: inFlight }, next);
      await enough;
      killed = true;
      await killHard(running);
      await Promise.all(uploads);
      const acknowledged = statuses.filter((s) => s === 200).length;

      server = await serveCli(['--data', dataDir], env);
      const listed = await (
        await fetch(`${server.url}/v1/files?limit=1000`, { headers: { authorization: auth } })
      ).json();
      const mine = listed.filter((f: { name: string }) => f.name.startsWith(`k${killAfter}-`));
      t.diagnostic(
        `${acknowledged} of ${batch} uploads acknowledged before the kill; ${mine.length} listed after restart`,
      );
      assert.ok(
        mine.length >= acknowledged,
        `every acknowledged upload survived (${mine.length} ≥ ${acknowledged})`,
      );
      await assertConsistent(dataDir);
      await killHard(server);
    });
  }
});
