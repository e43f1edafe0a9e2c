import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ServerConfig } from '../../src/server/config.js';
import { restoreFromBackup } from '../../src/server/library/backup-restore.js';
import type { BackupStatus } from '../../src/shared/backup.js';
import { runCli } from '../helpers/cli.js';
import { png, upload } from '../helpers/fixtures.js';
import { startS3Server } from '../helpers/s3-server.js';
import { createScaleBackends, type ScaleBackends, testBackend } from '../helpers/scale.js';
import { scaleOptions, startTestServer, type TestServer } from '../helpers/server.js';

const credentials = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * The S3 server the backup bucket lives on: on the scale path the one the library's storage
 * uses (the same S3 settings), else one of our own beside a library on disk.
 */
async function s3ForBackup(): Promise<{
  endpoint: string;
  options: Partial<ServerConfig>;
  backends?: ScaleBackends;
}> {
  if (testBackend === 'scale') {
    const backends = await createScaleBackends();
    return { endpoint: backends.s3Endpoint, options: scaleOptions(backends), backends };
  }
  Object.assign(process.env, credentials);
  const { endpoint, stop } = await startS3Server();
  process.once('exit', stop);
  return { endpoint, options: { s3Endpoint: endpoint } };
}

const bytesOf = async (body: unknown) =>
  Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

describe('S3 backup (--backup s3://bucket/prefix)', () => {
  let server: TestServer;
  let failing: TestServer;
  let client: S3Client;
  let backends: ScaleBackends | undefined;
  const bucket = `backup-${randomBytes(4).toString('hex')}`;
  const target = `s3://${bucket}/nightly`;

  before(async () => {
    const s3 = await s3ForBackup();
    backends = s3.backends;
    client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    server = await startTestServer({ ...s3.options, backup: target, trashDays: 0 });
    failing = await startTestServer({
      s3Endpoint: s3.endpoint,
      backup: 's3://no-such-backup-bucket/x',
      backupRetryMs: 20,
      backupAttempts: 3,
    });
  });
  after(async () => {
    await server?.close();
    await failing?.close();
    await backends?.drop();
    client?.destroy();
  });

  const status = async (of = server) => {
    const response = await of.api('/_ml/backup');
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as BackupStatus;
  };
  /** Waits until the queue has written (or given up on) everything queued. */
  const settled = async (of = server) => {
    for (let i = 0; i < 200; i++) {
      const now = await status(of);
      if (now.pending === 0) return now;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the backup queue did not settle: ${JSON.stringify(await status(of))}`);
  };
  const object = async (path: string) => {
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `nightly${path}` }));
      return bytesOf(got.Body);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };
  const uploadImage = async (
    to: TestServer,
    folder: string,
    name: string,
    bytes: Buffer,
  ): Promise<{ fileId: string; filePath: string; versionInfo: { id: string } }> => {
    const response = await upload(to, {
      file: { bytes, name, type: 'image/png' },
      fields: { fileName: name, folder, useUniqueFileName: 'false', overwriteFile: 'true' },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  };

  it('writes a new upload to the backup bucket at its path, and a new version over it', async () => {
    const first = await png(40, 30);
    const file = await uploadImage(server, '/b1', 'logo.png', first);
    const done = await settled();
    assert.deepEqual(await object('/b1/logo.png'), first);
    assert.equal(done.enabled, true);
    assert.equal(done.target, target);
    assert.equal(done.failed, 0);
    assert.equal(typeof done.lastSuccessAt, 'number');

    const second = await png(80, 60);
    const again = await uploadImage(server, '/b1', 'logo.png', second);
    assert.equal(again.fileId, file.fileId, 'a new version of the same file');
    await settled();
    assert.deepEqual(await object('/b1/logo.png'), second, 'overwritten with the new version');

    // Restoring the first version makes it the path's bytes again, there too.
    const restored = await server.api(`/v1/files/${file.fileId}/versions/${file.versionInfo.id}/restore`, {
      method: 'PUT',
    });
    assert.equal(restored.status, 200, await restored.clone().text());
    await settled();
    assert.deepEqual(await object('/b1/logo.png'), first);
  });

  it('leaves the backup alone when a file is moved, copied or deleted', async () => {
    const bytes = await png(30, 30);
    const file = await uploadImage(server, '/b2', 'keep.png', bytes);
    await settled();
    assert.deepEqual(await object('/b2/keep.png'), bytes);

    const copied = await server.api('/v1/files/copy', {
      method: 'POST',
      json: { sourceFilePath: '/b2/keep.png', destinationPath: '/b2-copies' },
    });
    assert.equal(copied.status, 204, await copied.clone().text());
    const moved = await server.api('/v1/files/move', {
      method: 'POST',
      json: { sourceFilePath: '/b2/keep.png', destinationPath: '/b2-moved' },
    });
    assert.equal(moved.status, 204, await moved.clone().text());
    assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 204);
    const done = await settled();
    assert.equal(done.pending, 0);

    assert.deepEqual(await object('/b2/keep.png'), bytes, 'still at the path it was backed up at');
    assert.equal(await object('/b2-copies/keep.png'), undefined, 'a copy is not backed up');
    assert.equal(await object('/b2-moved/keep.png'), undefined, 'nor a move');
  });

  it('retries a failing target with backoff, shows it in the status, and never fails the upload', async () => {
    assert.deepEqual(
      { pending: (await status(failing)).pending, failed: (await status(failing)).failed },
      { pending: 0, failed: 0 },
    );
    const file = await uploadImage(failing, '/f', 'lost.png', await png(20, 20));
    assert.ok(file.fileId, 'the upload succeeded');
    const done = await settled(failing);
    assert.equal(done.failed, 1, JSON.stringify(done));
    assert.equal(done.lastSuccessAt, null);
    assert.match(done.lastError ?? '', /^\/f\/lost\.png: /);
    assert.equal((await failing.api(`/v1/files/${file.fileId}/details`)).status, 200);
  });

  it('answers the status to admins and full keys only', async () => {
    assert.equal((await server.api('/_ml/backup', { key: null })).status, 401);
  });

  it('restores files missing in the library from the backup, once', async () => {
    const kept = await png(50, 20);
    const gone = await png(20, 50);
    await uploadImage(server, '/r/sub', 'kept.png', kept);
    const lost = await uploadImage(server, '/r/sub', 'gone.png', gone);
    await uploadImage(server, '/elsewhere', 'other.png', await png(10, 10));
    await settled();
    assert.equal((await server.api(`/v1/files/${lost.fileId}`, { method: 'DELETE' })).status, 204);
    assert.equal((await server.api(`/v1/files/${lost.fileId}/details`)).status, 404);

    const context = server.server.context;
    const result = await restoreFromBackup(context, target, { prefix: '/r/' });
    assert.deepEqual(result.restored, ['/r/sub/gone.png']);
    assert.equal(result.skipped, 1, 'kept.png is in the library');

    const listed = (await (await server.api('/v1/files?path=/r/sub/')).json()) as Array<{
      name: string;
      fileId: string;
    }>;
    assert.deepEqual(listed.map((f) => f.name).sort(), ['gone.png', 'kept.png']);
    const back = listed.find((f) => f.name === 'gone.png')!;
    const details = (await (await server.api(`/v1/files/${back.fileId}/details`)).json()) as { url: string };
    assert.deepEqual(Buffer.from(await (await fetch(details.url)).arrayBuffer()), gone);

    const again = await restoreFromBackup(context, target, { prefix: '/r/' });
    assert.deepEqual(again.restored, [], 'nothing twice');
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'nightly/r/sub/gone.png' }));
    const everything = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'nightly/elsewhere/' }),
    );
    assert.equal(everything.KeyCount, 1, 'the other folder is in the backup but outside --prefix');
    assert.equal((await (await server.api('/_ml/count?path=/elsewhere/')).json()).count, 1);
  });

  it('prints the status from the CLI', { skip: testBackend === 'scale' }, async () => {
    const result = await runCli(['backup', 'status', '--data', server.dataDir, '--backup', target]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`target: +${target}`));
    assert.match(result.stdout, /pending: +0/);
    assert.match(result.stdout, /failed: +0/);
  });
});
