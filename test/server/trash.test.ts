import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { purgeExpiredTrash } from '../../src/server/library/trash.js';
import type { TrashPage } from '../../src/shared/lifecycle.js';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

const blobOf = (versionId: string) => `originals/${versionId.slice(-2)}/${versionId}`;

describe('the trash (trashDays 30, the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const trash = async (init: { key?: null; headers?: Record<string, string> } = {}) => {
    const response = await server.api('/_ml/trash?limit=200', init);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as TrashPage;
  };
  const listed = async (query: string) =>
    (
      (await (await server.api(`/v1/files?${query}`)).json()) as Array<{
        fileId?: string;
        folderPath?: string;
      }>
    )
      .map((f) => f.fileId ?? f.folderPath)
      .filter(Boolean);
  const count = async (query: string) =>
    ((await (await server.api(`/_ml/count?${query}`)).json()) as { count: number }).count;
  const tags = async (prefix: string) =>
    (await (await server.api(`/_ml/tags?prefix=${prefix}`)).json()) as string[];
  const restore = (json: unknown) => server.api('/_ml/trash/restore', { method: 'POST', json });

  it('hides a deleted file from details, listing, search, counts, tags and delivery, and keeps its bytes', async () => {
    const file = await uploadPng(server, {
      folder: '/t1',
      fileName: 'gone.png',
      useUniqueFileName: 'false',
      tags: 'trashtag-one',
    });
    const url = file.url as string;
    assert.equal((await fetch(url)).status, 200);
    assert.equal(await count('path=/t1/'), 1);

    assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 204);

    assert.equal((await server.api(`/v1/files/${file.fileId}/details`)).status, 404);
    assert.equal((await server.api(`/v1/files/${file.fileId}/versions`)).status, 404);
    assert.equal((await server.api(`/v1/files/${file.fileId}/metadata`)).status, 404);
    assert.equal((await server.api(`/_ml/files/${file.fileId}/references`)).status, 404);
    assert.ok(!(await listed('type=file-version')).includes(file.fileId), 'no version of it is listed');
    assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 404);
    assert.deepEqual(await listed('path=/t1/'), []);
    assert.deepEqual(await listed(`searchQuery=${encodeURIComponent('name = "gone.png"')}`), []);
    assert.deepEqual(await listed(`searchQuery=${encodeURIComponent('tags IN ["trashtag-one"]')}`), []);
    assert.deepEqual(await listed('tags=trashtag-one'), []);
    assert.equal(await count('path=/t1/'), 0);
    assert.equal(await count(`searchQuery=${encodeURIComponent('name = "gone.png"')}`), 0);
    assert.deepEqual(await tags('trashtag'), []);
    assert.equal((await fetch(url)).status, 404);
    assert.equal((await fetch(`${url}?tr=w-10`)).status, 404);
    assert.ok((await server.blobKeys()).includes(blobOf(file.versionInfo.id)), 'the bytes stay');

    const page = await trash();
    const item = page.items.find((i) => i.id === file.fileId);
    assert.equal(page.trashDays, 30);
    assert.equal(item?.type, 'file');
    assert.equal(item?.path, '/t1/gone.png');
    const left = Date.parse(item!.purgeAt) - Date.parse(item!.deletedAt);
    assert.equal(left, 30 * 86_400_000);

    const audit = (await (
      await server.api(`/_ml/audit?fileId=${file.fileId}&action=file.delete`)
    ).json()) as {
      entries: Array<{ target: Record<string, string> }>;
    };
    assert.equal(audit.entries[0]?.target.trashedUntil, item!.purgeAt);
  });

  it('restores a file to its path with its id, tags and delivery', async () => {
    const file = await uploadPng(server, {
      folder: '/t2/deep',
      fileName: 'back.png',
      useUniqueFileName: 'false',
      tags: 'trashtag-two',
    });
    await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' });
    // The folder went too; the restore makes it again.
    await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/t2' } });
    const response = await restore({ fileIds: [file.fileId] });
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), {
      restored: [{ id: file.fileId, type: 'file', path: '/t2/deep/back.png' }],
    });
    assert.deepEqual(await listed('path=/t2/deep/'), [file.fileId]);
    assert.deepEqual(await tags('trashtag-t'), ['trashtag-two']);
    assert.equal((await fetch(file.url as string)).status, 200);
    assert.ok(!(await trash()).items.some((i) => i.id === file.fileId));
    const audit = (await (
      await server.api(`/_ml/audit?fileId=${file.fileId}&action=file.restore`)
    ).json()) as {
      entries: unknown[];
    };
    assert.equal(audit.entries.length, 1);
  });

  it('answers 409 when something sits at the old path, and restores beside it with onConflict rename', async () => {
    const first = await uploadPng(server, {
      folder: '/t3',
      fileName: 'same.png',
      useUniqueFileName: 'false',
    });
    await server.api(`/v1/files/${first.fileId}`, { method: 'DELETE' });
    const second = await uploadPng(server, {
      folder: '/t3',
      fileName: 'same.png',
      useUniqueFileName: 'false',
    });
    const refused = await restore({ fileIds: [first.fileId] });
    assert.equal(refused.status, 409);
    const body = (await refused.json()) as { message: string; reason: string };
    assert.equal(body.reason, 'RESTORE_CONFLICT');
    assert.match(body.message, /\/t3\/same\.png.*onConflict "rename"/);

    const renamed = await restore({ fileIds: [first.fileId], onConflict: 'rename' });
    assert.equal(renamed.status, 200);
    const [back] = ((await renamed.json()) as { restored: Array<{ path: string }> }).restored;
    assert.match(back!.path, /^\/t3\/same_[A-Za-z0-9]+\.png$/);
    assert.deepEqual((await listed('path=/t3/')).sort(), [first.fileId, second.fileId].sort());
    const details = (await (await server.api(`/v1/files/${first.fileId}/details`)).json()) as {
      filePath: string;
    };
    assert.equal(details.filePath, back!.path);
  });

  it('moves a folder with its subfolders and files to the trash as one item, and restores them', async () => {
    const a = await uploadPng(server, { folder: '/t4/box', fileName: 'a.png', tags: 'trashtag-four' });
    const b = await uploadPng(server, { folder: '/t4/box/inner', fileName: 'b.png' });
    assert.equal(
      (await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/t4/box' } })).status,
      204,
    );
    assert.deepEqual(await listed('type=all&path=/t4/'), []);
    assert.equal(await count('path=/t4/box/inner/'), 0);
    assert.deepEqual(await tags('trashtag-f'), []);
    const item = (await trash()).items.find((i) => i.path === '/t4/box/');
    assert.equal(item?.type, 'folder');
    assert.equal(item?.fileCount, 2);
    // Files inside a trashed folder are not items of their own.
    assert.equal((await restore({ fileIds: [a.fileId] })).status, 404);

    assert.equal((await restore({ folderIds: [item!.id] })).status, 200);
    assert.deepEqual(await listed('type=all&path=/t4/'), ['/t4/box']);
    assert.deepEqual(await listed('path=/t4/box/inner/'), [b.fileId]);
    assert.deepEqual(await tags('trashtag-f'), ['trashtag-four']);
  });

  it('keeps ImageKit status codes on bulk delete, and a trashed file is missing to the next one', async () => {
    const a = await uploadPng(server, { folder: '/t5' });
    const b = await uploadPng(server, { folder: '/t5' });
    const all = await server.api('/v1/files/batch/deleteByFileIds', {
      method: 'POST',
      json: { fileIds: [a.fileId] },
    });
    assert.equal(all.status, 200);
    assert.deepEqual(await all.json(), { successfullyDeletedFileIds: [a.fileId] });
    const some = await server.api('/v1/files/batch/deleteByFileIds', {
      method: 'POST',
      json: { fileIds: [a.fileId, b.fileId] },
    });
    assert.equal(some.status, 207);
    const none = await server.api('/v1/files/batch/deleteByFileIds', {
      method: 'POST',
      json: { fileIds: [a.fileId, b.fileId] },
    });
    assert.equal(none.status, 404);
    const ids = (await trash()).items.map((i) => i.id);
    assert.ok(ids.includes(a.fileId) && ids.includes(b.fileId));
  });

  it('deletes chosen items for good, bytes and all', async () => {
    const file = await uploadPng(server, { folder: '/t6' });
    await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' });
    const response = await server.api('/_ml/trash', { method: 'DELETE', json: { fileIds: [file.fileId] } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { deleted: 1 });
    assert.ok(!(await server.blobKeys()).includes(blobOf(file.versionInfo.id)));
    assert.equal((await restore({ fileIds: [file.fileId] })).status, 404);
  });

  it('purges expired items once, however many purges run at once, with their references', async () => {
    const files = await Promise.all([1, 2, 3].map(() => uploadPng(server, { folder: '/t7' })));
    await server.api('/_ml/references', {
      method: 'PUT',
      json: { source: 'test:purge', key: 'page/1', title: 'Page', fileIds: files.map((f) => f.fileId) },
    });
    for (const f of files) await server.api(`/v1/files/${f.fileId}`, { method: 'DELETE' });
    const ids = files.map((f) => f.fileId);
    await server
      .catalog()
      .updateTable('trash_items')
      .set({ purge_at: Date.now() - 1000 })
      .where('item_id', 'in', ids)
      .execute();
    const ctx = server.server.context;
    const counts = await Promise.all([
      purgeExpiredTrash(ctx),
      purgeExpiredTrash(ctx),
      purgeExpiredTrash(ctx),
    ]);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      3,
    );
    const keys = await server.blobKeys();
    for (const f of files) assert.ok(!keys.includes(blobOf(f.versionInfo.id)));
    assert.ok(!(await trash()).items.some((i) => ids.includes(i.id)));
    const refs = await server
      .catalog()
      .selectFrom('file_references')
      .select('file_id')
      .where('source', '=', 'test:purge')
      .execute();
    assert.deepEqual(refs, []);
    const audit = (await (await server.api('/_ml/audit?action=file.purge')).json()) as { entries: unknown[] };
    assert.ok(audit.entries.length >= 3);
  });

  it('refuses restores it cannot make sense of with a clear 4xx', async () => {
    const none = await restore({});
    assert.equal(none.status, 400);
    assert.match(((await none.json()) as { message: string }).message, /fileIds or folderIds/);
    const bad = await restore({ fileIds: ['x'], onConflict: 'merge' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /rename/);
    assert.equal((await server.api('/_ml/trash?limit=0')).status, 400);
    assert.equal((await restore({ fileIds: ['nope'] })).status, 404);
  });

  it('shows and restores only what a session scope and a member’s grants reach', async () => {
    const inside = await uploadPng(server, { folder: '/t8brand' });
    const outside = await uploadPng(server, { folder: '/t8secret' });
    await server.api(`/v1/files/${inside.fileId}`, { method: 'DELETE' });
    await server.api(`/v1/files/${outside.fileId}`, { method: 'DELETE' });
    const token = await sessionToken({ folder: '/t8brand/', access: 'readwrite' });
    const scoped = await trash({ key: null, headers: bearer(token) });
    assert.deepEqual(
      scoped.items.map((i) => i.id),
      [inside.fileId],
    );
    const asSession = (json: unknown, t = token) =>
      server.api('/_ml/trash/restore', { method: 'POST', key: null, headers: bearer(t), json });
    assert.equal((await asSession({ fileIds: [outside.fileId] })).status, 404);
    const reader = await sessionToken({ folder: '/t8brand/', access: 'read' });
    assert.equal((await asSession({ fileIds: [inside.fileId] }, reader)).status, 403);

    await addUser(server, { email: 'trash-member@example.com', role: 'member' });
    const member = await signIn(server, 'trash-member@example.com');
    await grant(server, { type: 'user', id: member.id }, '/t8brand/', 'contribute');
    const seen = (await (await member.call('/_ml/trash')).json()) as TrashPage;
    assert.deepEqual(
      seen.items.map((i) => i.id),
      [inside.fileId],
    );
    const denied = await member.call('/_ml/trash/restore', {
      method: 'POST',
      json: { fileIds: [inside.fileId] },
    });
    assert.equal(denied.status, 403, 'restoring needs manage, as deleting does');
    assert.equal((await member.call('/_ml/trash', { method: 'DELETE' })).status, 403);
    assert.equal((await asSession({ fileIds: [inside.fileId] })).status, 200);
  });

  it('empties the trash', async () => {
    const file = await uploadPng(server, { folder: '/t9' });
    await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' });
    const response = await server.api('/_ml/trash', { method: 'DELETE' });
    assert.equal(response.status, 200);
    assert.ok(((await response.json()) as { deleted: number }).deleted >= 1);
    assert.equal((await trash()).total, 0);
    assert.ok(!(await server.blobKeys()).includes(blobOf(file.versionInfo.id)));
  });
});

describe('trashDays 0', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ trashDays: 0 });
  });
  after(() => server.close());

  it('deletes at once, as ImageKit does', async () => {
    const file = await uploadPng(server, { folder: '/now' });
    assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 204);
    assert.ok(!(await server.blobKeys()).includes(blobOf(file.versionInfo.id)));
    const page = (await (await server.api('/_ml/trash')).json()) as TrashPage;
    assert.deepEqual(page, { items: [], total: 0, trashDays: 0 });
  });
});
