import type { AccessLevel, DamGrant, DamUser, PrincipalType } from '../shared/wire.js';
import type { MediaClient, RequestOptions } from './media-client.js';

/** The levels a member's grants give: by folder (`/a/b/`, covering what is below) and by file id. */
export interface GrantedLevels {
  folders: Record<string, AccessLevel>;
  files: Record<string, AccessLevel>;
}

/** `GET /_ml/me`: the DAM user a session acts for; `reach` for members (admins and managers have the whole library). */
export interface Me {
  user: DamUser;
  role: DamUser['role'];
  level?: AccessLevel | null;
  reach?: GrantedLevels;
  csrfToken?: string;
}

/** A grant as `GET /_ml/grants?folder=` lists it: `inherited` when it is on a folder above. */
export type ListedGrant = DamGrant & { inherited?: boolean };

/** A user or group of `GET /_ml/principals`. */
export interface PrincipalEntry {
  type: PrincipalType;
  id: string;
  name: string;
  email?: string;
}

/** What a grant is on: a folder (`/a/b`) or a file. */
export type ShareTarget = { type: 'folder'; path: string } | { type: 'file'; id: string };

/** `GET /_ml/me?folder=` (the media server's, not ImageKit's). */
export function getMe(client: MediaClient, folder?: string, options: RequestOptions = {}): Promise<Me> {
  return client.request<Me>('GET', '/_ml/me', { query: { folder }, ...options });
}

/** `GET /_ml/grants?folder=` or `?fileId=`: the grants that decide access to the target. */
export function listGrants(client: MediaClient, target: ShareTarget): Promise<ListedGrant[]> {
  const query = target.type === 'folder' ? { folder: target.path } : { fileId: target.id };
  return client.request<ListedGrant[]>('GET', '/_ml/grants', { query });
}

/** `PUT /_ml/grants`: gives (or changes) a level on the target. */
export function putGrant(
  client: MediaClient,
  principal: { type: PrincipalType; id: string },
  target: ShareTarget,
  level: AccessLevel,
): Promise<DamGrant> {
  return client.request<DamGrant>('PUT', '/_ml/grants', { json: { principal, target, level } });
}

/** `DELETE /_ml/grants`. */
export async function deleteGrant(
  client: MediaClient,
  principal: { type: PrincipalType; id: string },
  target: ShareTarget,
): Promise<void> {
  await client.request('DELETE', '/_ml/grants', { json: { principal, target } });
}

/** `GET /_ml/principals?q=` (users and groups whose name or email contains `q`), or `?ids=` to name them. */
export function findPrincipals(
  client: MediaClient,
  query: { q?: string; ids?: Array<{ type: PrincipalType; id: string }> },
  options: RequestOptions = {},
): Promise<PrincipalEntry[]> {
  return client.request<PrincipalEntry[]>('GET', '/_ml/principals', {
    query: { q: query.q, ids: query.ids?.map((p) => `${p.type}:${p.id}`).join(',') },
    ...options,
  });
}
