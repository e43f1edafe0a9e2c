// DAM users for the CMS plugins' "act as the matching DAM user" tests: a member with one grant,
// made through the admin API as an administrator would.
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

/** A DAM member with `level` on `folder` (which must exist); answers the user's id. */
export async function damMember(
  media: TestServer,
  email: string,
  folder: string,
  level: 'view' | 'contribute' | 'manage' = 'view',
): Promise<string> {
  const created = await media.api('/_ml/users', {
    method: 'POST',
    json: { email, role: 'member', password: 'correct horse battery staple' },
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  const granted = await media.api('/_ml/grants', {
    method: 'PUT',
    json: { principal: { type: 'user', id }, target: { type: 'folder', path: folder }, level },
  });
  assert.equal(granted.status, 200, await granted.clone().text());
  return id;
}

/** The file paths a session token lists on the media server. */
export async function listedPaths(media: TestServer, token: string): Promise<string[]> {
  const response = await fetch(`${media.url}/v1/files?limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as Array<{ filePath: string }>).map((file) => file.filePath).sort();
}
