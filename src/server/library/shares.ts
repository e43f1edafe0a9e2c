import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditActor } from '../../shared/audit.js';
import {
  minSharePasswordLength,
  type NewShare,
  type Share,
  type SharePatchBody,
  type ShareTarget,
} from '../../shared/shares.js';
import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { assertFileVisible, assertFolderVisible, assertMayManage, isPathInScope } from '../auth/scope.js';
import { badRequest, messages, notFound } from '../errors.js';
import type { FileRecord, ShareRecord, Store } from '../store/store.js';
import { actorOf, appendAudit } from './audit.js';
import { newId } from './ids.js';
import { normalizeFolder, toWireFolderPath } from './naming.js';
import { collectionFiles } from './share-collections.js';

/** 192 random bits: a link cannot be guessed, and says nothing about what it opens. */
const tokenBytes = 24;
const tokenPattern = /^[A-Za-z0-9_-]{32}$/;

/** Whether a path segment could be a link's token (anything else under `/s/` is a library file's URL). */
export const isShareToken = (segment: string): boolean => tokenPattern.test(segment);

/** What the catalog keeps of a token: its SHA-256, so a leaked catalog opens no link. */
export const hashShareToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const shareUrl = (urlEndpoint: string, token: string): string => `${urlEndpoint}/s/${token}`;

export function toWireShare(share: ShareRecord, url?: string): Share {
  const target: ShareTarget =
    share.targetType === 'folder'
      ? { type: 'folder', path: toWireFolderPath(share.target) }
      : { type: share.targetType, id: share.target };
  return {
    id: share.shareId,
    ...(url !== undefined && { url }),
    target,
    title: share.title,
    expiresAt: share.expiresAt === null ? null : new Date(share.expiresAt).toISOString(),
    hasPassword: share.passwordHash !== null,
    allowDownload: share.allowDownload,
    createdBy: share.createdBy,
    createdAt: new Date(share.createdAt).toISOString(),
    updatedAt: new Date(share.updatedAt).toISOString(),
  };
}

/** An expiry as sent: an ISO 8601 time after now, as epoch ms. */
function parseExpiry(raw: string, now: number): number {
  const at = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at)) {
    throw badRequest(`expiresAt must be an ISO 8601 time such as 2030-01-31T12:00:00Z; got ${raw}.`, {
      reason: 'INVALID_PARAMETER',
    });
  }
  if (at <= now) {
    throw badRequest(
      'expiresAt is in the past: give a time after now, or leave it out for a link that does not expire.',
      {
        reason: 'INVALID_PARAMETER',
      },
    );
  }
  return at;
}

async function passwordHashOf(password: string): Promise<string> {
  if (password.length < minSharePasswordLength) {
    throw badRequest(`A link's password needs at least ${minSharePasswordLength} characters.`, {
      reason: 'PASSWORD_TOO_SHORT',
    });
  }
  return hashPassword(password);
}

/** A target as sent (`{type, id?, path?}`), checked for the field its type needs. */
export function shareTargetOf(sent: { type: ShareTarget['type']; id?: string; path?: string }): ShareTarget {
  if (sent.type === 'folder') {
    if (sent.path === undefined) {
      throw badRequest('A folder target needs its path: {type: "folder", path: "/a/b"}.', {
        reason: 'MISSING_PARAMETER',
      });
    }
    return { type: 'folder', path: sent.path };
  }
  if (sent.id === undefined) {
    throw badRequest(`A ${sent.type} target needs its id: {type: "${sent.type}", id: "…"}.`, {
      reason: 'MISSING_PARAMETER',
    });
  }
  return { type: sent.type, id: sent.id };
}

/** Where a target lies, once it exists and the caller may manage it. */
async function locateTarget(
  store: Store,
  principal: Principal,
  sent: NewShare['target'] | { type: ShareTarget['type']; id?: string; path?: string },
): Promise<{ targetType: ShareRecord['targetType']; target: string; path: string }> {
  const target = shareTargetOf(sent as { type: ShareTarget['type']; id?: string; path?: string });
  if (target.type === 'file') {
    const file = await store.files.get(target.id);
    if (!file) throw notFound(messages.fileNotFound, { reason: 'NOT_FOUND' });
    assertFileVisible(principal, file);
    assertMayManage(principal, file.filePath, file.fileId);
    return { targetType: 'file', target: file.fileId, path: file.filePath };
  }
  if (target.type === 'folder') {
    const folder = normalizeFolder(target.path);
    if ((folder !== '/' && !(await store.folders.get(folder))) || !isPathInScope(principal, folder)) {
      throw notFound(messages.folderNotFound(target.path), { reason: 'FOLDER_NOT_FOUND' });
    }
    assertFolderVisible(principal, folder, target.path);
    assertMayManage(principal, folder);
    return { targetType: 'folder', target: folder, path: folder };
  }
  const collection = await collectionFiles(store, principal, target.id);
  if (!collection) {
    throw notFound(`There is no collection with id ${target.id}.`, { reason: 'COLLECTION_NOT_FOUND' });
  }
  return { targetType: 'collection', target: target.id, path: `collection:${target.id}` };
}

/** Keys, and administrators signed in, see and change every link; anyone else only their own. */
function seesEveryLink(principal: Principal): boolean {
  if (principal.user) return principal.user.role === 'admin';
  return principal.via !== 'session';
}

/** A link the caller may see and change; others' are 404, as if they did not exist. */
async function ownShare(store: Store, principal: Principal, shareId: string): Promise<ShareRecord> {
  const share = await store.shares.get(shareId);
  if (!share || (!seesEveryLink(principal) && share.createdById !== actorOf(principal).id)) {
    throw notFound('There is no share link with this id.', { reason: 'SHARE_NOT_FOUND' });
  }
  return share;
}

const auditTarget = (share: ShareRecord) => ({
  id: share.shareId,
  targetType: share.targetType,
  target: share.target,
});

/**
 * Makes a link (members need `manage` on what it opens) and answers it with its URL, the only
 * time the token is told: the catalog keeps its hash.
 */
export async function createShare(
  store: Store,
  principal: Principal,
  input: Omit<NewShare, 'target'> & { target: { type: ShareTarget['type']; id?: string; path?: string } },
  urlEndpoint: string,
  now = Date.now(),
): Promise<Share> {
  const expiresAt = input.expiresAt === undefined ? null : parseExpiry(input.expiresAt, now);
  const passwordHash = input.password === undefined ? null : await passwordHashOf(input.password);
  const located = await locateTarget(store, principal, input.target);
  const token = randomBytes(tokenBytes).toString('base64url');
  const actor: AuditActor = actorOf(principal);
  const share: ShareRecord = {
    shareId: newId(now),
    tokenHash: hashShareToken(token),
    targetType: located.targetType,
    target: located.target,
    title: input.title?.trim() || null,
    passwordHash,
    allowDownload: input.allowDownload,
    expiresAt,
    createdBy: actor,
    createdById: actor.id,
    createdAt: now,
    updatedAt: now,
  };
  await store.transaction(async (tx) => {
    await tx.shares.insert(share);
    await appendAudit(
      tx,
      actor,
      {
        action: 'share.create',
        ...(located.targetType === 'file' && { fileId: located.target }),
        path: located.path,
        target: auditTarget(share),
        changes: {
          expiresAt: { after: expiresAt === null ? null : new Date(expiresAt).toISOString() },
          hasPassword: { after: passwordHash !== null },
          allowDownload: { after: share.allowDownload },
        },
      },
      now,
    );
  });
  return toWireShare(share, shareUrl(urlEndpoint, token));
}

/** The caller's links (every link for keys and administrators), optionally those of one target. */
export async function listShares(
  store: Store,
  principal: Principal,
  query: { fileId?: string | undefined; folder?: string | undefined; collectionId?: string | undefined },
): Promise<Share[]> {
  const where: Parameters<Store['shares']['list']>[0] = {};
  if (!seesEveryLink(principal)) where.createdById = actorOf(principal).id;
  if (query.fileId !== undefined) Object.assign(where, { targetType: 'file', target: query.fileId });
  else if (query.folder !== undefined)
    Object.assign(where, { targetType: 'folder', target: normalizeFolder(query.folder) });
  else if (query.collectionId !== undefined)
    Object.assign(where, { targetType: 'collection', target: query.collectionId });
  const shares = await store.shares.list(where);
  // A session sees the links inside its folder only.
  const folder = principal.scope?.folder;
  const inside = (s: ShareRecord) =>
    folder === undefined || s.targetType !== 'folder' || s.target.startsWith(folder);
  return shares.filter(inside).map((s) => toWireShare(s));
}

/** Changes a link's expiry, password, download permission or title; the change holds at once. */
export async function updateShare(
  store: Store,
  principal: Principal,
  shareId: string,
  patch: SharePatchBody,
  now = Date.now(),
): Promise<Share> {
  const before = await ownShare(store, principal, shareId);
  const expiresAt =
    patch.expiresAt === undefined
      ? undefined
      : patch.expiresAt === null
        ? null
        : parseExpiry(patch.expiresAt, now);
  const passwordHash =
    patch.password === undefined
      ? undefined
      : patch.password === null
        ? null
        : await passwordHashOf(patch.password);
  const title = patch.title === undefined ? undefined : patch.title?.trim() || null;
  const after: ShareRecord = {
    ...before,
    ...(expiresAt !== undefined && { expiresAt }),
    ...(passwordHash !== undefined && { passwordHash }),
    ...(title !== undefined && { title }),
    ...(patch.allowDownload !== undefined && { allowDownload: patch.allowDownload }),
    updatedAt: now,
  };
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  const wireBefore = toWireShare(before);
  const wireAfter = toWireShare(after);
  for (const field of ['expiresAt', 'hasPassword', 'allowDownload', 'title'] as const) {
    if (wireBefore[field] !== wireAfter[field])
      changes[field] = { before: wireBefore[field], after: wireAfter[field] };
  }
  // A new password counts as a change even when there was one before.
  if (passwordHash && before.passwordHash) changes.password = { before: 'set', after: 'changed' };
  await store.transaction(async (tx) => {
    await tx.shares.update(shareId, {
      ...(expiresAt !== undefined && { expiresAt }),
      ...(passwordHash !== undefined && { passwordHash }),
      ...(title !== undefined && { title }),
      ...(patch.allowDownload !== undefined && { allowDownload: patch.allowDownload }),
      updatedAt: now,
    });
    await appendAudit(
      tx,
      actorOf(principal),
      { action: 'share.update', target: auditTarget(after), changes },
      now,
    );
  });
  return wireAfter;
}

/** Revokes a link: the row goes, so the next request for it, on any node, is a 404. */
export async function revokeShare(
  store: Store,
  principal: Principal,
  shareId: string,
  now = Date.now(),
): Promise<void> {
  const share = await ownShare(store, principal, shareId);
  await store.transaction(async (tx) => {
    await tx.shares.delete(shareId);
    await appendAudit(tx, actorOf(principal), { action: 'share.revoke', target: auditTarget(share) }, now);
  });
}

/** The live link a token opens: none for a malformed, unknown, revoked or expired one (all 404 alike). */
export async function openShare(
  store: Store,
  token: string,
  now = Date.now(),
): Promise<ShareRecord | undefined> {
  if (!tokenPattern.test(token)) return undefined;
  const share = await store.shares.byTokenHash(hashShareToken(token));
  if (!share || (share.expiresAt !== null && share.expiresAt <= now)) return undefined;
  return share;
}

/** The folder a link to a folder shows at `relative` (`a/b`), never above the shared folder. */
export function sharedFolderAt(share: ShareRecord, relative: string | undefined): string | undefined {
  if (share.targetType !== 'folder') return undefined;
  try {
    return normalizeFolder(`${share.target}${relative ?? ''}`);
  } catch {
    // `..` and other refused segments: not a folder of this link.
    return undefined;
  }
}

/** Whether a link covers a file: the file itself, in the folder's tree, or in the collection. Unpublished files never. */
export async function sharedFile(
  store: Store,
  share: ShareRecord,
  fileId: string,
): Promise<FileRecord | undefined> {
  const file = await store.files.get(fileId);
  if (!file?.isPublished) return undefined;
  if (share.targetType === 'file') return file.fileId === share.target ? file : undefined;
  if (share.targetType === 'folder') return file.folder.startsWith(share.target) ? file : undefined;
  const collection = await collectionFiles(store, null, share.target);
  return collection?.files.some((f) => f.fileId === file.fileId) ? file : undefined;
}

/** The name a link shows for what it opens, never a path above it. */
export async function sharedName(store: Store, share: ShareRecord): Promise<string> {
  if (share.title) return share.title;
  if (share.targetType === 'folder') return share.target.split('/').filter(Boolean).at(-1) ?? '/';
  if (share.targetType === 'file') return (await store.files.get(share.target))?.name ?? '';
  return (await collectionFiles(store, null, share.target))?.name ?? '';
}

/** How long a password's unlock cookie lasts. */
export const unlockMs = 12 * 3_600_000;

/**
 * The unlock cookie's value: an expiry and its HMAC keyed by the link's password hash, so any
 * node can check it without shared state, and a new password (or a revoke) ends every unlock.
 */
export function unlockValue(share: ShareRecord, now = Date.now()): string {
  const until = now + unlockMs;
  return `${until}.${unlockMac(share, until)}`;
}

const unlockMac = (share: ShareRecord, until: number) =>
  createHmac('sha256', share.passwordHash ?? '')
    .update(`${share.shareId}.${until}`)
    .digest('base64url');

export function isUnlocked(share: ShareRecord, cookieValue: string | undefined, now = Date.now()): boolean {
  if (share.passwordHash === null) return true;
  const [untilText, mac] = (cookieValue ?? '').split('.');
  const until = Number(untilText);
  if (!mac || !Number.isFinite(until) || until <= now) return false;
  const expected = Buffer.from(unlockMac(share, until));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
