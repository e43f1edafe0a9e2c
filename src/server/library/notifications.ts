import {
  type EmailDigest,
  type Notification,
  type NotificationKind,
  type NotificationPage,
  type NotificationSettings,
  notificationKinds,
} from '../../shared/comments.js';
import type { Principal } from '../auth/principal.js';
import { isPathInScope } from '../auth/scope.js';
import { foldersAbove, loadUserAccess } from '../auth/user-access.js';
import { badRequest, forbidden } from '../errors.js';
import type { NewNotificationRecord, NotificationRecord, Store } from '../store/store.js';
import { newId } from './ids.js';

/** Notifications a page answers at most. */
export const notificationPageSize = 50;

export const toWireNotification = (record: NotificationRecord): Notification => ({
  id: record.notificationId,
  seq: record.seq,
  kind: record.kind,
  fileId: record.fileId,
  commentId: record.commentId,
  folder: record.folder,
  actor: { id: record.actorId, name: record.actorName },
  excerpt: record.excerpt,
  createdAt: new Date(record.createdAt).toISOString(),
  read: record.readAt !== null,
});

/**
 * Comments and notifications belong to a DAM user: a signed-in one, or a session token's `user`.
 * API keys and sessions without a user may read threads but not write them, and have no notifications.
 */
export function requireUser(principal: Principal | null): NonNullable<Principal['user']> {
  if (principal?.user) return principal.user;
  throw forbidden(
    'Comments and notifications belong to a person. Sign in, or use a session token whose token endpoint names the user (the `user` claim).',
    { reason: 'USER_REQUIRED' },
  );
}

/** `cursor` of `GET /_ml/notifications`: the seq the next page starts below. */
function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (!/^\d{1,15}$/.test(cursor)) {
    throw badRequest('cursor must be the nextCursor of the previous page.', { reason: 'INVALID_CURSOR' });
  }
  return Number(cursor);
}

export async function listNotifications(
  store: Store,
  principal: Principal | null,
  query: { unread?: boolean | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<NotificationPage> {
  const user = requireUser(principal);
  const limit = Math.min(query.limit ?? notificationPageSize, 200);
  const beforeSeq = parseCursor(query.cursor);
  const records = await store.notifications.page(user.id, {
    unread: query.unread === true,
    limit: limit + 1,
    ...(beforeSeq !== undefined && { beforeSeq }),
  });
  const page: NotificationPage = {
    notifications: records.slice(0, limit).map(toWireNotification),
    unread: await store.notifications.unreadCount(user.id),
  };
  if (records.length > limit) page.nextCursor = String(records[limit - 1]!.seq);
  return page;
}

export async function markNotificationsRead(
  store: Store,
  principal: Principal | null,
  body: { ids?: string[] | undefined; all?: boolean | undefined },
): Promise<{ updated: number; unread: number }> {
  const user = requireUser(principal);
  if (body.all !== true && body.ids === undefined) {
    throw badRequest('Send {"ids": [...]} or {"all": true}.', { reason: 'INVALID_PARAMETER' });
  }
  const updated = await store.notifications.markRead(
    user.id,
    body.all === true ? 'all' : body.ids!,
    Date.now(),
  );
  return { updated, unread: await store.notifications.unreadCount(user.id) };
}

export async function getNotificationSettings(
  store: Store,
  principal: Principal | null,
): Promise<NotificationSettings> {
  const user = requireUser(principal);
  const saved = await store.notifications.settings(user.id);
  return {
    kinds: notificationKinds.filter((kind) => !saved?.mutedKinds.includes(kind)),
    email: saved?.email ?? 'off',
  };
}

export async function putNotificationSettings(
  store: Store,
  principal: Principal | null,
  body: { kinds: NotificationKind[]; email: EmailDigest },
): Promise<NotificationSettings> {
  const user = requireUser(principal);
  await store.notifications.putSettings({
    userId: user.id,
    mutedKinds: notificationKinds.filter((kind) => !body.kinds.includes(kind)),
    email: body.email,
    updatedAt: Date.now(),
  });
  return getNotificationSettings(store, principal);
}

/** One notification to make, for a user, before the user's settings are applied. */
export type Pending = Omit<NewNotificationRecord, 'notificationId' | 'createdAt' | 'readAt' | 'emailedAt'>;

/**
 * Stores notifications (one per user and event: the first of a user's wins, so a mention is not
 * also a "new comment"), leaving out the kinds each user muted and the actor's own. Answers who
 * got one, for the live streams.
 */
export async function storeNotifications(
  store: Store,
  pending: Pending[],
  now = Date.now(),
): Promise<string[]> {
  const byUser = new Map<string, Pending>();
  for (const item of pending) {
    if (item.userId === item.actorId || byUser.has(item.userId)) continue;
    byUser.set(item.userId, item);
  }
  if (byUser.size === 0) return [];
  const muted = new Map(
    (await store.notifications.settingsOf([...byUser.keys()])).map((s) => [s.userId, s.mutedKinds]),
  );
  const records: NewNotificationRecord[] = [];
  for (const item of byUser.values()) {
    if (muted.get(item.userId)?.includes(item.kind)) continue;
    records.push({ ...item, notificationId: newId(now), createdAt: now, readAt: null, emailedAt: null });
  }
  await store.notifications.insert(records);
  return records.map((r) => r.userId);
}

/** The users a principal names: the user, or every user in the group and the groups inside it. */
export async function usersOf(
  store: Store,
  principal: { type: 'user' | 'group'; id: string },
): Promise<string[]> {
  if (principal.type === 'user') return [principal.id];
  const users = new Set<string>();
  const seen = new Set<string>();
  const queue = [principal.id];
  while (queue.length > 0) {
    const group = queue.pop()!;
    if (seen.has(group)) continue;
    seen.add(group);
    for (const member of await store.groups.members(group)) {
      if (member.type === 'user') users.add(member.id);
      else queue.push(member.id);
    }
  }
  return [...users];
}

/** Whether a user (active) may see a file or folder path: its grants reach it, or it is an admin or manager. */
export async function userCanSee(
  store: Store,
  userId: string,
  path: string,
  fileId?: string,
): Promise<boolean> {
  const record = await store.users.find(userId);
  if (record?.status !== 'active') return false;
  const user = await loadUserAccess(store, record);
  return isPathInScope({ user }, path, fileId);
}

/** A grant was made: its principal's users (who can now see the target) hear of it. */
export async function notifyShared(
  store: Store,
  actor: Principal | null,
  grant: { principal: { type: 'user' | 'group'; id: string }; target: string; fileId?: string; path: string },
): Promise<string[]> {
  const pending: Pending[] = [];
  for (const userId of await usersOf(store, grant.principal)) {
    pending.push({
      userId,
      kind: 'share',
      fileId: grant.fileId ?? null,
      commentId: null,
      folder: grant.fileId ? null : grant.target,
      actorId: actor?.user?.id ?? null,
      actorName: actor?.user?.name ?? actor?.keyName ?? 'An administrator',
      excerpt: grant.path,
    });
  }
  return storeNotifications(store, pending);
}

/** A new file in a folder: whoever watches that folder or one above it, and can see the file, hears of it. */
export async function notifyUploaded(
  store: Store,
  actor: Principal | null,
  file: { fileId: string; filePath: string },
): Promise<string[]> {
  const watchers = await store.notifications.watchers({ folders: foldersAbove(file.filePath) });
  const pending: Pending[] = [];
  for (const userId of watchers) {
    if (userId === actor?.user?.id || !(await userCanSee(store, userId, file.filePath, file.fileId)))
      continue;
    pending.push({
      userId,
      kind: 'upload',
      fileId: file.fileId,
      commentId: null,
      folder: file.filePath.slice(0, file.filePath.lastIndexOf('/') + 1),
      actorId: actor?.user?.id ?? null,
      actorName: actor?.user?.name ?? actor?.keyName ?? 'Someone',
      excerpt: file.filePath,
    });
  }
  return storeNotifications(store, pending);
}
