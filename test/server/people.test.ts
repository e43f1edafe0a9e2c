import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, signIn, signInRequest, strongPassword } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Listed {
  type: string;
  name: string;
  filePath?: string;
  folderPath?: string;
}

describe('users, sign-in and the first admin', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ initialAdmin: { email: 'Boss@Example.com', password: strongPassword } });
  });
  after(() => server.close());

  it('creates the first admin from the preset and lets it sign in with a Lax httpOnly cookie', async () => {
    assert.deepEqual(server.server.createdAdmin, { email: 'boss@example.com' });
    const response = await signInRequest(server, 'BOSS@example.com');
    assert.equal(response.status, 200);
    const cookie = response.headers.get('set-cookie')!;
    assert.match(cookie, /^ml_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const body = await response.json();
    assert.equal(body.user.role, 'admin');
    assert.equal(typeof body.csrfToken, 'string');
    assert.equal('passwordHash' in body.user, false);
  });

  it('answers one message for an unknown email and a wrong password', async () => {
    await addUser(server, { email: 'one-message@example.com', role: 'member' });
    const unknown = await signInRequest(server, 'nobody@example.com');
    const wrong = await signInRequest(server, 'one-message@example.com', 'not the password at all');
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal((await unknown.json()).message, (await wrong.json()).message);
  });

  it('locks an account after 10 failed sign-ins, even with the right password', async () => {
    await addUser(server, { email: 'locked@example.com', role: 'member' });
    for (let i = 0; i < 10; i++) {
      assert.equal((await signInRequest(server, 'locked@example.com', `wrong password ${i}`)).status, 401);
    }
    const right = await signInRequest(server, 'locked@example.com');
    assert.equal(right.status, 429);
    const body = await right.json();
    assert.equal(body.reason, 'SIGN_IN_LOCKED');
    assert.ok(Number(right.headers.get('retry-after')) > 0);
  });

  it('lets an admin session manage users, and refuses a member session and a restricted key', async () => {
    const admin = await signIn(server, 'boss@example.com');
    const created = await admin.call('/_ml/users', {
      method: 'POST',
      json: { email: 'new@example.com', role: 'member', name: 'New Person' },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const user = await created.json();
    assert.equal(user.hasPassword, false);
    const listed = await (await admin.call('/_ml/users')).json();
    assert.ok(listed.some((u: { email: string }) => u.email === 'new@example.com'));

    await addUser(server, { email: 'member-admin-try@example.com', role: 'member' });
    const member = await signIn(server, 'member-admin-try@example.com');
    assert.equal((await member.call('/_ml/users')).status, 403);
    const restricted = await (
      await server.api('/_ml/keys', { method: 'POST', json: { kind: 'restricted', permission: 'ReadWrite' } })
    ).json();
    assert.equal((await server.api('/_ml/users', { key: restricted.privateKey })).status, 403);
  });

  it('refuses a write with the session cookie but without the CSRF token', async () => {
    const admin = await signIn(server, 'boss@example.com');
    const response = await fetch(`${server.url}/_ml/users`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'csrf@example.com', role: 'member' }),
    });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).reason, 'CSRF_TOKEN_INVALID');
  });

  it('refuses to demote, disable or delete the last admin', async () => {
    const admins = (await (await server.api('/_ml/users')).json()).filter(
      (u: { role: string; status: string }) => u.role === 'admin' && u.status === 'active',
    );
    assert.equal(admins.length, 1);
    const id = admins[0].id;
    for (const [method, json] of [
      ['PATCH', { role: 'member' }],
      ['PATCH', { status: 'disabled' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await server.api(`/_ml/users/${id}`, { method, ...(json && { json }) });
      assert.equal(response.status, 409);
      assert.equal((await response.json()).reason, 'LAST_ADMIN');
    }
  });

  it('ends a disabled user’s live session at once', async () => {
    const id = await addUser(server, { email: 'soon-disabled@example.com', role: 'manager' });
    const manager = await signIn(server, 'soon-disabled@example.com');
    assert.equal((await manager.call('/v1/files')).status, 200);
    const token = await sessionToken({ folder: '/', access: 'read' }, { user: 'soon-disabled@example.com' });
    const asToken = () => server.api('/v1/files', { key: null, headers: bearer(token) });
    assert.equal((await asToken()).status, 200);
    const disabled = await server.api(`/_ml/users/${id}`, { method: 'PATCH', json: { status: 'disabled' } });
    assert.equal(disabled.status, 200);
    const refused = await manager.call('/v1/files');
    assert.equal(refused.status, 401);
    const tokenRefused = await asToken();
    assert.equal(tokenRefused.status, 401);
    assert.equal((await tokenRefused.json()).reason, 'USER_DISABLED');
    assert.equal((await signInRequest(server, 'soon-disabled@example.com')).status, 403);
  });

  it('signs out: the cookie no longer works', async () => {
    await addUser(server, { email: 'leaving@example.com', role: 'manager' });
    const user = await signIn(server, 'leaving@example.com');
    const out = await user.call('/_ml/auth/sign-out', { method: 'POST' });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
    assert.equal((await user.call('/v1/files')).status, 401);
  });

  it('refuses bad input with a 4xx: a short password, a taken email, an unknown role', async () => {
    const short = await server.api('/_ml/users', {
      method: 'POST',
      json: { email: 'a@b.c', role: 'member', password: 'short' },
    });
    assert.equal(short.status, 400);
    await addUser(server, { email: 'taken@example.com', role: 'member' });
    const taken = await server.api('/_ml/users', {
      method: 'POST',
      json: { email: 'TAKEN@example.com', role: 'member' },
    });
    assert.equal(taken.status, 409);
    const role = await server.api('/_ml/users', {
      method: 'POST',
      json: { email: 'r@example.com', role: 'owner' },
    });
    assert.equal(role.status, 400);
  });
});

describe('groups and grants', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await uploadPng(server, {
      folder: '/campaigns/2026',
      fileName: 'hero.png',
      useUniqueFileName: 'false',
      tags: 'summer',
    });
    await uploadPng(server, {
      folder: '/finance',
      fileName: 'secret.png',
      useUniqueFileName: 'false',
      tags: 'salary',
    });
    await uploadPng(server, { fileName: 'root.png', useUniqueFileName: 'false', tags: 'rooted' });
  });
  after(() => server.close());

  it('refuses a group loop with a 409', async () => {
    const a = await (await server.api('/_ml/groups', { method: 'POST', json: { name: 'A' } })).json();
    const b = await (
      await server.api('/_ml/groups', {
        method: 'POST',
        json: { name: 'B', members: [{ type: 'group', id: a.id }] },
      })
    ).json();
    const loop = await server.api(`/_ml/groups/${a.id}`, {
      method: 'PATCH',
      json: { members: [{ type: 'group', id: b.id }] },
    });
    assert.equal(loop.status, 409);
    assert.equal((await loop.json()).reason, 'GROUP_LOOP');
    const self = await server.api(`/_ml/groups/${a.id}`, {
      method: 'PATCH',
      json: { members: [{ type: 'group', id: a.id }] },
    });
    assert.equal(self.status, 409);
  });

  it('refuses a grant on a missing folder and to a missing user', async () => {
    const userId = await addUser(server, { email: 'grantee@example.com', role: 'member' });
    const missingFolder = await server.api('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: userId },
        target: { type: 'folder', path: '/nowhere' },
        level: 'view',
      },
    });
    assert.equal(missingFolder.status, 404);
    const missingUser = await server.api('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: 'nobody' },
        target: { type: 'folder', path: '/finance' },
        level: 'view',
      },
    });
    assert.equal(missingUser.status, 400);
  });

  it('shows a member only what a group grant reaches: listing, search, tags, count, folders', async () => {
    const userId = await addUser(server, { email: 'designer@example.com', role: 'member' });
    const group = await (
      await server.api('/_ml/groups', {
        method: 'POST',
        json: { name: 'Marketing', members: [{ type: 'user', id: userId }] },
      })
    ).json();
    await grant(server, { type: 'group', id: group.id }, '/campaigns', 'contribute');
    const member = await signIn(server, 'designer@example.com');

    const all: Listed[] = await (await member.call('/v1/files')).json();
    assert.deepEqual(
      all.filter((i) => i.type === 'file').map((i) => i.filePath),
      ['/campaigns/2026/hero.png'],
    );
    const root: Listed[] = await (await member.call('/v1/files?path=/&type=all')).json();
    assert.deepEqual(
      root.map((i) => i.name),
      ['campaigns'],
    );
    const search: Listed[] = await (
      await member.call(`/v1/files?searchQuery=${encodeURIComponent('name : "secret"')}`)
    ).json();
    assert.deepEqual(search, []);
    assert.deepEqual(await (await member.call('/_ml/tags')).json(), ['summer']);
    assert.equal((await (await member.call('/_ml/count?type=file')).json()).count, 1);
    // As for a folder that does not exist: nothing in it.
    assert.deepEqual(await (await member.call('/v1/files?path=/finance&type=all')).json(), []);
    const me = await (await member.call('/_ml/me?folder=/campaigns/2026')).json();
    assert.equal(me.level, 'contribute');
    assert.equal((await (await member.call('/_ml/me?folder=/finance')).json()).level, null);
    // The strongest grant wins: the user's own view does not weaken the group's contribute.
    await grant(server, { type: 'user', id: userId }, '/campaigns/2026', 'view');
    assert.equal((await (await member.call('/_ml/me?folder=/campaigns/2026')).json()).level, 'contribute');
    // A tree inside another granted tree reads no file twice: a search's page counts each once.
    const tagged = async (skip: number): Promise<string[]> =>
      (
        (await (
          await member.call(`/v1/files?skip=${skip}&searchQuery=${encodeURIComponent('tags IN ["summer"]')}`)
        ).json()) as Listed[]
      )
        .filter((i) => i.type === 'file')
        .map((i) => i.filePath ?? i.name);
    assert.deepEqual(await tagged(0), ['/campaigns/2026/hero.png']);
    assert.deepEqual(await tagged(1), []);
  });

  it('lets a contributor upload and edit but not delete; the next request sees a revoked grant', async () => {
    const userId = await addUser(server, { email: 'contributor@example.com', role: 'member' });
    await grant(server, { type: 'user', id: userId }, '/campaigns', 'contribute');
    const member = await signIn(server, 'contributor@example.com');
    const folder = await member.call('/v1/folder', {
      method: 'POST',
      json: { folderName: 'drafts', parentFolderPath: '/campaigns' },
    });
    assert.equal(folder.status, 201);
    // The audit log names the member as the actor.
    const audit = await (await server.api(`/_ml/audit?actor=${userId}`)).json();
    assert.deepEqual(
      audit.entries.map((e: { action: string; actor: { type: string; name: string } }) => [
        e.action,
        e.actor.type,
        e.actor.name,
      ]),
      [['folder.create', 'user', 'contributor']],
    );
    const outside = await member.call('/v1/folder', {
      method: 'POST',
      json: { folderName: 'x', parentFolderPath: '/finance' },
    });
    assert.equal(outside.status, 403);
    const hero: Listed & { fileId: string } = (
      await (await member.call('/v1/files?path=/campaigns/2026')).json()
    )[0];
    const tagged = await member.call(`/v1/files/${hero.fileId}/details`, {
      method: 'PATCH',
      json: { tags: ['ok'] },
    });
    assert.equal(tagged.status, 200);
    const deleted = await member.call(`/v1/files/${hero.fileId}`, { method: 'DELETE' });
    assert.equal(deleted.status, 403);

    const revoked = await server.api('/_ml/grants', {
      method: 'DELETE',
      json: { principal: { type: 'user', id: userId }, target: { type: 'folder', path: '/campaigns' } },
    });
    assert.equal(revoked.status, 204);
    assert.equal((await member.call(`/v1/files/${hero.fileId}/details`)).status, 404);
  });

  it('refuses a member granting above its own level, and lets a manager of the folder share it', async () => {
    const ownerId = await addUser(server, { email: 'owner@example.com', role: 'member' });
    const otherId = await addUser(server, { email: 'other@example.com', role: 'member' });
    await grant(server, { type: 'user', id: ownerId }, '/campaigns', 'contribute');
    const owner = await signIn(server, 'owner@example.com');
    const above = await owner.call('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: otherId },
        target: { type: 'folder', path: '/campaigns' },
        level: 'manage',
      },
    });
    assert.equal(above.status, 403);
    assert.equal((await above.json()).reason, 'GRANT_ABOVE_OWN_LEVEL');
    await grant(server, { type: 'user', id: ownerId }, '/campaigns', 'manage');
    const shared = await owner.call('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: otherId },
        target: { type: 'folder', path: '/campaigns/2026' },
        level: 'view',
      },
    });
    assert.equal(shared.status, 200, await shared.clone().text());
    const listed = await (await owner.call('/_ml/grants?folder=/campaigns/2026')).json();
    const inherited = listed.find((g: { principal: { id: string } }) => g.principal.id === ownerId);
    assert.equal(inherited.inherited, true);
    assert.equal(inherited.target.path, '/campaigns');
  });

  it('moves grants with a renamed folder', async () => {
    await uploadPng(server, { folder: '/moving/inner', fileName: 'm.png', useUniqueFileName: 'false' });
    const userId = await addUser(server, { email: 'mover@example.com', role: 'member' });
    await grant(server, { type: 'user', id: userId }, '/moving/inner', 'view');
    const member = await signIn(server, 'mover@example.com');
    const started = await server.api('/v1/bulkJobs/renameFolder', {
      method: 'POST',
      json: { folderPath: '/moving', newFolderName: 'moved' },
    });
    assert.equal(started.status, 200, await started.clone().text());
    const { jobId } = await started.json();
    for (let i = 0; i < 400; i++) {
      const job = await (await server.api(`/v1/bulkJobs/${jobId}`)).json();
      if (job.status !== 'Pending') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const listed: Listed[] = await (await member.call('/v1/files')).json();
    assert.deepEqual(
      listed.map((i) => i.filePath),
      ['/moved/inner/m.png'],
    );
    const grants = await (await server.api(`/_ml/grants?principal=user:${userId}`)).json();
    assert.deepEqual(
      grants.map((g: { target: { path: string } }) => g.target.path),
      ['/moved/inner'],
    );
  });

  it('answers bad grant, group and user input with a 4xx and a message, never a 500', async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ['GET', '/_ml/grants?principal=nobody', undefined, 400],
      ['GET', '/_ml/grants?folder=/not-there', undefined, 404],
      ['GET', '/_ml/grants?fileId=not-a-file', undefined, 404],
      [
        'PUT',
        '/_ml/grants',
        { principal: { type: 'user', id: 'x' }, target: { type: 'folder', path: '/a/../b' }, level: 'view' },
        400,
      ],
      [
        'PUT',
        '/_ml/grants',
        { principal: { type: 'robot', id: 'x' }, target: { type: 'folder', path: '/' }, level: 'view' },
        400,
      ],
      [
        'PUT',
        '/_ml/grants',
        { principal: { type: 'user', id: 'x' }, target: { type: 'folder', path: '/' }, level: 'owner' },
        400,
      ],
      [
        'DELETE',
        '/_ml/grants',
        { principal: { type: 'user', id: 'x' }, target: { type: 'folder', path: '/finance' } },
        404,
      ],
      ['POST', '/_ml/groups', { name: 'Ghosts', members: [{ type: 'user', id: 'nobody' }] }, 400],
      ['POST', '/_ml/groups', { name: '' }, 400],
      ['PATCH', '/_ml/groups/nope', { name: 'x' }, 404],
      ['PATCH', '/_ml/users/nope', { name: 'x' }, 404],
      ['DELETE', '/_ml/users/nope', undefined, 404],
      ['POST', '/_ml/auth/sign-in', { email: 'a@b.c' }, 400],
      ['GET', '/_ml/me', undefined, 404],
    ];
    for (const [method, path, json, status] of cases) {
      const response = await server.api(path, { method, ...(json !== undefined && { json }) });
      const body = await response.json();
      assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(body)}`);
      assert.ok(body.message, `${method} ${path} says why`);
    }
    const anonymous = await fetch(`${server.url}/_ml/me`);
    assert.equal(anonymous.status, 401);
  });
});
