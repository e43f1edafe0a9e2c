import type { AccessLevel } from '../../shared/wire.js';

/**
 * Whom the session acts for, as far as levels go: a DAM member (`reach`: its grants; empty until
 * `/_ml/me` answers), an admin or manager (`reach` absent: everything), or a key (`key`).
 */
export interface People {
  reach?: { folders: Record<string, AccessLevel>; files: Record<string, AccessLevel> };
  /** A key (no user): the server lets it share anything. */
  key?: boolean;
}

const order = [null, 'view', 'contribute', 'manage'] as const;

/** Whether `held` reaches at least `needed`. */
export const reaches = (held: AccessLevel | null, needed: AccessLevel): boolean =>
  order.indexOf(held) >= order.indexOf(needed);

/** The `user` claim of a session token (a JWT), if it has one. */
export function userClaim(token: string): string | undefined {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return (JSON.parse(atob(payload)) as { user?: string }).user;
  } catch {
    return undefined;
  }
}

/**
 * The level at a folder (`/a/b`) or file path (`/a/b/c.png`, with its id): the strongest grant
 * on it or on a folder above; `manage` without grants to go by; `view` at most when read-only.
 */
export function levelAt(
  people: People | undefined,
  readOnly: boolean,
  path: string,
  fileId?: string,
): AccessLevel | null {
  const reach = people?.reach;
  let level: AccessLevel | null = reach ? ((fileId ? reach.files[fileId] : undefined) ?? null) : 'manage';
  const at = fileId ? path : `${path.replace(/\/$/, '')}/`;
  for (const [folder, granted] of Object.entries(reach?.folders ?? {}))
    if (at.startsWith(folder) && !reaches(level, granted)) level = granted;
  return readOnly && level ? 'view' : level;
}
