import type { AccessLevel, DamGrant, PrincipalType } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import { assertFileVisible, assertFolderVisible, isPathInScope } from '../auth/scope.js';
import { levelIn, reaches } from '../auth/user-access.js';
import { badRequest, forbidden, messages, notFound } from '../errors.js';
import type { GrantKey, GrantRecord, Store } from '../store/store.js';
import { actorOf, appendAudit } from './audit.js';
import { folderChain, normalizeFolder, toWireFolderPath } from './naming.js';

/** A grant's target as the API names it. */
export type GrantTarget =
  | { type: 'folder'; path: string }
  | { type: 'file'; id: string }
  | { type: 'collection'; id: string };

export interface GrantInput {
  principal: { type: PrincipalType; id: string };
  target: GrantTarget;
}

/** A grant as the API shows it; `inherited` when it is on a folder above the one asked about. */
export const toDamGrant = (grant: GrantRecord, asked?: string): DamGrant & { inherited?: boolean } => ({
  principal: { type: grant.principalType, id: grant.principalId },
  target:
    grant.targetType === 'folder'
      ? { type: 'folder', path: toWireFolderPath(grant.target) }
      : { type: grant.targetType, id: grant.target },
  level: grant.level,
  createdAt: new Date(grant.createdAt).toISOString(),
  ...(asked !== undefined && grant.targetType === 'folder' && grant.target !== asked && { inherited: true }),
});

/** Keys and signed-in users may share; a session token only when it acts for a DAM user. */
function assertMayShare(principal: Principal): void {
  if (principal.via === 'session' && !principal.user) {
    throw forbidden(
      'A session token without a user cannot change who has access. Use an API key or sign in.',
      {
        reason: 'PERMISSION_DENIED',
      },
    );
  }
}

/** Where a target lies (a folder, or the file's path) once it is known to exist and be visible. */
async function locate(
  store: Store,
  principal: Principal,
  target: GrantTarget,
): Promise<{ key: Pick<GrantKey, 'targetType' | 'target'>; path: string; fileId?: string }> {
  if (target.type === 'folder') {
    const folder = normalizeFolder(target.path);
    if ((folder !== '/' && !(await store.folders.get(folder))) || !isPathInScope(principal, folder)) {
      throw notFound(messages.folderNotFound(target.path), { reason: 'FOLDER_NOT_FOUND' });
    }
    assertFolderVisible(principal, folder, target.path);
    return { key: { targetType: 'folder', target: folder }, path: folder };
  }
  if (target.type === 'collection') {
    const collection = await store.collections.get(target.id);
    if (!collection) {
      throw notFound(`There is no collection with id ${target.id}.`, { reason: 'COLLECTION_NOT_FOUND' });
    }
    // Shared by keys, admins and managers: a collection spans folders no one member manages.
    if (principal?.user?.reach) {
      throw forbidden('Sharing a collection needs an admin or a manager.', { reason: 'PERMISSION_DENIED' });
    }
    return { key: { targetType: 'collection', target: collection.id }, path: '/' };
  }
  const file = await store.files.get(target.id);
  if (!file) throw notFound(messages.fileNotFound);
  assertFileVisible(principal, file);
  return { key: { targetType: 'file', target: file.fileId }, path: file.filePath, fileId: file.fileId };
}

/**
 * A member shares only what it manages, and never more than it holds itself; keys, admins and
 * managers may grant anything.
 */
function assertMayGrant(
  principal: Principal,
  path: string,
  fileId: string | undefined,
  level: AccessLevel,
): void {
  const reach = principal.user?.reach;
  if (!reach) return;
  const held = levelIn(reach, path, fileId);
  if (!reaches(held, level)) {
    throw forbidden(`You hold ${held ?? 'no'} access to ${path} and cannot grant ${level}.`, {
      reason: 'GRANT_ABOVE_OWN_LEVEL',
    });
  }
  if (!reaches(held, 'manage')) {
    throw forbidden(`Sharing ${path} needs manage access; you hold ${held}.`, {
      reason: 'PERMISSION_DENIED',
    });
  }
}

async function assertPrincipalExists(store: Store, principal: GrantInput['principal']): Promise<void> {
  const exists =
    principal.type === 'user' ? await store.users.find(principal.id) : await store.groups.find(principal.id);
  if (!exists) {
    throw badRequest(`There is no ${principal.type} with id ${principal.id}.`, {
      reason: principal.type === 'user' ? 'USER_NOT_FOUND' : 'GROUP_NOT_FOUND',
    });
  }
}

/** Grants (or changes) `level` on a folder or file to a user or group. */
export async function putGrant(
  store: Store,
  principal: Principal,
  input: GrantInput & { level: AccessLevel },
  now = Date.now(),
): Promise<GrantRecord> {
  assertMayShare(principal);
  await assertPrincipalExists(store, input.principal);
  const { key, path, fileId } = await locate(store, principal, input.target);
  assertMayGrant(principal, path, fileId, input.level);
  const grant: GrantRecord = {
    principalType: input.principal.type,
    principalId: input.principal.id,
    ...key,
    level: input.level,
    createdAt: now,
  };
  await store.transaction(async (tx) => {
    const before = (
      await tx.grants.list({ principalType: grant.principalType, principalId: grant.principalId, ...key })
    )[0];
    await tx.grants.put(grant);
    await appendAudit(
      tx,
      actorOf(principal),
      {
        action: 'grant.put',
        ...grantTarget(input.principal, path, fileId),
        changes: { level: { ...(before && { before: before.level }), after: grant.level } },
      },
      now,
    );
  });
  return grant;
}

/** A grant's entry names the target (a folder's path, or a file's id and path) and its holder. */
const grantTarget = (holder: GrantInput['principal'], path: string, fileId: string | undefined) => ({
  path,
  ...(fileId !== undefined && { fileId }),
  target: { principal: `${holder.type}:${holder.id}` },
});

/** Removes a grant; a member may remove only what it could have granted. */
export async function deleteGrant(store: Store, principal: Principal, input: GrantInput): Promise<void> {
  assertMayShare(principal);
  const { key, path, fileId } = await locate(store, principal, input.target);
  const existing = (
    await store.grants.list({ principalType: input.principal.type, principalId: input.principal.id, ...key })
  )[0];
  if (!existing) throw notFound('There is no such grant.', { reason: 'GRANT_NOT_FOUND' });
  assertMayGrant(principal, path, fileId, existing.level);
  await store.transaction(async (tx) => {
    await tx.grants.delete({ principalType: input.principal.type, principalId: input.principal.id, ...key });
    await appendAudit(tx, actorOf(principal), {
      action: 'grant.delete',
      ...grantTarget(input.principal, path, fileId),
      changes: { level: { before: existing.level } },
    });
  });
}

/** `principal=user:ID` or `group:ID` of `GET /_ml/grants`. */
export function parsePrincipalParameter(value: string): { type: PrincipalType; id: string } {
  const match = /^(user|group):(.+)$/.exec(value);
  if (!match) {
    throw badRequest('principal must be user:ID or group:ID.', { reason: 'INVALID_PARAMETER' });
  }
  return { type: match[1] as PrincipalType, id: match[2]! };
}

/**
 * The grants that decide access to a folder (its own and its ancestors', marked inherited) or a
 * file (its own and its folders'), or every grant of a principal, or every grant. Members see
 * the grants of what they manage, and their own.
 */
export async function listGrants(
  store: Store,
  principal: Principal,
  query: { folder?: string | undefined; fileId?: string | undefined; principal?: string | undefined },
): Promise<Array<DamGrant & { inherited?: boolean }>> {
  const who = query.principal === undefined ? undefined : parsePrincipalParameter(query.principal);
  const own = who?.type === 'user' && who.id === principal.user?.id;
  let grants: GrantRecord[];
  let asked: string | undefined;
  if (query.folder !== undefined || query.fileId !== undefined) {
    const target: GrantTarget =
      query.fileId !== undefined
        ? { type: 'file', id: query.fileId }
        : { type: 'folder', path: query.folder! };
    const { path, fileId } = await locate(store, principal, target);
    if (!own) assertMayGrant(principal, path, fileId, 'manage');
    const folders = [
      '/',
      ...folderChain(fileId === undefined ? path : path.slice(0, path.lastIndexOf('/') + 1)),
    ];
    asked = fileId === undefined ? path : undefined;
    grants = await store.grants.onTargets(folders, fileId);
    if (who) grants = grants.filter((g) => g.principalType === who.type && g.principalId === who.id);
  } else {
    if (principal.user?.reach && !own) {
      throw forbidden('Members may list the grants of what they manage (folder= or fileId=), or their own.', {
        reason: 'PERMISSION_DENIED',
      });
    }
    grants = await store.grants.list(who ? { principalType: who.type, principalId: who.id } : {});
  }
  return grants.map((g) => toDamGrant(g, asked));
}
