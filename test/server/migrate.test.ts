import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, runCli, serveCli } from '../helpers/cli.js';
import { jpeg, photo, png, uploadForm } from '../helpers/fixtures.js';
import {
  createScaleBackends,
  openPostgresCatalog,
  type ScaleBackends,
  testBackend,
} from '../helpers/scale.js';
import { basicAuth } from '../helpers/server.js';

/**
 * `media-library migrate`: a seeded single-machine library (SQLite + disk), copied into PostgreSQL
 * and a bucket, answers the same listing, search and delivery, byte for byte.
 */

const keys = { MEDIA_LIBRARY_PUBLIC_KEY: 'public_migrate', MEDIA_LIBRARY_PRIVATE_KEY: 'private_migrate' };
const auth = basicAuth(keys.MEDIA_LIBRARY_PRIVATE_KEY);

const api = (server: RunningServer, path: string, init: RequestInit = {}, key = auth) =>
  fetch(server.url + path, { ...init, headers: { authorization: key, ...init.headers } });

async function post(server: RunningServer, path: string, json: unknown) {
  const response = await api(server, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  assert.ok(response.status < 300, `${path}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function put(
  server: RunningServer,
  name: string,
  folder: string,
  bytes: Buffer,
  fields: Record<string, string> = {},
) {
  const form = uploadForm({
    file: { bytes, name },
    fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
  });
  const response = await api(server, '/api/v1/files/upload', { method: 'POST', body: form });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** What a client sees; URLs name the server they came from, so only their paths are compared. */
async function observe(server: RunningServer, paths: string[]): Promise<string> {
  const seen: Record<string, unknown> = {};
  for (const path of paths) {
    const response = await api(server, path);
    seen[path] = { status: response.status, body: await response.text() };
  }
  return JSON.stringify(seen).replaceAll(server.url, 'ORIGIN');
}

async function bytesOf(server: RunningServer, path: string): Promise<Buffer> {
  const response = await fetch(server.url + path);
  assert.equal(response.status, 200, path);
  return Buffer.from(await response.arrayBuffer());
}

describe('media-library migrate', {
  skip: testBackend !== 'scale' && 'the scale path only (npm run test:scale)',
}, () => {
  let backends: ScaleBackends;
  let from: string;
  const dirs: string[] = [];
  const views = [
    '/v1/files?type=all&sort=ASC_NAME',
    '/v1/files?type=all&path=/shop/&sort=DESC_CREATED',
    '/v1/files?type=file-version&sort=ASC_NAME',
    `/v1/files?searchQuery=${encodeURIComponent('name : "dress"')}`,
    `/v1/files?searchQuery=${encodeURIComponent('tags IN ["sale"] OR "customMetadata.price" > 10')}`,
    `/v1/files?searchQuery=${encodeURIComponent('"embeddedMetadata.Keywords" IN ["luxury"]')}`,
    '/v1/customMetadataFields?includeDeleted=true',
  ];
  let before_: string;
  const deliveries = new Map<string, Buffer>();
  let restrictedKey: string;

  const migrate = () =>
    runCli(
      ['migrate', '--from', from, '--to', backends.database, '--storage', backends.storage],
      backends.env,
    );

  before(async () => {
    backends = await createScaleBackends();
    from = await mkdtemp(join(tmpdir(), 'media-library-migrate-'));
    dirs.push(from);
    const source = await serveCli(['--data', from], keys);
    try {
      await post(source, '/v1/customMetadataFields', {
        name: 'price',
        label: 'Price',
        schema: { type: 'Number' },
      });
      await post(source, '/v1/customMetadataFields', {
        name: 'gone',
        label: 'Gone',
        schema: { type: 'Text' },
      });
      const fields = await (await api(source, '/v1/customMetadataFields')).json();
      const gone = fields.find((f: { name: string }) => f.name === 'gone');
      assert.equal(
        (await api(source, `/v1/customMetadataFields/${gone.id}`, { method: 'DELETE' })).status,
        204,
      );
      await post(source, '/v1/folder', { folderName: 'empty', parentFolderPath: '/shop' });
      const dress = await put(
        source,
        'red-dress.jpg',
        '/shop',
        await photo(['luxury'], '2021:06:01 10:00:00'),
        {
          tags: 'sale,summer',
          customMetadata: JSON.stringify({ price: 25 }),
        },
      );
      await put(source, 'red-dress.jpg', '/shop', await jpeg(120, 80), { tags: 'sale' });
      await put(source, 'logo.png', '/brand', await png(30, 30, true), { isPrivateFile: 'false' });
      await put(source, 'notes.txt', '/', Buffer.from('plain text, not an image'));
      const created = await post(source, '/_ml/keys', {
        kind: 'restricted',
        permission: 'Read',
        name: 'reader',
      });
      restrictedKey = created.privateKey;
      // A team: one member with a grant, besides the first admin the start made.
      const member = await post(source, '/_ml/users', {
        email: 'member@example.com',
        role: 'member',
        password: 'correct horse battery staple',
      });
      const team = await post(source, '/_ml/groups', {
        name: 'Team',
        members: [{ type: 'user', id: member.id }],
      });
      const granted = await api(source, '/_ml/grants', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          principal: { type: 'group', id: team.id },
          target: { type: 'folder', path: '/shop' },
          level: 'view',
        }),
      });
      assert.equal(granted.status, 200, await granted.clone().text());

      before_ = await observe(source, [...views, `/v1/files/${dress.fileId}/versions`]);
      for (const path of [
        '/shop/red-dress.jpg',
        '/brand/logo.png',
        '/notes.txt',
        '/shop/red-dress.jpg?tr=w-40',
      ]) {
        deliveries.set(path, await bytesOf(source, path));
      }
      deliveries.set('versions', Buffer.from(`${dress.fileId}`));
    } finally {
      source.child.kill('SIGTERM');
      await once(source.child, 'exit');
    }
  });
  after(async () => {
    await backends?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('copies everything, verifies it, and prints counts and checksums', async () => {
    const result = await migrate();
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /copied 2 API key\(s\), 2 custom metadata field\(s\), 3 folder\(s\)/);
    assert.match(result.stdout, /copied 2 user\(s\), 1 group\(s\), 1 grant\(s\)/);
    assert.match(result.stdout, /versions\s+4\s+4/);
    // The first key, 3 field writes, a folder, 3 uploads and a new version, the restricted key, and
    // the user, the group and the grant.
    assert.match(result.stdout, /copied 13 audit log entries/);
    assert.match(result.stdout, /catalog sha256 {2}[0-9a-f]{64}/);
    assert.match(result.stdout, /blobs sha256 {4}[0-9a-f]{64}/);
    assert.match(result.stdout, /^verified: /m);
  });

  it('answers the same listing, search and delivery on PostgreSQL and the bucket', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-library-migrated-'));
    dirs.push(dir);
    const target = await serveCli(['--data', dir], { ...backends.env, ...keys });
    try {
      assert.doesNotMatch(target.banner, /Created the first/, 'the keys came along');
      const fileId = deliveries.get('versions')!.toString();
      assert.equal(await observe(target, [...views, `/v1/files/${fileId}/versions`]), before_);
      for (const [path, bytes] of deliveries) {
        if (path === 'versions') continue;
        assert.deepEqual(await bytesOf(target, path), bytes, path);
      }
      const history = await (await api(target, `/_ml/audit?fileId=${fileId}`)).json();
      assert.deepEqual(
        history.entries.map((e: { action: string }) => e.action),
        ['file.version', 'file.upload'],
        'the audit log came along',
      );
      const reader = await api(target, '/v1/files', {}, basicAuth(restrictedKey));
      assert.equal(reader.status, 200, 'the restricted key works too');
    } finally {
      target.child.kill('SIGTERM');
      await once(target.child, 'exit');
    }
  });

  it('resumes: run again, it copies only what is missing', async () => {
    const catalog = openPostgresCatalog(backends.database);
    try {
      // As if the first run had stopped before its last rows.
      await catalog.deleteFrom('file_versions').where('name', '=', 'notes.txt').execute();
    } finally {
      await catalog.destroy();
    }
    const again = await migrate();
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /copied 0 API key\(s\), 0 custom metadata field\(s\), 0 folder\(s\)/);
    assert.match(again.stdout, /copied 1 version\(s\), 24 bytes; 3 were already there/);
    assert.match(again.stdout, /already has an audit log; not copying it/);
    assert.match(again.stdout, /^verified: /m);
  });

  it('says what is wrong when the target differs, and exits non-zero', async () => {
    const catalog = openPostgresCatalog(backends.database);
    try {
      await catalog
        .updateTable('file_versions')
        .set({ description: 'changed' })
        .where('name', '=', 'logo.png')
        .execute();
    } finally {
      await catalog.destroy();
    }
    const result = await migrate();
    assert.equal(result.code, 1);
    assert.match(result.stdout, /version \S+ \(\/brand\/logo\.png\) differs in the catalog/);
    assert.match(result.stdout, /NOT verified: 1 problem/);
  });

  it('refuses a directory with no library, naming it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'media-library-empty-'));
    dirs.push(empty);
    const result = await runCli(
      ['migrate', '--from', empty, '--to', backends.database, '--storage', backends.storage],
      backends.env,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /there is no library in .*media-library-empty-/);
  });
});
