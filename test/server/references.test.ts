import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FileReference } from '../../src/shared/lifecycle.js';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('where used: /_ml/references', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const put = (json: unknown, init: { key?: null; headers?: Record<string, string> } = {}) =>
    server.api('/_ml/references', { method: 'PUT', json, ...init });
  const referencesOf = async (fileId: string) => {
    const response = await server.api(`/_ml/files/${fileId}/references`);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { references: FileReference[] }).references;
  };

  it('records the files a place uses, replaces them on the next report, and forgets them on DELETE', async () => {
    const a = await uploadPng(server, { folder: '/r1' });
    const b = await uploadPng(server, { folder: '/r1' });
    const place = { source: 'wordpress:https://site.example', key: 'post/42', title: 'Summer sale' };
    const first = await put({ ...place, url: 'https://site.example/?p=42', fileIds: [a.fileId, b.fileId] });
    assert.equal(first.status, 200, await first.clone().text());
    const [ref] = await referencesOf(a.fileId);
    assert.equal(ref?.title, 'Summer sale');
    assert.equal(ref?.url, 'https://site.example/?p=42');
    assert.equal(ref?.key, 'post/42');
    assert.equal((await referencesOf(b.fileId)).length, 1);

    const counts = await server.api(`/_ml/references/counts?fileIds=${a.fileId},${b.fileId},nope`);
    assert.deepEqual(await counts.json(), { counts: { [a.fileId]: 1, [b.fileId]: 1 } });

    assert.equal((await put({ ...place, title: 'Summer sale (v2)', fileIds: [b.fileId] })).status, 200);
    assert.deepEqual(await referencesOf(a.fileId), []);
    assert.equal((await referencesOf(b.fileId))[0]?.title, 'Summer sale (v2)');
    assert.equal((await referencesOf(b.fileId))[0]?.url, null);

    const deleted = await server.api('/_ml/references', {
      method: 'DELETE',
      json: { source: place.source, key: place.key },
    });
    assert.equal(deleted.status, 204);
    assert.deepEqual(await referencesOf(b.fileId), []);

    const audit = (await (await server.api('/_ml/audit?action=references.update')).json()) as {
      entries: Array<{ target: Record<string, string> }>;
    };
    assert.ok(audit.entries.some((e) => e.target.key === 'post/42'));
  });

  it('refuses bad input with a clear 4xx', async () => {
    const file = await uploadPng(server, { folder: '/r2' });
    const base = { source: 's', key: 'k', title: 't', fileIds: [file.fileId] };
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...base, url: 'javascript:alert(1)' }, 400, /http: or https:/],
      [{ ...base, url: 'not a url' }, 400, /not a URL/],
      [{ ...base, source: '' }, 400, /source/],
      [{ ...base, title: 'x'.repeat(501) }, 400, /title/],
      [{ ...base, fileIds: Array.from({ length: 1001 }, (_, i) => `f${i}`) }, 400, /at most 1000 files/],
      [{ ...base, fileIds: ['missing-file'] }, 400, /missing-file/],
      [{ ...base, extra: 1 }, 400, /extra|additional/i],
      [{ source: 's', key: 'k', title: 't' }, 400, /fileIds/],
    ];
    for (const [body, status, message] of cases) {
      const response = await put(body);
      assert.equal(response.status, status, JSON.stringify(body).slice(0, 80));
      assert.match(((await response.json()) as { message: string }).message, message);
    }
    assert.equal((await server.api('/_ml/files/nope/references')).status, 404);
  });

  it('takes a session token, scoped like writes', async () => {
    const inside = await uploadPng(server, { folder: '/r3brand' });
    const outside = await uploadPng(server, { folder: '/r3secret' });
    const token = await sessionToken({ folder: '/r3brand/', access: 'readwrite' });
    const as = (json: unknown, t = token) => put(json, { key: null, headers: bearer(t) });
    const place = { source: 'strapi:cms', key: 'api::page.page/7', title: 'Home' };
    assert.equal((await as({ ...place, fileIds: [inside.fileId] })).status, 200);
    assert.equal(
      (await as({ ...place, fileIds: [outside.fileId] })).status,
      400,
      'outside the scope is missing',
    );
    const reader = await sessionToken({ folder: '/r3brand/', access: 'read' });
    assert.equal((await as({ ...place, fileIds: [inside.fileId] }, reader)).status, 403);
    const seen = await server.api(`/_ml/files/${outside.fileId}/references`, {
      key: null,
      headers: bearer(token),
    });
    assert.equal(seen.status, 404);

    // A narrow session's report leaves the rows of files it cannot see alone.
    await put({ ...place, fileIds: [inside.fileId, outside.fileId] });
    assert.equal((await as({ ...place, fileIds: [] })).status, 200);
    assert.deepEqual(await referencesOf(inside.fileId), []);
    assert.equal((await referencesOf(outside.fileId)).length, 1);

    await addUser(server, { email: 'ref-viewer@example.com', role: 'member' });
    const viewer = await signIn(server, 'ref-viewer@example.com');
    await grant(server, { type: 'user', id: viewer.id }, '/r3brand/', 'view');
    const refused = await viewer.call('/_ml/references', {
      method: 'PUT',
      json: { ...place, fileIds: [inside.fileId] },
    });
    assert.equal(refused.status, 403);
  });

  it('finds used and unused files with searchQuery used = true / false, in listings and counts', async () => {
    const used = await uploadPng(server, { folder: '/r5' });
    const unused = await uploadPng(server, { folder: '/r5' });
    await put({ source: 's5', key: 'k5', title: 'Uses one', fileIds: [used.fileId] });
    const search = async (query: string) =>
      (
        (await (
          await server.api(`/v1/files?path=/r5&searchQuery=${encodeURIComponent(query)}`)
        ).json()) as Array<{ fileId: string }>
      ).map((f) => f.fileId);
    assert.deepEqual(await search('used = true'), [used.fileId]);
    assert.deepEqual(await search('used = false'), [unused.fileId]);
    assert.deepEqual(await search('used NOT = true'), [unused.fileId]);
    const count = await server.api(`/_ml/count?path=/r5&searchQuery=${encodeURIComponent('used = false')}`);
    assert.equal(((await count.json()) as { count: number }).count, 1);
    const bad = await server.api(`/v1/files?searchQuery=${encodeURIComponent('used = "yes"')}`);
    assert.equal(bad.status, 400);
  });

  it('keeps a trashed file’s references for a restore', async () => {
    const file = await uploadPng(server, { folder: '/r4' });
    await put({ source: 's4', key: 'k4', title: 'Uses it', fileIds: [file.fileId] });
    await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' });
    assert.equal((await server.api(`/_ml/files/${file.fileId}/references`)).status, 404);
    await server.api('/_ml/trash/restore', { method: 'POST', json: { fileIds: [file.fileId] } });
    assert.equal((await referencesOf(file.fileId)).length, 1);
  });
});
