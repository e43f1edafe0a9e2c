import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { AuditEntry, AuditPage } from '../../src/shared/audit.js';
import { png, upload, uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, signIn, strongPassword } from '../helpers/people.js';
import { testBackend } from '../helpers/scale.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

const firstKey = { type: 'key', id: testKeys.publicKey, name: 'First key' };

async function waitForJob(server: TestServer, jobId: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const job = (await (await server.api(`/v1/bulkJobs/${jobId}`)).json()) as { status: string };
    if (job.status !== 'Pending') return job.status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('job never finished');
}

describe('the audit log', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const page = async (query = ''): Promise<AuditPage> => {
    const response = await server.api(`/_ml/audit${query}`);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    return body as AuditPage;
  };
  const newestId = async () => Number((await page('?limit=1')).entries[0]?.id ?? 0);

  /** The entries `write` appended, oldest first. */
  async function appendedBy(write: () => Promise<unknown>): Promise<AuditEntry[]> {
    const since = await newestId();
    await write();
    const { entries } = await page('?limit=200');
    return entries.filter((e) => Number(e.id) > since).reverse();
  }

  /** `write` appends exactly one entry; answers it. */
  async function oneEntry(write: () => Promise<unknown>): Promise<AuditEntry> {
    const entries = await appendedBy(write);
    assert.equal(entries.length, 1, JSON.stringify(entries));
    return entries[0]!;
  }

  const ok = async (response: Promise<Response>, status = 200) => {
    const r = await response;
    const text = await r.text();
    assert.equal(r.status, status, text);
    return text ? JSON.parse(text) : undefined;
  };

  /** The one admin of this server (the seeded first admin has a password no test knows). */
  const addAuditAdmin = async () => {
    const email = 'audit-admin@audit.example';
    await addUser(server, { email, role: 'admin', name: 'Audit admin' });
    return { email };
  };

  const put = (folder: string, fileName: string, fields: Record<string, string> = {}) =>
    uploadPng(server, { folder, fileName, useUniqueFileName: 'false', ...fields });

  it('records an upload and a new version with the key that made them', async () => {
    let file!: Awaited<ReturnType<typeof put>>;
    const uploaded = await oneEntry(async () => {
      file = await put('/audit/up', 'a.png', { tags: 'one' });
    });
    assert.equal(uploaded.action, 'file.upload');
    assert.deepEqual(uploaded.actor, firstKey);
    assert.deepEqual(uploaded.target, {
      fileId: file.fileId,
      path: '/audit/up/a.png',
      versionId: file.versionInfo.id,
    });
    assert.ok(Math.abs(Date.parse(uploaded.at) - Date.now()) < 60_000);

    const version = await oneEntry(() => put('/audit/up', 'a.png', { overwriteFile: 'true', tags: 'two' }));
    assert.equal(version.action, 'file.version');
    assert.equal(version.target.fileId, file.fileId);
    assert.deepEqual(version.changes?.versionNumber, { before: 1, after: 2 });
    assert.deepEqual(version.changes?.tags, { before: ['one'], after: ['two'] });
  });

  it('records a session by its sub and folder', async () => {
    const token = await sessionToken({ folder: '/audit/session/', access: 'readwrite' }, { sub: 'alice' });
    const bySession = await oneEntry(async () => {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(await png())], { type: 'image/png' }), 'mine.png');
      form.set('fileName', 'mine.png');
      form.set('folder', '/audit/session');
      form.set('useUniqueFileName', 'false');
      const response = await server.api('/api/v1/files/upload', {
        method: 'POST',
        key: null,
        headers: bearer(token),
        body: form,
      });
      assert.equal(response.status, 200, await response.clone().text());
    });
    assert.deepEqual(bySession.actor, { type: 'session', id: 'alice', folder: '/audit/session/' });
    assert.equal(bySession.target.path, '/audit/session/mine.png');
  });

  it('records metadata changes with before and after, and publication', async () => {
    const file = await put('/audit/meta', 'm.png', { tags: 'old' });
    const entry = await oneEntry(() =>
      ok(
        server.api(`/v1/files/${file.fileId}/details`, {
          method: 'PATCH',
          json: { tags: ['new'], description: 'Alt text' },
        }),
      ),
    );
    assert.equal(entry.action, 'file.update');
    assert.equal(entry.target.fileId, file.fileId);
    assert.deepEqual(entry.changes, {
      tags: { before: ['old'], after: ['new'] },
      description: { before: null, after: 'Alt text' },
    });
    const published = await oneEntry(() =>
      ok(
        server.api(`/v1/files/${file.fileId}/details`, {
          method: 'PATCH',
          json: { publish: { isPublished: false } },
        }),
      ),
    );
    assert.equal(published.action, 'file.publish');
    assert.deepEqual(published.changes, { isPublished: { before: true, after: false } });
  });

  it('records rename, move, copy and delete of a file', async () => {
    const file = await put('/audit/ops', 'r.png');
    const renamed = await oneEntry(() =>
      ok(
        server.api('/v1/files/rename', {
          method: 'PUT',
          json: { filePath: '/audit/ops/r.png', newFileName: 'renamed.png' },
        }),
      ),
    );
    assert.equal(renamed.action, 'file.rename');
    assert.equal(renamed.target.fileId, file.fileId);
    assert.deepEqual(renamed.changes?.path, { before: '/audit/ops/r.png', after: '/audit/ops/renamed.png' });

    const moved = await oneEntry(() =>
      ok(
        server.api('/v1/files/move', {
          method: 'POST',
          json: { sourceFilePath: '/audit/ops/renamed.png', destinationPath: '/audit/ops/moved' },
        }),
        204,
      ),
    );
    assert.equal(moved.action, 'file.move');
    assert.deepEqual(moved.changes?.path, {
      before: '/audit/ops/renamed.png',
      after: '/audit/ops/moved/renamed.png',
    });

    const copied = await oneEntry(() =>
      ok(
        server.api('/v1/files/copy', {
          method: 'POST',
          json: { sourceFilePath: '/audit/ops/moved/renamed.png', destinationPath: '/audit/ops/copies' },
        }),
        204,
      ),
    );
    assert.equal(copied.action, 'file.copy');
    assert.equal(copied.target.path, '/audit/ops/copies/renamed.png');
    assert.notEqual(copied.target.fileId, file.fileId);
    assert.deepEqual(copied.changes?.source?.after, {
      fileId: file.fileId,
      path: '/audit/ops/moved/renamed.png',
    });

    const deleted = await oneEntry(() =>
      ok(server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' }), 204),
    );
    assert.equal(deleted.action, 'file.delete');
    assert.deepEqual(
      [deleted.target.fileId, deleted.target.path],
      [file.fileId, '/audit/ops/moved/renamed.png'],
    );
  });

  it('records version restore and delete, and an edit', async () => {
    const first = await put('/audit/versions', 'v.png');
    await put('/audit/versions', 'v.png', { overwriteFile: 'true' });
    const restored = await oneEntry(() =>
      ok(
        server.api(`/v1/files/${first.fileId}/versions/${first.versionInfo.id}/restore`, {
          method: 'PUT',
        }),
      ),
    );
    assert.equal(restored.action, 'version.restore');
    assert.equal(restored.target.versionId, first.versionInfo.id);
    assert.deepEqual(restored.changes?.versionNumber, { before: 2, after: 1 });

    const versions = (await (await server.api(`/v1/files/${first.fileId}/versions`)).json()) as Array<{
      versionInfo: { id: string };
    }>;
    const old = versions.find((v) => v.versionInfo.id !== first.versionInfo.id)!;
    const deleted = await oneEntry(() =>
      ok(server.api(`/v1/files/${first.fileId}/versions/${old.versionInfo.id}`, { method: 'DELETE' }), 204),
    );
    assert.equal(deleted.action, 'version.delete');
    assert.deepEqual([deleted.target.fileId, deleted.target.versionId], [first.fileId, old.versionInfo.id]);

    const edited = await oneEntry(() =>
      ok(
        server.api(`/_ml/files/${first.fileId}/edit`, {
          method: 'POST',
          json: { operations: [{ type: 'rotate', angle: 90 }] },
        }),
      ),
    );
    assert.equal(edited.action, 'file.edit');
    assert.equal(edited.target.fileId, first.fileId);
    assert.deepEqual(edited.changes?.operations, { after: [{ type: 'rotate', angle: 90 }] });
  });

  it('records bulk tag operations and bulk deletes one entry per file', async () => {
    const a = await put('/audit/bulk', 'a.png');
    const b = await put('/audit/bulk', 'b.png', { tags: 'keep' });
    const added = await appendedBy(() =>
      ok(
        server.api('/v1/files/addTags', {
          method: 'POST',
          json: { fileIds: [a.fileId, b.fileId], tags: ['x'] },
        }),
      ),
    );
    assert.deepEqual(
      added.map((e) => [e.action, e.target.fileId, e.changes?.tags]),
      [
        ['file.tags.add', a.fileId, { before: null, after: ['x'] }],
        ['file.tags.add', b.fileId, { before: ['keep'], after: ['keep', 'x'] }],
      ],
    );
    const removed = await oneEntry(() =>
      ok(server.api('/v1/files/removeTags', { method: 'POST', json: { fileIds: [b.fileId], tags: ['x'] } })),
    );
    assert.equal(removed.action, 'file.tags.remove');
    assert.deepEqual(removed.changes?.tags, { before: ['keep', 'x'], after: ['keep'] });
    const aiRemoved = await oneEntry(() =>
      ok(
        server.api('/v1/files/removeAITags', {
          method: 'POST',
          json: { fileIds: [a.fileId], AITags: ['none'] },
        }),
      ),
    );
    assert.equal(aiRemoved.action, 'file.aiTags.remove');
    const deleted = await appendedBy(() =>
      ok(
        server.api('/v1/files/batch/deleteByFileIds', {
          method: 'POST',
          json: { fileIds: [a.fileId, b.fileId] },
        }),
      ),
    );
    assert.deepEqual(
      deleted.map((e) => [e.action, e.target.fileId]),
      [
        ['file.delete', a.fileId],
        ['file.delete', b.fileId],
      ],
    );
  });

  it('records folder create, delete, and the copy, move and rename jobs', async () => {
    const created = await oneEntry(() =>
      ok(
        server.api('/v1/folder', {
          method: 'POST',
          json: { folderName: 'made', parentFolderPath: '/audit/f' },
        }),
        201,
      ),
    );
    assert.deepEqual([created.action, created.target.path], ['folder.create', '/audit/f/made/']);
    await put('/audit/f/made', 'in.png');
    for (const [path, json, action, after] of [
      [
        'copyFolder',
        { sourceFolderPath: '/audit/f/made', destinationPath: '/audit/g' },
        'folder.copy',
        '/audit/g/made/',
      ],
      [
        'moveFolder',
        { sourceFolderPath: '/audit/g/made', destinationPath: '/audit/h' },
        'folder.move',
        '/audit/h/made/',
      ],
      [
        'renameFolder',
        { folderPath: '/audit/h/made', newFolderName: 'renamed' },
        'folder.rename',
        '/audit/h/renamed/',
      ],
    ] as const) {
      const entry = await oneEntry(async () => {
        const { jobId } = await ok(server.api(`/v1/bulkJobs/${path}`, { method: 'POST', json }));
        assert.equal(await waitForJob(server, jobId), 'Completed');
      });
      assert.equal(entry.action, action);
      assert.equal(entry.target.path, after);
      assert.deepEqual(entry.changes?.path?.after, after);
      assert.deepEqual(entry.actor, firstKey);
    }
    const deleted = await oneEntry(() =>
      ok(server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/audit/h/renamed' } }), 204),
    );
    assert.deepEqual([deleted.action, deleted.target.path], ['folder.delete', '/audit/h/renamed/']);
  });

  it('records custom metadata fields and keys, never a private key', async () => {
    let fieldId = '';
    const created = await oneEntry(async () => {
      ({ id: fieldId } = await ok(
        server.api('/v1/customMetadataFields', {
          method: 'POST',
          json: { name: 'auditPrice', label: 'Audit price', schema: { type: 'Number' } },
        }),
        201,
      ));
    });
    assert.deepEqual([created.action, created.target], ['field.create', { id: fieldId, name: 'auditPrice' }]);
    const updated = await oneEntry(() =>
      ok(
        server.api(`/v1/customMetadataFields/${fieldId}`, {
          method: 'PATCH',
          json: { label: 'Price (EUR)' },
        }),
      ),
    );
    assert.equal(updated.action, 'field.update');
    assert.deepEqual(updated.changes, { label: { before: 'Audit price', after: 'Price (EUR)' } });
    const deleted = await oneEntry(() =>
      ok(server.api(`/v1/customMetadataFields/${fieldId}`, { method: 'DELETE' }), 204),
    );
    assert.equal(deleted.action, 'field.delete');

    let pair!: { publicKey: string; privateKey: string };
    const keyCreated = await oneEntry(async () => {
      pair = await ok(
        server.api('/_ml/keys', {
          method: 'POST',
          json: { kind: 'restricted', permission: 'Read', name: 'CI' },
        }),
        201,
      );
    });
    assert.deepEqual(
      [keyCreated.action, keyCreated.target],
      ['key.create', { id: pair.publicKey, name: 'CI' }],
    );
    const rolled = await oneEntry(() =>
      ok(server.api(`/_ml/keys/${pair.publicKey}/roll`, { method: 'POST', json: { expireOldKeyIn: '1h' } })),
    );
    assert.equal(rolled.action, 'key.roll');
    const keyDeleted = await oneEntry(() =>
      ok(server.api(`/_ml/keys/${pair.publicKey}`, { method: 'DELETE' }), 204),
    );
    assert.equal(keyDeleted.action, 'key.delete');
    const everything = JSON.stringify(await page('?limit=200'));
    assert.ok(!everything.includes('private_'), 'no private key in the log');
  });

  it('records named transformations, saved extensions, origins and URL endpoints by id and name, never secrets', async () => {
    const cases: Array<[string, string, Record<string, unknown>, Record<string, unknown>, string]> = [
      [
        '/v1/named-transformations',
        'namedTransformation',
        { name: 'audited', transformation: 'w-10' },
        { enabled: false },
        'audited',
      ],
      [
        '/v1/saved-extensions',
        'savedExtension',
        { name: 'Audited', description: 'd', config: { name: 'ai-auto-description' } },
        { description: 'e' },
        'Audited',
      ],
      [
        '/v1/accounts/origins',
        'origin',
        {
          type: 'S3',
          name: 'Audited bucket',
          bucket: 'b',
          accessKey: 'AKIAAUDIT',
          secretKey: 'secret-audit',
        },
        {
          type: 'S3',
          name: 'Audited bucket',
          bucket: 'c',
          accessKey: 'AKIAAUDIT',
          secretKey: 'secret-audit',
        },
        'Audited bucket',
      ],
      [
        '/v1/accounts/url-endpoints',
        'urlEndpoint',
        { description: 'd', urlPrefix: 'audited' },
        { description: 'e' },
        'audited',
      ],
    ];
    for (const [path, kind, create, change, name] of cases) {
      let id = '';
      const created = await oneEntry(async () => {
        ({ id } = await ok(server.api(path, { method: 'POST', json: create }), 201));
      });
      assert.deepEqual([created.action, created.target], [`${kind}.create`, { id, name }]);
      const method = kind === 'origin' || kind === 'urlEndpoint' ? 'PUT' : 'PATCH';
      const updated = await oneEntry(() => ok(server.api(`${path}/${id}`, { method, json: change })));
      assert.equal(updated.action, `${kind}.update`);
      const deleted = await oneEntry(() => ok(server.api(`${path}/${id}`, { method: 'DELETE' }), 204));
      assert.deepEqual([deleted.action, deleted.target], [`${kind}.delete`, { id, name }]);
    }
    const everything = JSON.stringify(await page('?limit=200'));
    assert.ok(
      !everything.includes('AKIAAUDIT') && !everything.includes('secret-audit'),
      'no origin secret in the log',
    );
  });

  it('records users, groups and grants by id and name, with what changed and never a password', async () => {
    const admin = await signIn(server, (await addAuditAdmin()).email);
    const adminActor = { type: 'user', id: admin.id, name: 'Audit admin' };
    let userId = '';
    const created = await oneEntry(async () => {
      ({ id: userId } = await ok(
        admin.call('/_ml/users', {
          method: 'POST',
          json: { email: 'Ann@Audit.example', role: 'member', name: 'Ann', password: strongPassword },
        }),
        201,
      ));
    });
    assert.equal(created.action, 'user.create');
    assert.deepEqual(created.actor, adminActor);
    assert.deepEqual(created.target, { id: userId, name: 'ann@audit.example' });
    assert.deepEqual(created.changes, {
      name: { after: 'Ann' },
      role: { after: 'member' },
      status: { after: 'active' },
      password: { after: 'set' },
    });
    const updated = await oneEntry(() =>
      ok(admin.call(`/_ml/users/${userId}`, { method: 'PATCH', json: { role: 'manager', name: 'Ann B' } })),
    );
    assert.equal(updated.action, 'user.update');
    assert.deepEqual(updated.changes, {
      name: { before: 'Ann', after: 'Ann B' },
      role: { before: 'member', after: 'manager' },
    });
    const reset = await oneEntry(() =>
      ok(admin.call(`/_ml/users/${userId}/reset-password`, { method: 'POST' })),
    );
    assert.deepEqual([reset.action, reset.changes], ['user.resetPassword', { password: { after: 'set' } }]);

    let groupId = '';
    const groupCreated = await oneEntry(async () => {
      ({ id: groupId } = await ok(
        server.api('/_ml/groups', { method: 'POST', json: { name: 'Audit group', members: [] } }),
        201,
      ));
    });
    assert.deepEqual(
      [groupCreated.action, groupCreated.target, groupCreated.actor],
      ['group.create', { id: groupId, name: 'Audit group' }, firstKey],
    );
    const groupUpdated = await oneEntry(() =>
      ok(
        server.api(`/_ml/groups/${groupId}`, {
          method: 'PATCH',
          json: { name: 'Audit team', members: [{ type: 'user', id: userId }] },
        }),
      ),
    );
    assert.equal(groupUpdated.action, 'group.update');
    assert.deepEqual(groupUpdated.changes, {
      name: { before: 'Audit group', after: 'Audit team' },
      members: { before: [], after: [`user:${userId}`] },
    });

    await ok(
      server.api('/v1/folder', {
        method: 'POST',
        json: { folderName: 'granted', parentFolderPath: '/audit' },
      }),
      201,
    );
    const principal = { type: 'group', id: groupId };
    const target = { type: 'folder', path: '/audit/granted' };
    const granted = await oneEntry(() =>
      ok(server.api('/_ml/grants', { method: 'PUT', json: { principal, target, level: 'view' } })),
    );
    assert.equal(granted.action, 'grant.put');
    assert.deepEqual(granted.target, { path: '/audit/granted/', principal: `group:${groupId}` });
    assert.deepEqual(granted.changes, { level: { after: 'view' } });
    const raised = await oneEntry(() =>
      ok(server.api('/_ml/grants', { method: 'PUT', json: { principal, target, level: 'manage' } })),
    );
    assert.deepEqual(raised.changes, { level: { before: 'view', after: 'manage' } });
    const ungranted = await oneEntry(() =>
      ok(server.api('/_ml/grants', { method: 'DELETE', json: { principal, target } }), 204),
    );
    assert.deepEqual(
      [ungranted.action, ungranted.changes],
      ['grant.delete', { level: { before: 'manage' } }],
    );
    const byFolder = await page('?folder=/audit/granted/&action=grant.put');
    assert.equal(byFolder.entries.length, 2, 'a grant is found by its folder');

    const groupDeleted = await oneEntry(() =>
      ok(server.api(`/_ml/groups/${groupId}`, { method: 'DELETE' }), 204),
    );
    assert.deepEqual(groupDeleted.changes, {
      name: { before: 'Audit team' },
      members: { before: [`user:${userId}`] },
    });
    const userDeleted = await oneEntry(() =>
      ok(admin.call(`/_ml/users/${userId}`, { method: 'DELETE' }), 204),
    );
    assert.deepEqual(
      [userDeleted.action, userDeleted.target],
      ['user.delete', { id: userId, name: 'ann@audit.example' }],
    );

    const refused = await appendedBy(async () => {
      const taken = await admin.call('/_ml/users', {
        method: 'POST',
        json: { email: 'audit-admin@audit.example', role: 'member' },
      });
      assert.equal(taken.status, 409);
    });
    assert.deepEqual(refused, [], 'a refused change (an email in use) appends nothing');
    const everything = JSON.stringify(await page('?limit=200'));
    assert.ok(!everything.includes(strongPassword), 'no password in the log');
  });

  it('appends nothing for a refused write', async () => {
    await put('/audit/refused', 'taken.png');
    await put('/audit/refused', 'other.png');
    const entries = await appendedBy(async () => {
      const rename = await server.api('/v1/files/rename', {
        method: 'PUT',
        json: { filePath: '/audit/refused/other.png', newFileName: 'taken.png' },
      });
      assert.equal(rename.status, 409);
      const again = await upload(server, {
        file: { bytes: await png(), name: 'taken.png' },
        fields: {
          fileName: 'taken.png',
          folder: '/audit/refused',
          useUniqueFileName: 'false',
          overwriteFile: 'false',
        },
      });
      assert.equal(again.status, 400);
      const missing = await server.api('/v1/files/000000000000000000000000', { method: 'DELETE' });
      assert.equal(missing.status, 404);
    });
    assert.deepEqual(entries, []);
  });

  it('appends in the write’s transaction: when the entry cannot be written, the change is undone', async () => {
    const file = await put('/audit/atomic', 'a.png', { tags: 'before' });
    const db = server.catalog();
    // The catalog refuses this one entry, as a full disk or a constraint would.
    if (testBackend === 'scale') {
      await sql`create or replace function audit_refuse() returns trigger as $$
        begin if new.action = 'file.update' then raise exception 'refused'; end if; return new; end $$
        language plpgsql`.execute(db);
      await sql`create trigger audit_refuse before insert on audit_entries for each row execute function audit_refuse()`.execute(
        db,
      );
    } else {
      await sql`create trigger audit_refuse before insert on audit_entries when new.action = 'file.update'
        begin select raise(abort, 'refused'); end`.execute(db);
    }
    try {
      const response = await server.api(`/v1/files/${file.fileId}/details`, {
        method: 'PATCH',
        json: { tags: ['after'] },
      });
      assert.equal(response.status, 500);
      const now = (await (await server.api(`/v1/files/${file.fileId}/details`)).json()) as { tags: string[] };
      assert.deepEqual(now.tags, ['before'], 'the change rolled back with its entry');
    } finally {
      await sql`drop trigger audit_refuse${testBackend === 'scale' ? sql` on audit_entries` : sql``}`.execute(
        db,
      );
    }
  });

  describe('GET /_ml/audit', () => {
    let file: { fileId: string };
    let startedAt = 0;
    before(async () => {
      startedAt = Date.now() - 1;
      file = await put('/audit/filters/deep', 'f.png');
      for (const tag of ['a', 'b', 'c', 'd']) {
        await ok(server.api(`/v1/files/${file.fileId}/details`, { method: 'PATCH', json: { tags: [tag] } }));
      }
      await put('/audit/elsewhere', 'g.png');
    });

    it('filters by file, folder, actor, action and time, newest first', async () => {
      const forFile = await page(`?fileId=${file.fileId}`);
      assert.deepEqual(
        forFile.entries.map((e) => e.action),
        ['file.update', 'file.update', 'file.update', 'file.update', 'file.upload'],
      );
      assert.deepEqual(forFile.entries[0]!.changes?.tags, { before: ['c'], after: ['d'] });
      assert.equal(forFile.nextCursor, null);
      const inFolder = await page('?folder=/audit/filters');
      assert.equal(inFolder.entries.length, 5);
      assert.ok(inFolder.entries.every((e) => e.target.path?.startsWith('/audit/filters/')));
      assert.equal((await page('?folder=/audit/filt')).entries.length, 0, 'a folder, not a prefix');
      const uploads = await page(`?action=file.upload&from=${new Date(startedAt).toISOString()}`);
      assert.deepEqual(
        uploads.entries.map((e) => e.target.path),
        ['/audit/elsewhere/g.png', '/audit/filters/deep/f.png'],
      );
      assert.equal((await page(`?actor=${testKeys.publicKey}&fileId=${file.fileId}`)).entries.length, 5);
      assert.equal((await page(`?actor=someone-else&fileId=${file.fileId}`)).entries.length, 0);
      assert.equal((await page(`?fileId=${file.fileId}&to=${startedAt}`)).entries.length, 0);
    });

    it('pages with a keyset cursor, without gaps or repeats', async () => {
      const all = (await page(`?fileId=${file.fileId}`)).entries.map((e) => e.id);
      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const next: AuditPage = await page(
          `?fileId=${file.fileId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.ok(next.entries.length <= 2);
        seen.push(...next.entries.map((e) => e.id));
        cursor = next.nextCursor;
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, all);
      // An entry appended while paging does not shift the pages already cursored past.
      const first = await page(`?fileId=${file.fileId}&limit=2`);
      await ok(server.api(`/v1/files/${file.fileId}/details`, { method: 'PATCH', json: { tags: ['e'] } }));
      const second = await page(`?fileId=${file.fileId}&limit=2&cursor=${first.nextCursor}`);
      assert.deepEqual(
        second.entries.map((e) => e.id),
        all.slice(2, 4),
      );
    });

    it('refuses bad input with a message and help', async () => {
      for (const query of [
        '?limit=0',
        '?limit=1000',
        '?limit=ten',
        '?cursor=abc',
        '?cursor=-1',
        '?action=file.explode',
        '?from=yesterday',
        '?to=31/01/2026',
        '?from=2026-02-01&to=2026-01-01',
        '?folder=',
      ]) {
        const response = await server.api(`/_ml/audit${query}`);
        const body = (await response.json()) as { message: string; help: string };
        assert.equal(response.status, 400, `${query}: ${JSON.stringify(body)}`);
        assert.ok(body.message && body.help, query);
      }
    });

    it('is for standard keys and whole-library read-write sessions only', async () => {
      const restricted = await ok(
        server.api('/_ml/keys', { method: 'POST', json: { kind: 'restricted', permission: 'ReadWrite' } }),
        201,
      );
      const refusedKey = await server.api('/_ml/audit', { key: restricted.privateKey });
      assert.equal(refusedKey.status, 403);
      const status = async (scope: { folder: string; access: 'read' | 'readwrite' }) =>
        (await server.api('/_ml/audit', { key: null, headers: bearer(await sessionToken(scope)) })).status;
      assert.equal(await status({ folder: '/', access: 'readwrite' }), 200);
      assert.equal(await status({ folder: '/', access: 'read' }), 403);
      assert.equal(await status({ folder: '/audit/', access: 'readwrite' }), 403);
      assert.equal((await server.api('/_ml/audit', { key: null })).status, 401);
    });

    it('lets a signed-in manager read it all, and a member only what it manages', async () => {
      await addUser(server, { email: 'audit-manager@example.com', role: 'manager' });
      const manager = await signIn(server, 'audit-manager@example.com');
      assert.equal((await manager.call('/_ml/audit')).status, 200);

      const memberId = await addUser(server, { email: 'audit-member@example.com', role: 'member' });
      await grant(server, { type: 'user', id: memberId }, '/audit/filters', 'manage');
      await grant(server, { type: 'user', id: memberId }, '/audit/elsewhere', 'contribute');
      const member = await signIn(server, 'audit-member@example.com');
      const read = async (query: string) => {
        const response = await member.call(`/_ml/audit${query}`);
        const body = (await response.json()) as AuditPage & { message?: string; help?: string };
        return { status: response.status, body };
      };
      const managed = await read('?folder=/audit/filters');
      assert.equal(managed.status, 200, JSON.stringify(managed.body));
      assert.ok(managed.body.entries.length >= 5);
      assert.ok(managed.body.entries.every((e) => e.target.path?.startsWith('/audit/filters/')));
      assert.equal((await read(`?fileId=${file.fileId}`)).status, 200);
      // Contribute is not enough; nor is asking for everything, or for a file that does not exist.
      for (const query of ['?folder=/audit/elsewhere', '?folder=/audit', '', '?fileId=missing']) {
        const refused = await read(query);
        assert.equal(refused.status, 403, query);
        assert.match(refused.body.message!, /manages/, query);
        assert.ok(refused.body.help, query);
      }
      // A whole-library token acting for the member is the member, not the host's administrator.
      const token = await sessionToken(
        { folder: '/', access: 'readwrite' },
        { user: 'audit-member@example.com' },
      );
      const viaToken = (query: string) =>
        server.api(`/_ml/audit${query}`, { key: null, headers: bearer(token) }).then((r) => r.status);
      assert.equal(await viaToken(''), 403);
      assert.equal(await viaToken('?folder=/audit/filters'), 200);
      const readOnly = await sessionToken(
        { folder: '/', access: 'read' },
        { user: 'audit-member@example.com' },
      );
      assert.equal(
        (await server.api('/_ml/audit?folder=/audit/filters', { key: null, headers: bearer(readOnly) }))
          .status,
        403,
      );
    });

    it('has no route that changes or removes an entry', async () => {
      const [entry] = (await page('?limit=1')).entries;
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const path of ['/_ml/audit', `/_ml/audit/${entry!.id}`]) {
          const response = await server.api(path, { method, json: { action: 'file.delete' } });
          assert.equal(response.status, 404, `${method} ${path}`);
        }
      }
      assert.deepEqual((await page('?limit=1')).entries[0], entry);
    });
  });
});

describe('audit retention', () => {
  it('keeps entries forever by default and prunes those older than MEDIA_LIBRARY_AUDIT_RETENTION', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'media-library-audit-'));
    try {
      let server = await startTestServer({ dataDir });
      await uploadPng(server, { folder: '/old', fileName: 'old.png' });
      await uploadPng(server, { folder: '/new', fileName: 'new.png' });
      const twoDays = 2 * 24 * 3_600_000;
      await server
        .catalog()
        .updateTable('audit_entries')
        .set((eb) => ({ at: eb('at', '-', twoDays) }))
        .where('path', 'like', '/old/%')
        .execute();
      await server.close();

      server = await startTestServer({ dataDir });
      const kept = (await (await server.api('/_ml/audit?action=file.upload')).json()) as AuditPage;
      assert.equal(kept.entries.length, 2, 'no retention: everything stays');
      await server.close();

      server = await startTestServer({ dataDir, auditRetentionMs: 24 * 3_600_000 });
      const pruned = (await (await server.api('/_ml/audit?action=file.upload')).json()) as AuditPage;
      assert.deepEqual(
        pruned.entries.map((e) => e.target.path?.split('/')[1]),
        ['new'],
      );
      await server.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
