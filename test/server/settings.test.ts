import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditPage } from '../../src/shared/audit.js';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('server settings (/_ml/settings)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ auditRetentionMs: 30 * 24 * 3_600_000 });
  });
  after(() => server.close());

  const json = async (response: Promise<Response>, status = 200) => {
    const r = await response;
    const body = await r.json();
    assert.equal(r.status, status, JSON.stringify(body));
    return body;
  };

  it('answers the defaults, the retention from MEDIA_LIBRARY_AUDIT_RETENTION', async () => {
    assert.deepEqual(await json(server.api('/_ml/settings')), {
      libraryName: 'Media library',
      auditRetentionDays: 30,
      nearDuplicateDistance: 6,
      uploadRules: { naming: null, allowedTypes: null, maxSize: null, folderTags: null },
    });
  });

  it('changes the name and the retention, audits both, and shows the name in /_ml/me', async () => {
    const changed = await json(
      server.api('/_ml/settings', {
        method: 'PATCH',
        json: { libraryName: '  Brand assets ', auditRetentionDays: null },
      }),
    );
    assert.deepEqual(changed, {
      libraryName: 'Brand assets',
      auditRetentionDays: null,
      nearDuplicateDistance: 6,
      uploadRules: { naming: null, allowedTypes: null, maxSize: null, folderTags: null },
    });
    assert.deepEqual(await json(server.api('/_ml/settings')), changed);
    const [entry] = ((await json(server.api('/_ml/audit?action=settings.update&limit=1'))) as AuditPage)
      .entries;
    assert.deepEqual(entry?.changes, {
      libraryName: { before: 'Media library', after: 'Brand assets' },
      auditRetentionDays: { before: 30, after: null },
    });
    await addUser(server, { email: 'member@settings.example', role: 'member' });
    const member = await signIn(server, 'member@settings.example');
    assert.equal((await json(member.call('/_ml/me'))).libraryName, 'Brand assets');
  });

  it('refuses bad values with a message, and anyone but an admin', async () => {
    for (const body of [
      { auditRetentionDays: 0 },
      { auditRetentionDays: 1.5 },
      { libraryName: '' },
      { colour: 1 },
    ]) {
      const error = await json(server.api('/_ml/settings', { method: 'PATCH', json: body }), 400);
      assert.ok(error.message && error.help, JSON.stringify(error));
    }
    await addUser(server, { email: 'manager@settings.example', role: 'manager' });
    const manager = await signIn(server, 'manager@settings.example');
    await json(manager.call('/_ml/settings'), 403);
    await json(manager.call('/_ml/settings', { method: 'PATCH', json: { libraryName: 'Mine' } }), 403);
  });
});

describe('audit retention set at run time', () => {
  it('prunes with the retention in the settings, over MEDIA_LIBRARY_AUDIT_RETENTION', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'media-library-settings-'));
    try {
      let server = await startTestServer({ dataDir });
      await uploadPng(server, { folder: '/old', fileName: 'old.png' });
      await uploadPng(server, { folder: '/new', fileName: 'new.png' });
      await server
        .catalog()
        .updateTable('audit_entries')
        .set((eb) => ({ at: eb('at', '-', 3 * 24 * 3_600_000) }))
        .where('path', 'like', '/old/%')
        .execute();
      const set = await server.api('/_ml/settings', { method: 'PATCH', json: { auditRetentionDays: 2 } });
      assert.equal(set.status, 200);
      await server.close();

      server = await startTestServer({ dataDir, auditRetentionMs: 365 * 24 * 3_600_000 });
      const kept = (await (await server.api('/_ml/audit?action=file.upload')).json()) as AuditPage;
      assert.deepEqual(
        kept.entries.map((e) => e.target.path?.split('/')[1]),
        ['new'],
      );
      await server.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
