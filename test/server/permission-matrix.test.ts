// Roles × levels × routes: for each caller (admin, manager, and members holding manage, contribute,
// view or nothing on /team/), every route is allowed exactly when the caller's level reaches what
// the route needs, and a refusal is a 403 (or, where the caller cannot see the thing, a 404 or an
// absence). Members call through their session cookie, and through session tokens with a `user`
// claim, which are narrowed to the token's own folder and access too.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { png, uploadForm, uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, type SignedInUser, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';
import { createTusUpload } from '../helpers/tus.js';

type Level = 'none' | 'view' | 'contribute' | 'manage';
type Role = 'admin' | 'manager' | Level;
const rank: Record<Level, number> = { none: 0, view: 1, contribute: 2, manage: 3 };
const roles: Role[] = ['admin', 'manager', 'manage', 'contribute', 'view', 'none'];

interface Caller {
  role: Role;
  /** Sends a request as this caller (cookie and CSRF token, or a Bearer token). */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Headers that authenticate this caller on a raw fetch (tus, Companion, multipart). */
  headers: Record<string, string>;
}

/** What a route needs on /team/ (members), or `admin` for the admin API. */
type Need = Level | 'admin';

const allowedFor = (role: Role, need: Need): boolean =>
  role === 'admin' ||
  (role === 'manager' ? need !== 'admin' : need !== 'admin' && rank[role] >= rank[need as Level]);

async function serveBytes(bytes: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/photo.png`, server };
}

function viaCookie(role: Role, user: SignedInUser): Caller {
  return {
    role,
    call: user.call,
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken },
  };
}

describe('permission matrix: roles × levels × routes', () => {
  let server: TestServer;
  let web: { url: string; server: Server };
  let bytes: Buffer;
  const callers: Caller[] = [];

  before(async () => {
    server = await startTestServer({
      initialAdmin: { email: 'admin@example.com', password: 'correct horse battery staple' },
    });
    bytes = await png(20, 20);
    web = await serveBytes(bytes);
    await uploadPng(server, {
      folder: '/team',
      fileName: 'shared.png',
      useUniqueFileName: 'false',
      tags: 'teamtag',
    });
    await uploadPng(server, {
      folder: '/team',
      fileName: 'private.png',
      useUniqueFileName: 'false',
      isPrivateFile: 'true',
    });
    await uploadPng(server, {
      folder: '/other',
      fileName: 'hidden.png',
      useUniqueFileName: 'false',
      tags: 'othertag',
    });
    callers.push(viaCookie('admin', await signIn(server, 'admin@example.com')));
    await addUser(server, { email: 'manager@example.com', role: 'manager' });
    callers.push(viaCookie('manager', await signIn(server, 'manager@example.com')));
    for (const level of ['manage', 'contribute', 'view', 'none'] as const) {
      const id = await addUser(server, { email: `${level}@example.com`, role: 'member' });
      if (level !== 'none') await grant(server, { type: 'user', id }, '/team', level);
      callers.push(viaCookie(level, await signIn(server, `${level}@example.com`)));
    }
  });
  after(async () => {
    web.server.close();
    await server.close();
  });

  /** A fresh file in /team/ for a destructive check, uploaded with the key. */
  const freshFile = async (name: string) =>
    uploadPng(server, { folder: '/team', fileName: name, useUniqueFileName: 'false' });

  const routes: Array<{
    name: string;
    need: Need;
    allowed: (caller: Caller, i: number) => Promise<boolean>;
  }> = [
    {
      name: 'GET /v1/files lists /team/',
      need: 'view',
      allowed: async (c) => {
        const listed = (await (await c.call('/v1/files')).json()) as Array<{ filePath: string }>;
        assert.equal(
          listed.some((f) => f.filePath === '/other/hidden.png'),
          c.role === 'admin' || c.role === 'manager',
        );
        return listed.some((f) => f.filePath === '/team/shared.png');
      },
    },
    {
      name: 'search finds the file',
      need: 'view',
      allowed: async (c) => {
        const found = await (
          await c.call(`/v1/files?searchQuery=${encodeURIComponent('name = "shared.png"')}`)
        ).json();
        return (found as unknown[]).length === 1;
      },
    },
    {
      name: 'GET /_ml/tags suggests its tag',
      need: 'view',
      allowed: async (c) =>
        ((await (await c.call('/_ml/tags?prefix=team')).json()) as string[]).includes('teamtag'),
    },
    {
      name: 'GET /_ml/count counts it',
      need: 'view',
      allowed: async (c) =>
        (
          (await (await c.call('/_ml/count?searchQuery=name%20%3D%20%22shared.png%22')).json()) as {
            count: number;
          }
        ).count === 1,
    },
    {
      name: 'the folder tree shows /team',
      need: 'view',
      allowed: async (c) =>
        ((await (await c.call('/v1/files?type=folder&path=/')).json()) as Array<{ name: string }>).some(
          (f) => f.name === 'team',
        ),
    },
    {
      name: 'GET /team/private.png unsigned, with the session cookie',
      need: 'view',
      allowed: async (c) => {
        const response = await fetch(`${server.url}/team/private.png`, {
          headers: { cookie: c.headers.cookie! },
        });
        if (response.ok) assert.match(response.headers.get('cache-control')!, /^private/);
        return expectOutcome(response, 401);
      },
    },
    {
      name: 'PATCH details (contribute)',
      need: 'contribute',
      allowed: async (c) => {
        const file = await freshFile(`details-${c.role}.png`);
        const response = await c.call(`/v1/files/${file.fileId}/details`, {
          method: 'PATCH',
          json: { tags: ['x'] },
        });
        return expectOutcome(response, c.role === 'none' ? 404 : 403);
      },
    },
    {
      name: 'multipart upload into /team/',
      need: 'contribute',
      allowed: async (c) => {
        const response = await fetch(`${server.url}/api/v1/files/upload`, {
          method: 'POST',
          headers: c.headers,
          body: uploadForm({
            file: { bytes, name: 'up.png' },
            fields: { fileName: `up-${c.role}.png`, folder: '/team' },
          }),
        });
        return expectOutcome(response, 403);
      },
    },
    {
      name: 'tus upload into /team/',
      need: 'contribute',
      allowed: async (c) => {
        const { response } = await createTusUpload(
          server.url,
          { fileName: `tus-${c.role}.png`, folder: '/team' },
          bytes.length,
          c.headers,
        );
        return expectOutcome(response, 403);
      },
    },
    {
      name: 'Companion import into /team/',
      need: 'contribute',
      allowed: async (c) => {
        const response = await fetch(`${server.url}/companion/url/get`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...c.headers },
          body: JSON.stringify({
            url: web.url,
            endpoint: `${server.url}/api/v1/files/upload`,
            protocol: 'multipart',
            fieldname: 'file',
            size: bytes.length,
            metadata: { fileName: `import-${c.role}.png`, folder: '/team' },
            headers: c.headers,
          }),
        });
        return expectOutcome(response, 403);
      },
    },
    {
      name: 'POST /v1/folder in /team/',
      need: 'contribute',
      allowed: async (c) =>
        expectOutcome(
          await c.call('/v1/folder', {
            method: 'POST',
            json: { folderName: `sub-${c.role}`, parentFolderPath: '/team' },
          }),
          403,
        ),
    },
    {
      name: 'PUT /v1/files/rename (manage)',
      need: 'manage',
      allowed: async (c) => {
        const file = await freshFile(`rename-${c.role}.png`);
        const response = await c.call('/v1/files/rename', {
          method: 'PUT',
          json: { filePath: file.filePath, newFileName: `renamed-${c.role}.png` },
        });
        return expectOutcome(response, c.role === 'none' ? 404 : 403);
      },
    },
    {
      name: 'DELETE /v1/files/:id (manage)',
      need: 'manage',
      allowed: async (c) => {
        const file = await freshFile(`delete-${c.role}.png`);
        return expectOutcome(
          await c.call(`/v1/files/${file.fileId}`, { method: 'DELETE' }),
          c.role === 'none' ? 404 : 403,
        );
      },
    },
    {
      name: 'PUT /_ml/grants on /team/ (manage)',
      need: 'manage',
      allowed: async (c) => {
        const target = await addUser(server, { email: `target-${c.role}@example.com`, role: 'member' });
        const response = await c.call('/_ml/grants', {
          method: 'PUT',
          json: {
            principal: { type: 'user', id: target },
            target: { type: 'folder', path: '/team' },
            level: 'view',
          },
        });
        return expectOutcome(response, c.role === 'none' ? 404 : 403);
      },
    },
    {
      name: 'GET /_ml/principals (manage somewhere)',
      need: 'manage',
      allowed: async (c) => expectOutcome(await c.call('/_ml/principals?q=example'), 403),
    },
    {
      name: 'POST /_ml/shares for /team/ (manage)',
      need: 'manage',
      allowed: async (c) => {
        const response = await c.call('/_ml/shares', {
          method: 'POST',
          json: { target: { type: 'folder', path: '/team' }, allowDownload: true },
        });
        return expectOutcome(response, c.role === 'none' ? 404 : 403);
      },
    },
    {
      name: 'POST /_ml/downloads of /team/ (view)',
      need: 'view',
      allowed: async (c) =>
        expectOutcome(await c.call('/_ml/downloads', { method: 'POST', json: { folder: '/team' } }), 404),
    },
    {
      name: 'GET /_ml/users (admin)',
      need: 'admin',
      allowed: async (c) => expectOutcome(await c.call('/_ml/users'), 403),
    },
    {
      name: 'GET /_ml/keys (admin)',
      need: 'admin',
      allowed: async (c) => expectOutcome(await c.call('/_ml/keys'), 403),
    },
  ];

  for (const route of routes) {
    it(route.name, async () => {
      const outcomes: string[] = [];
      for (const [i, caller] of callers.entries()) {
        const allowed = await route.allowed(caller, i);
        outcomes.push(`${caller.role}:${allowed ? 'allowed' : 'refused'}`);
      }
      assert.deepEqual(
        outcomes,
        roles.map((role) => `${role}:${allowedFor(role, route.need) ? 'allowed' : 'refused'}`),
      );
    });
  }

  it('a session token with a user claim gets that user’s grants within its own scope and access', async () => {
    const contribute = await sessionToken(
      { folder: '/', access: 'readwrite' },
      { user: 'contribute@example.com' },
    );
    const listed = (await (
      await server.api('/v1/files', { key: null, headers: bearer(contribute) })
    ).json()) as Array<{
      filePath: string;
    }>;
    assert.ok(listed.every((f) => f.filePath.startsWith('/team/')));
    assert.ok(listed.length > 0);
    const upload = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: bearer(contribute),
      body: uploadForm({
        file: { bytes, name: 'tok.png' },
        fields: { fileName: 'token.png', folder: '/team' },
      }),
    });
    assert.equal(upload.status, 200, await upload.clone().text());
    const outside = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: bearer(contribute),
      body: uploadForm({
        file: { bytes, name: 'tok.png' },
        fields: { fileName: 'token.png', folder: '/other' },
      }),
    });
    assert.equal(outside.status, 403);

    // A manager acting through a read-only token may only read.
    const readOnly = await sessionToken({ folder: '/team/', access: 'read' }, { user: 'manage@example.com' });
    const created = await server.api('/v1/folder', {
      key: null,
      method: 'POST',
      headers: bearer(readOnly),
      json: { folderName: 'nope', parentFolderPath: '/team' },
    });
    assert.equal(created.status, 403);

    const unknown = await sessionToken({ folder: '/', access: 'read' }, { user: 'ghost@example.com' });
    const refused = await server.api('/v1/files', { key: null, headers: bearer(unknown) });
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).reason, 'USER_NOT_FOUND');

    // Without the claim, a token sees everything in its scope, as before.
    const plain = await sessionToken({ folder: '/', access: 'read' });
    const all = (await (
      await server.api('/v1/files', { key: null, headers: bearer(plain) })
    ).json()) as Array<{
      filePath: string;
    }>;
    assert.ok(all.some((f) => f.filePath === '/other/hidden.png'));
  });
});

/** Allowed: a 2xx. Refused: exactly the status expected for this caller (never a 500). */
async function expectOutcome(response: Response, refusedStatus: number): Promise<boolean> {
  if (response.ok) return true;
  const text = await response.text();
  assert.equal(response.status, refusedStatus, text);
  const body = JSON.parse(text) as { message?: string };
  assert.ok(body.message, 'a refusal says why');
  return false;
}
