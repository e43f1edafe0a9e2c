// The S3 backup's throughput beside the library's own storage: BENCH_FILES uploads of BENCH_MB
// each (default 100 × 1 MB, 4 at a time) to a server on local disk with `--backup` pointing at an
// S3-compatible server (s3rver, as the tests use); the storage figure is the uploads' own rate, the
// backup figure the rate at which the backup queue has the same bytes in the bucket (from the first
// upload until `GET /_ml/backup` says nothing is pending). Beside them, the same bytes PUT straight
// into s3rver 4 at a time: the most the backup could do here. Prints one JSON line. Run with
// `npm run bench:backup`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Server } from '../test/helpers/s3-server.ts';
import { pool, startServer, uploadFile } from './support.mjs';

const files = Number(process.env.BENCH_FILES ?? 100);
const megabytes = Number(process.env.BENCH_MB ?? 1);
const concurrency = 4;
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;
const credentials = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const bytes = Array.from({ length: files }, () => randomBytes(megabytes * 1024 * 1024));
const totalMb = files * megabytes;
const rate = (ms) => Number((totalMb / (ms / 1000)).toFixed(1));

const s3 = await startS3Server();
const client = new S3Client({
  endpoint: s3.endpoint,
  forcePathStyle: true,
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const work = await mkdtemp(join(tmpdir(), 'media-library-bench-backup-'));
try {
  await client.send(new CreateBucketCommand({ Bucket: 'bench-direct' }));
  await client.send(new CreateBucketCommand({ Bucket: 'bench-backup' }));

  let started = performance.now();
  await pool(files, concurrency, (i) =>
    client.send(new PutObjectCommand({ Bucket: 'bench-direct', Key: `direct/${i}.bin`, Body: bytes[i] })),
  );
  const directMs = performance.now() - started;

  const server = await startServer(join(work, 'data'), keys, {
    ...credentials,
    MEDIA_LIBRARY_S3_ENDPOINT: s3.endpoint,
    MEDIA_LIBRARY_BACKUP: 's3://bench-backup/nightly',
  });
  try {
    started = performance.now();
    await pool(files, concurrency, (i) =>
      uploadFile(server.url, auth, bytes[i], `file-${i}.bin`, { folder: '/bench' }),
    );
    const uploadMs = performance.now() - started;
    let status;
    for (;;) {
      status = await (await fetch(`${server.url}/_ml/backup`, { headers: { authorization: auth } })).json();
      if (status.pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const backupMs = performance.now() - started;
    console.log(
      JSON.stringify({
        bench: 'backup',
        files,
        megabytesEach: megabytes,
        concurrency,
        storageMBps: rate(uploadMs),
        backupMBps: rate(backupMs),
        backupToStorageRatio: Number((uploadMs / backupMs).toFixed(2)),
        directS3MBps: rate(directMs),
        backupToDirectS3Ratio: Number((directMs / backupMs).toFixed(2)),
        failed: status.failed,
      }),
    );
  } finally {
    await server.stop();
  }
} finally {
  client.destroy();
  s3.stop();
  await rm(work, { recursive: true, force: true });
}
