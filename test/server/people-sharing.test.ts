import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Entry {
  type: 'user' | 'group';
  id: string;
  name: string;
  email?: string;
}

describe('the share dialog’s routes: people lookup and the levels of /_ml/me', () => {
  let server: TestServer;
  let ownerId: string;
  let viewerId: string;
  let groupId: string;
  let fileId: string;
  before(async () => {
    server = await startTestServer();
    fileId = (
      await uploadPng(server, { folder: '/shared/inner', fileName: 'one.png', useUniqueFileName: 'false' })
    ).fileId;
    await uploadPng(server, { folder: '/elsewhere', fileName: 'two.png', useUniqueFileName: 'false' });
    ownerId = await addUser(server, { email: 'owner@example.com', role: 'member', name: 'Olive Owner' });
    viewerId = await addUser(server, {
      email: 'viewer@example.com',
      role: 'member',
      name: 'Vic 100%_Viewer',
    });
    await addUser(server, { email: 'boss@example.com', role: 'manager', name: 'Bo Boss' });
    const group = await server.api('/_ml/groups', { method: 'POST', json: { name: 'Marketing' } });
    assert.equal(group.status, 201);
    groupId = (await group.json()).id;
    await grant(server, { type: 'user', id: ownerId }, '/shared', 'manage');
    await grant(server, { type: 'user', id: viewerId }, '/shared', 'view');
    const fileGrant = await server.api('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: viewerId },
        target: { type: 'file', id: fileId },
        level: 'contribute',
      },
    });
    assert.equal(fileGrant.status, 200);
  });
  after(() => server.close());

  it('lets a member who manages a folder look up users and groups by name or email', async () => {
    const owner = await signIn(server, 'owner@example.com');
    const byName = (await (await owner.call('/_ml/principals?q=mark')).json()) as Entry[];
    assert.deepEqual(byName, [{ type: 'group', id: groupId, name: 'Marketing' }]);
    const byEmail = (await (await owner.call('/_ml/principals?q=VIEWER@')).json()) as Entry[];
    assert.deepEqual(byEmail, [
      { type: 'user', id: viewerId, name: 'Vic 100%_Viewer', email: 'viewer@example.com' },
    ]);
    // % and _ are matched as written, not as wildcards.
    assert.equal(((await (await owner.call('/_ml/principals?q=0%25_v')).json()) as Entry[]).length, 1);
    assert.equal(((await (await owner.call('/_ml/principals?q=o%25e')).json()) as Entry[]).length, 0);
  });

  it('puts names to ids: ids=user:ID,group:ID', async () => {
    const answer = await server.api(`/_ml/principals?ids=user:${ownerId},group:${groupId},user:nobody`);
    assert.equal(answer.status, 200);
    const names = ((await answer.json()) as Entry[]).map((p) => `${p.type}:${p.name}`);
    assert.deepEqual(names, ['user:Olive Owner', 'group:Marketing']);
    const bad = await server.api('/_ml/principals?ids=someone');
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).reason, 'INVALID_PARAMETER');
  });

  it('refuses the lookup to a member who manages nothing, and to a session token without a user', async () => {
    const viewer = await signIn(server, 'viewer@example.com');
    const refused = await viewer.call('/_ml/principals?q=o');
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).reason, 'PERMISSION_DENIED');
    const token = await sessionToken({ folder: '/', access: 'readwrite' });
    const anonymous = await server.api('/_ml/principals?q=o', { key: null, headers: bearer(token) });
    assert.equal(anonymous.status, 403);
    const manager = await signIn(server, 'boss@example.com');
    assert.equal((await manager.call('/_ml/principals?q=o')).status, 200);
    const asOwner = await sessionToken({ folder: '/', access: 'readwrite' }, { user: 'owner@example.com' });
    assert.equal(
      (await server.api('/_ml/principals?q=o', { key: null, headers: bearer(asOwner) })).status,
      200,
    );
  });

  it('answers a member’s reach with /_ml/me: its folder and file grants; a read-only token caps it at view', async () => {
    const token = await sessionToken({ folder: '/', access: 'readwrite' }, { user: 'viewer@example.com' });
    const me = await (
      await server.api('/_ml/me?folder=/shared/inner', { key: null, headers: bearer(token) })
    ).json();
    assert.equal(me.level, 'view');
    assert.deepEqual(me.reach, { folders: { '/shared/': 'view' }, files: { [fileId]: 'contribute' } });
    const readOnly = await sessionToken({ folder: '/', access: 'read' }, { user: 'viewer@example.com' });
    const capped = await (await server.api('/_ml/me', { key: null, headers: bearer(readOnly) })).json();
    assert.deepEqual(capped.reach.files, { [fileId]: 'view' });
    const manager = await signIn(server, 'boss@example.com');
    const whole = await (await manager.call('/_ml/me?folder=/elsewhere')).json();
    assert.equal(whole.level, 'manage');
    assert.equal('reach' in whole, false);
  });
});
