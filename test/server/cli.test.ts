import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, serveCli } from '../helpers/cli.js';
import { basicAuth } from '../helpers/server.js';

describe('media-library CLI', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('serve prints the first key pair once, then one listening line', async () => {
    const first = await serveCli(['--data', dataDir]);
    const keyLine = /private key: (private_\S+)/.exec(first.banner);
    assert.ok(keyLine, first.banner);
    assert.match(first.banner, /^listening on http:\/\/127\.0\.0\.1:\d+$/m);
    const response = await fetch(`${first.url}/v1/files`, {
      headers: { authorization: basicAuth(keyLine[1]!) },
    });
    assert.equal(response.status, 200);
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');

    const second = await serveCli(['--data', dataDir]);
    assert.doesNotMatch(second.banner, /private key/);
    assert.equal(second.banner.trim().split('\n').length, 1);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });

  it('takes the first pair from the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-library-cli-env-'));
    try {
      const server = await serveCli(['--data', dir], {
        MEDIA_LIBRARY_PUBLIC_KEY: 'public_from_env',
        MEDIA_LIBRARY_PRIVATE_KEY: 'private_from_env',
      });
      assert.match(server.banner, /public key: {2}public_from_env/);
      const response = await fetch(`${server.url}/v1/files`, {
        headers: { authorization: basicAuth('private_from_env') },
      });
      assert.equal(response.status, 200);
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keys create, list, roll and delete', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--restricted',
      '--permission',
      'Read',
      '--name',
      'bot',
      '--data',
      dataDir,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const publicKey = /public key: {2}(public_\S+)/.exec(created.stdout)![1]!;
    assert.match(created.stdout, /restricted \(Read\)/);

    const listed = await runCli(['keys', 'list', '--data', dataDir]);
    assert.match(listed.stdout, new RegExp(`${publicKey} {2}private_…\\S+ {2}restricted Read {2}"bot"`));

    const rolled = await runCli(['keys', 'roll', publicKey, '--expire-old-in', '1h', '--data', dataDir]);
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /previous private key works until/);

    const deleted = await runCli(['keys', 'delete', publicKey, '--data', dataDir]);
    assert.equal(deleted.code, 0);
    const gone = await runCli(['keys', 'delete', publicKey, '--data', dataDir]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such API key/);
  });

  it('explains usage mistakes', async () => {
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "frobnicate"[\s\S]*Usage:/);
    const badFlag = await runCli(['serve', '--colour']);
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /Unknown option '--colour'/);
  });

  it('refuses back ends it cannot use, saying which and never echoing a password', async () => {
    const mysql = await runCli(['serve', '--data', dataDir, '--database', 'mysql://root:hunter2@db/media']);
    assert.equal(mysql.code, 1);
    assert.match(
      mysql.stderr,
      /--database \/ DATABASE_URL should look like postgres:\/\/.*; this is a mysql:\/\/ URL/,
    );
    assert.doesNotMatch(mysql.stderr, /hunter2/);
    const storage = await runCli(['serve', '--data', dataDir], { MEDIA_LIBRARY_STORAGE: '/mnt/blobs' });
    assert.equal(storage.code, 1);
    assert.match(
      storage.stderr,
      /MEDIA_LIBRARY_STORAGE should look like s3:\/\/bucket\/prefix; this is not a URL/,
    );
    const redis = await runCli(['serve', '--data', dataDir, '--redis', 'redis://127.0.0.1:1']);
    assert.equal(redis.code, 1);
    assert.match(redis.stderr, /cannot reach Redis/);
    const migrate = await runCli(['migrate', '--from', dataDir]);
    assert.equal(migrate.code, 1);
    assert.match(migrate.stderr, /migrate needs --to postgres:\/\/…/);
  });
});
