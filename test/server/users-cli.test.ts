import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, runCli, serveCli } from '../helpers/cli.js';

const signIn = (url: string, email: string, password: string) =>
  fetch(`${url}/_ml/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('media-library users (CLI) and the first admin', () => {
  let dataDir: string;
  let server: RunningServer;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-users-cli-'));
    server = await serveCli(['--data', dataDir], { MEDIA_LIBRARY_ADMIN_EMAIL: 'owner@example.com' });
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serve prints the first admin’s one-time password once, and it signs in', async () => {
    assert.match(server.banner, /email: {4}owner@example\.com/);
    const password = /password: (\S+)/.exec(server.banner)?.[1];
    assert.ok(password, server.banner);
    assert.equal((await signIn(server.url, 'owner@example.com', password)).status, 200);
  });

  it('adds a user with a printed one-time password, lists it, resets it and disables it', async () => {
    const added = await runCli([
      'users',
      'add',
      '--email',
      'ann@example.com',
      '--role',
      'member',
      '--data',
      dataDir,
    ]);
    assert.equal(added.code, 0, added.stderr);
    const password = /one-time password: (\S+)/.exec(added.stdout)?.[1];
    assert.ok(password, added.stdout);
    assert.equal((await signIn(server.url, 'ann@example.com', password)).status, 200);

    const listed = await runCli(['users', 'list', '--data', dataDir]);
    assert.match(listed.stdout, /ann@example\.com {2}member {2}active/);
    assert.match(listed.stdout, /owner@example\.com {2}admin {2}active/);

    const reset = await runCli(['users', 'reset-password', 'ann@example.com', '--data', dataDir]);
    const fresh = /one-time password for ann@example\.com: (\S+)/.exec(reset.stdout)?.[1];
    assert.ok(fresh, reset.stdout);
    assert.equal((await signIn(server.url, 'ann@example.com', password)).status, 401);
    const session = await signIn(server.url, 'ann@example.com', fresh);
    assert.equal(session.status, 200);
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;

    const disabled = await runCli(['users', 'disable', 'ann@example.com', '--data', dataDir]);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal((await fetch(`${server.url}/v1/files`, { headers: { cookie } })).status, 401);
  });

  it('reads a password from stdin with --password-stdin, and refuses an unknown role', async () => {
    const added = await runCli(
      [
        'users',
        'add',
        '--email',
        'bo@example.com',
        '--role',
        'manager',
        '--password-stdin',
        '--data',
        dataDir,
      ],
      {},
      'a password from a pipe\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.doesNotMatch(added.stdout, /password/);
    assert.equal((await signIn(server.url, 'bo@example.com', 'a password from a pipe')).status, 200);
    const bad = await runCli([
      'users',
      'add',
      '--email',
      'x@example.com',
      '--role',
      'owner',
      '--data',
      dataDir,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--role admin, manager or member/);
  });
});
