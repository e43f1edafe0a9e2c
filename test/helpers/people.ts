import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

/** A signed-in browser: its cookie and CSRF token, and fetch that sends both. */
export interface SignedInUser {
  id: string;
  cookie: string;
  csrfToken: string;
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export const strongPassword = 'correct horse battery staple';

/** Creates a user through the admin API (with the standard key) and answers its id. */
export async function addUser(
  server: TestServer,
  input: { email: string; role: 'admin' | 'manager' | 'member'; password?: string; name?: string },
): Promise<string> {
  const response = await server.api('/_ml/users', {
    method: 'POST',
    json: { password: strongPassword, ...input },
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: string }).id;
}

export function signInRequest(
  server: TestServer,
  email: string,
  password = strongPassword,
): Promise<Response> {
  return fetch(`${server.url}/_ml/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** Signs in and answers a caller that sends the session cookie, and the CSRF token on writes. */
export async function signIn(
  server: TestServer,
  email: string,
  password = strongPassword,
): Promise<SignedInUser> {
  const response = await signInRequest(server, email, password);
  assert.equal(response.status, 200, await response.clone().text());
  const body = (await response.json()) as { user: { id: string }; csrfToken: string };
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return {
    id: body.user.id,
    cookie,
    csrfToken: body.csrfToken,
    call(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('cookie', cookie);
      if (!['GET', 'HEAD', undefined].includes(rest.method)) headers.set('x-csrf-token', body.csrfToken);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(server.url + path, {
        ...rest,
        headers,
        ...(json !== undefined && { body: JSON.stringify(json) }),
      });
    },
  };
}

/** Grants `level` on a folder to a user or group, with the standard key. */
export async function grant(
  server: TestServer,
  principal: { type: 'user' | 'group'; id: string },
  path: string,
  level: 'view' | 'contribute' | 'manage',
): Promise<void> {
  const response = await server.api('/_ml/grants', {
    method: 'PUT',
    json: { principal, target: { type: 'folder', path }, level },
  });
  assert.equal(response.status, 200, await response.clone().text());
}
