import type { AccessLevel, PrincipalType, UserRole } from '../../shared/wire.js';
import { ApiError } from '../errors.js';
import type { GrantRecord, Store, UserRecord } from '../store/store.js';

/** Levels in order: each includes the ones before it. */
export const accessLevels: readonly AccessLevel[] = ['view', 'contribute', 'manage'];
const rank = (level: AccessLevel | null): number => (level === null ? 0 : accessLevels.indexOf(level) + 1);

/** Whether `held` reaches at least `needed`. */
export const reaches = (held: AccessLevel | null, needed: AccessLevel): boolean => rank(held) >= rank(needed);

/** The stronger of two levels. */
export const stronger = (a: AccessLevel | null, b: AccessLevel | null): AccessLevel | null =>
  rank(a) >= rank(b) ? a : b;

/**
 * What a member may reach, gathered from its own grants and its groups' (strongest wins):
 * folder trees (a folder grant covers everything below it) and single files. The folders above a
 * granted one are shown, so the way to it can be walked, but nothing in them is.
 */
export interface GrantedReach {
  folders: Map<string, AccessLevel>;
  files: Map<string, AccessLevel>;
  /** Granted collections; their files are in `files` too, read afresh with the grants. */
  collections: Map<string, AccessLevel>;
  /** Folders above granted folders and files (`/a/` above `/a/b/`): listed, not opened. */
  ancestors: Set<string>;
}

/** The DAM user a request acts for (signed in, or named by a session token's `user` claim). */
export interface UserAccess {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  /** Absent for admins and managers: the whole library. */
  reach?: GrantedReach;
}

/** The level `reach` gives at a folder (`/a/b/`) or file path (`/a/b/c.png`, with its id). */
export function levelIn(reach: GrantedReach, path: string, fileId?: string): AccessLevel | null {
  let level: AccessLevel | null = fileId === undefined ? null : (reach.files.get(fileId) ?? null);
  for (const [folder, granted] of reach.folders)
    if (path.startsWith(folder)) level = stronger(level, granted);
  return level;
}

/** The level a user holds at a path: `manage` everywhere for admins and managers. */
export function userLevelAt(user: UserAccess, path: string, fileId?: string): AccessLevel | null {
  return user.reach ? levelIn(user.reach, path, fileId) : 'manage';
}

/** Every folder above `path` (`/a/b/` → `/`, `/a/`), not `path` itself. */
export function foldersAbove(path: string): string[] {
  // The last part is the folder itself, or the file's name.
  const parts = path.split('/').filter(Boolean).slice(0, -1);
  const above = ['/'];
  for (let i = 1; i <= parts.length; i++) above.push(`/${parts.slice(0, i).join('/')}/`);
  return above;
}

/** The user and every group it is in, directly or through other groups. */
export async function principalsOf(
  store: Store,
  userId: string,
): Promise<Array<{ type: PrincipalType; id: string }>> {
  const parentsOf = new Map<string, string[]>();
  for (const { parent, child } of await store.groups.groupEdges()) {
    parentsOf.set(child, [...(parentsOf.get(child) ?? []), parent]);
  }
  const groups = new Set<string>();
  const queue = await store.groups.groupsOfUser(userId);
  while (queue.length > 0) {
    const group = queue.pop()!;
    if (groups.has(group)) continue;
    groups.add(group);
    queue.push(...(parentsOf.get(group) ?? []));
  }
  return [{ type: 'user', id: userId }, ...[...groups].map((id) => ({ type: 'group' as const, id }))];
}

/** Folds grants into a reach (strongest wins), with the folders above each granted target. */
export async function reachOf(store: Store, grants: GrantRecord[]): Promise<GrantedReach> {
  const reach: GrantedReach = {
    folders: new Map(),
    files: new Map(),
    collections: new Map(),
    ancestors: new Set(),
  };
  const grant = (map: Map<string, AccessLevel>, target: string, level: AccessLevel) =>
    map.set(target, stronger(map.get(target) ?? null, level)!);
  for (const { targetType, target, level } of grants) {
    grant(
      targetType === 'folder' ? reach.folders : targetType === 'file' ? reach.files : reach.collections,
      target,
      level,
    );
  }
  // A collection grant reaches the files in it now, as file grants would.
  for (const [collection, level] of reach.collections)
    for (const fileId of await store.collections.itemIds(collection)) grant(reach.files, fileId, level);
  for (const folder of reach.folders.keys())
    for (const above of foldersAbove(folder)) reach.ancestors.add(above);
  for (const file of await store.files.getMany([...reach.files.keys()]))
    for (const above of foldersAbove(file.filePath)) reach.ancestors.add(above);
  return reach;
}

/**
 * The access of an active user, read afresh on every request (so a grant or a disabled account
 * takes effect on the next request, on every node). A disabled user is refused at once.
 */
export async function loadUserAccess(store: Store, user: UserRecord): Promise<UserAccess> {
  if (user.status !== 'active') {
    throw new ApiError(401, 'This account is disabled. Ask an administrator to enable it.', {
      reason: 'USER_DISABLED',
    });
  }
  const access: UserAccess = { id: user.userId, email: user.email, name: user.name, role: user.role };
  if (user.role === 'member') {
    access.reach = await reachOf(
      store,
      await store.grants.forPrincipals(await principalsOf(store, user.userId)),
    );
  }
  return access;
}
