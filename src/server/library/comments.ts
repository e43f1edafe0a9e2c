import {
  type Comment,
  type CommentAnchor,
  type CommentThreads,
  type CommentWriteResult,
  type Mention,
  type MentionCandidate,
  maxCommentLength,
} from '../../shared/comments.js';
import type { Principal } from '../auth/principal.js';
import { assertFileVisible, isPathInScope } from '../auth/scope.js';
import { badRequest, forbidden, messages, notFound } from '../errors.js';
import type { CommentRecord, FileRecord, Store } from '../store/store.js';
import { actorOf, appendAudit } from './audit.js';
import { newId } from './ids.js';
import { type Pending, requireUser, storeNotifications, userCanSee, usersOf } from './notifications.js';

/** What a write asks of the live streams and the mailer once its transaction is in. */
export interface CommentEffects {
  /** Users with a new notification. */
  notified: string[];
}

export interface CommentInput {
  text: string;
  parentId?: string | undefined;
  versionId?: string | undefined;
  anchor?: CommentAnchor | null | undefined;
  mentions?: Array<{ type: 'user' | 'group'; id: string }> | undefined;
}

/** The file, when it exists and the caller may see it; 404 otherwise (deleted and invisible alike). */
async function visibleFile(store: Store, principal: Principal | null, fileId: string): Promise<FileRecord> {
  const file = await store.files.get(fileId);
  if (!file) throw notFound(messages.fileNotFound);
  assertFileVisible(principal, file);
  return file;
}

/** The comment, when it exists on a file the caller may see. */
async function visibleComment(
  store: Store,
  principal: Principal | null,
  commentId: string,
): Promise<{ comment: CommentRecord; file: FileRecord }> {
  const comment = await store.comments.get(commentId);
  if (!comment) throw notFound('There is no such comment.', { reason: 'COMMENT_NOT_FOUND' });
  const file = await visibleFile(store, principal, comment.fileId);
  return { comment, file };
}

const isControl = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

function checkText(text: string): string {
  // Line breaks are kept; other control characters have no place in a comment.
  const cleaned = [...text.replace(/\r\n?/g, '\n')]
    .filter((c) => c === '\n' || c === '\t' || !isControl(c))
    .join('');
  if (cleaned.trim() === '') {
    throw badRequest('A comment needs some text.', { reason: 'COMMENT_EMPTY' });
  }
  if (cleaned.length > maxCommentLength) {
    throw badRequest(
      `A comment may be at most ${maxCommentLength} characters; this one has ${cleaned.length}. Shorten it or split it into replies.`,
      { reason: 'COMMENT_TOO_LONG' },
    );
  }
  return cleaned;
}

function checkAnchor(anchor: CommentAnchor | null | undefined): CommentAnchor | null {
  if (!anchor) return null;
  const { x, y, width, height } = anchor;
  if ((width === undefined) !== (height === undefined) || x + (width ?? 0) > 1 || y + (height ?? 0) > 1) {
    throw badRequest(
      'anchor is a point {x, y} or a rectangle {x, y, width, height} inside the image, each from 0 to 1.',
      { reason: 'INVALID_ANCHOR' },
    );
  }
  return width === undefined ? { x, y } : { x, y, width, height: height! };
}

/** `@someone@example.com` in the text mentions that user, as the composer's picks do. */
const emailMention = /(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g;

/** Resolves the sent mentions and the `@email` ones in the text; a missing user or group is a 400. */
async function resolveMentions(
  store: Store,
  text: string,
  sent: CommentInput['mentions'],
): Promise<Mention[]> {
  const mentions = new Map<string, Mention>();
  for (const mention of sent ?? []) {
    const found =
      mention.type === 'user' ? await store.users.find(mention.id) : await store.groups.find(mention.id);
    if (!found) {
      throw badRequest(`There is no ${mention.type} with id ${mention.id} to mention.`, {
        reason: 'MENTION_NOT_FOUND',
      });
    }
    mentions.set(`${mention.type}:${mention.id}`, { type: mention.type, id: mention.id });
  }
  for (const match of text.matchAll(emailMention)) {
    const user = await store.users.findByEmail(match[1]!.toLowerCase().replace(/\.$/, ''));
    if (user) mentions.set(`user:${user.userId}`, { type: 'user', id: user.userId });
  }
  return [...mentions.values()];
}

/** Names for the ids a comment refers to (authors, mentions), read once per answer. */
class Names {
  readonly #store: Store;
  readonly #users = new Map<string, string>();
  readonly #groups = new Map<string, string>();

  constructor(store: Store) {
    this.#store = store;
  }

  async user(id: string): Promise<string> {
    if (!this.#users.has(id)) {
      const user = await this.#store.users.find(id);
      this.#users.set(id, user ? user.name || user.email : 'Deleted user');
    }
    return this.#users.get(id)!;
  }

  async group(id: string): Promise<string> {
    if (!this.#groups.has(id))
      this.#groups.set(id, (await this.#store.groups.find(id))?.name ?? 'Deleted group');
    return this.#groups.get(id)!;
  }

  async mention(m: Mention): Promise<Mention> {
    return { ...m, name: m.type === 'user' ? await this.user(m.id) : await this.group(m.id) };
  }
}

async function toWireComment(record: CommentRecord, names: Names): Promise<Comment> {
  const deleted = record.deletedAt !== null;
  const comment: Comment = {
    id: record.commentId,
    fileId: record.fileId,
    versionId: record.versionId,
    parentId: record.parentId,
    author: { id: record.authorId, name: await names.user(record.authorId) },
    text: deleted ? '' : record.body,
    mentions: deleted ? [] : await Promise.all(record.mentions.map((m) => names.mention(m))),
    anchor: deleted ? null : record.anchor,
    createdAt: new Date(record.createdAt).toISOString(),
    editedAt: record.editedAt === null ? null : new Date(record.editedAt).toISOString(),
    deleted,
  };
  if (record.parentId === null) {
    comment.resolved = record.resolvedAt !== null;
    comment.resolvedAt = record.resolvedAt === null ? null : new Date(record.resolvedAt).toISOString();
    comment.resolvedBy =
      record.resolvedBy === null
        ? null
        : { id: record.resolvedBy, name: await names.user(record.resolvedBy) };
  }
  return comment;
}

/** A file's threads with their replies, oldest first. Anyone who sees the file may read them. */
export async function listComments(
  store: Store,
  principal: Principal | null,
  fileId: string,
): Promise<CommentThreads> {
  await visibleFile(store, principal, fileId);
  const records = await store.comments.ofFile(fileId);
  const names = new Names(store);
  const threads: Comment[] = [];
  const byId = new Map<string, Comment>();
  for (const record of records) {
    if (record.parentId !== null) continue;
    const thread = await toWireComment(record, names);
    thread.replies = [];
    byId.set(thread.id, thread);
    threads.push(thread);
  }
  for (const record of records) {
    if (record.parentId === null) continue;
    const thread = byId.get(record.parentId);
    if (thread) thread.replies = [...(thread.replies ?? []), await toWireComment(record, names)];
  }
  const live = records.filter((r) => r.deletedAt === null);
  const userId = principal?.user?.id;
  return {
    threads,
    count: live.length,
    open: live.filter((r) => r.parentId === null && r.resolvedAt === null).length,
    watching:
      userId !== undefined &&
      (await store.notifications.isWatching({ userId, targetType: 'file', target: fileId })),
  };
}

/**
 * Who hears of a comment: the mentioned who can see the file (the rest are answered to the
 * writer), the thread's author and everyone watching the file. Mentioned users start watching.
 */
async function notifyAbout(
  store: Store,
  file: FileRecord,
  comment: CommentRecord,
  author: { id: string; name: string },
  newMentions: Mention[],
  now: number,
  alsoWatchers: boolean,
): Promise<{ notified: string[]; unreachable: Mention[] }> {
  const pending: Pending[] = [];
  const base = {
    fileId: file.fileId,
    commentId: comment.commentId,
    folder: null,
    actorId: author.id,
    actorName: author.name,
    excerpt: comment.body.slice(0, 280),
  };
  const unreachable: Mention[] = [];
  const names = new Names(store);
  for (const mention of newMentions) {
    let reached = 0;
    for (const userId of await usersOf(store, mention)) {
      if (!(await userCanSee(store, userId, file.filePath, file.fileId))) {
        if (mention.type === 'user') unreachable.push(await names.mention(mention));
        continue;
      }
      reached++;
      pending.push({ ...base, userId, kind: 'mention' });
      await store.notifications.watch({ userId, targetType: 'file', target: file.fileId, createdAt: now });
    }
    if (mention.type === 'group' && reached === 0) unreachable.push(await names.mention(mention));
  }
  if (alsoWatchers) {
    if (comment.parentId !== null) {
      const thread = await store.comments.get(comment.parentId);
      if (thread) pending.push({ ...base, userId: thread.authorId, kind: 'reply' });
    }
    for (const userId of await store.notifications.watchers({ fileId: file.fileId })) {
      // A watcher who lost access to the file hears nothing of it.
      if (await userCanSee(store, userId, file.filePath, file.fileId))
        pending.push({ ...base, userId, kind: comment.parentId === null ? 'comment' : 'reply' });
    }
  }
  return { notified: await storeNotifications(store, pending, now), unreachable };
}

export async function createComment(
  store: Store,
  principal: Principal | null,
  fileId: string,
  input: CommentInput,
): Promise<CommentWriteResult & CommentEffects> {
  const user = requireUser(principal);
  const text = checkText(input.text);
  const anchor = checkAnchor(input.anchor);
  return store.transaction(async (tx) => {
    const file = await visibleFile(tx, principal, fileId);
    let parentId: string | null = null;
    if (input.parentId !== undefined) {
      const parent = await tx.comments.get(input.parentId);
      if (!parent || parent.fileId !== fileId) {
        throw notFound('There is no such comment on this file to reply to.', { reason: 'COMMENT_NOT_FOUND' });
      }
      // Replies are one level deep: a reply to a reply joins its thread.
      parentId = parent.parentId ?? parent.commentId;
    }
    if (input.versionId !== undefined && !(await tx.files.version(fileId, input.versionId))) {
      throw badRequest('versionId is not a version of this file.', { reason: 'VERSION_NOT_FOUND' });
    }
    const mentions = await resolveMentions(tx, text, input.mentions);
    const now = Date.now();
    const comment: CommentRecord = {
      commentId: newId(now),
      fileId,
      versionId: input.versionId ?? null,
      parentId,
      authorId: user.id,
      body: text,
      mentions,
      anchor: parentId === null ? anchor : null,
      resolvedAt: null,
      resolvedBy: null,
      createdAt: now,
      editedAt: null,
      deletedAt: null,
    };
    await tx.comments.insert(comment);
    await appendAudit(
      tx,
      actorOf(principal),
      {
        action: 'comment.create',
        fileId,
        path: file.filePath,
        target: { commentId: comment.commentId, ...(parentId && { parentId }) },
        changes: { text: { before: null, after: text } },
      },
      now,
    );
    const { notified, unreachable } = await notifyAbout(tx, file, comment, user, mentions, now, true);
    await tx.notifications.watch({ userId: user.id, targetType: 'file', target: fileId, createdAt: now });
    return {
      comment: await toWireComment(comment, new Names(tx)),
      unreachableMentions: unreachable,
      notified,
    };
  });
}

/** Only the author changes or deletes a comment. */
function assertAuthor(principal: Principal | null, comment: CommentRecord): NonNullable<Principal['user']> {
  const user = requireUser(principal);
  if (comment.authorId !== user.id) {
    throw forbidden('Only the person who wrote a comment may change or delete it.', {
      reason: 'NOT_COMMENT_AUTHOR',
    });
  }
  if (comment.deletedAt !== null) {
    throw notFound('This comment was deleted.', { reason: 'COMMENT_NOT_FOUND' });
  }
  return user;
}

export async function updateComment(
  store: Store,
  principal: Principal | null,
  commentId: string,
  input: Pick<CommentInput, 'text' | 'mentions' | 'anchor'>,
): Promise<CommentWriteResult & CommentEffects> {
  return store.transaction(async (tx) => {
    const { comment, file } = await visibleComment(tx, principal, commentId);
    const user = assertAuthor(principal, comment);
    const text = checkText(input.text);
    const mentions = await resolveMentions(tx, text, input.mentions);
    const now = Date.now();
    const known = new Set(comment.mentions.map((m) => `${m.type}:${m.id}`));
    const added = mentions.filter((m) => !known.has(`${m.type}:${m.id}`));
    const updated: CommentRecord = {
      ...comment,
      body: text,
      mentions,
      editedAt: now,
      ...(input.anchor !== undefined && comment.parentId === null && { anchor: checkAnchor(input.anchor) }),
    };
    await tx.comments.update(commentId, {
      body: updated.body,
      mentions: updated.mentions,
      editedAt: now,
      ...(updated.anchor !== comment.anchor && { anchor: updated.anchor }),
    });
    await appendAudit(
      tx,
      actorOf(principal),
      {
        action: 'comment.update',
        fileId: file.fileId,
        path: file.filePath,
        target: { commentId },
        changes: { text: { before: comment.body, after: text } },
      },
      now,
    );
    // Only the newly mentioned hear of an edit.
    const { notified, unreachable } = await notifyAbout(tx, file, updated, user, added, now, false);
    return {
      comment: await toWireComment(updated, new Names(tx)),
      unreachableMentions: unreachable,
      notified,
    };
  });
}

/** Deletes a comment; a thread that still has replies stays as "comment deleted". */
export async function deleteComment(
  store: Store,
  principal: Principal | null,
  commentId: string,
): Promise<void> {
  await store.transaction(async (tx) => {
    const { comment, file } = await visibleComment(tx, principal, commentId);
    assertAuthor(principal, comment);
    const now = Date.now();
    if (comment.parentId === null && (await tx.comments.liveReplies(commentId)) > 0) {
      await tx.comments.update(commentId, { body: '', mentions: [], deletedAt: now });
    } else {
      await tx.comments.delete(commentId);
      // The last reply under a deleted thread takes the thread with it.
      if (comment.parentId !== null) {
        const thread = await tx.comments.get(comment.parentId);
        if (thread?.deletedAt !== null && thread && (await tx.comments.liveReplies(thread.commentId)) === 0) {
          await tx.comments.delete(thread.commentId);
        }
      }
    }
    await appendAudit(
      tx,
      actorOf(principal),
      { action: 'comment.delete', fileId: file.fileId, path: file.filePath, target: { commentId } },
      now,
    );
  });
}

/** Resolves or reopens a thread; whoever may comment on the file may. The thread's author hears of a resolve. */
export async function setResolved(
  store: Store,
  principal: Principal | null,
  commentId: string,
  resolved: boolean,
): Promise<{ comment: Comment } & CommentEffects> {
  const user = requireUser(principal);
  return store.transaction(async (tx) => {
    const { comment, file } = await visibleComment(tx, principal, commentId);
    if (comment.parentId !== null) {
      throw badRequest('Only a thread (its first comment) is resolved or reopened, not a reply.', {
        reason: 'NOT_A_THREAD',
      });
    }
    const now = Date.now();
    const updated: CommentRecord = {
      ...comment,
      resolvedAt: resolved ? (comment.resolvedAt ?? now) : null,
      resolvedBy: resolved ? (comment.resolvedBy ?? user.id) : null,
    };
    await tx.comments.update(commentId, { resolvedAt: updated.resolvedAt, resolvedBy: updated.resolvedBy });
    await appendAudit(
      tx,
      actorOf(principal),
      {
        action: resolved ? 'comment.resolve' : 'comment.reopen',
        fileId: file.fileId,
        path: file.filePath,
        target: { commentId },
      },
      now,
    );
    const notified =
      resolved && comment.resolvedAt === null
        ? await storeNotifications(
            tx,
            [
              {
                userId: comment.authorId,
                kind: 'resolved',
                fileId: file.fileId,
                commentId,
                folder: null,
                actorId: user.id,
                actorName: user.name || user.email,
                excerpt: comment.body.slice(0, 280),
              },
            ],
            now,
          )
        : [];
    return { comment: await toWireComment(updated, new Names(tx)), notified };
  });
}

/** Watches or stops watching a file (`target` an id) or folder (`/a/b/`) the caller can see. */
export async function setWatching(
  store: Store,
  principal: Principal | null,
  target: { type: 'file'; id: string } | { type: 'folder'; path: string },
  watching: boolean,
): Promise<{ watching: boolean }> {
  const user = requireUser(principal);
  if (
    target.type === 'folder' &&
    ((target.path !== '/' && !(await store.folders.get(target.path))) ||
      !isPathInScope(principal, target.path))
  ) {
    throw notFound(messages.folderNotFound(target.path), { reason: 'FOLDER_NOT_FOUND' });
  }
  const key =
    target.type === 'file'
      ? {
          userId: user.id,
          targetType: 'file' as const,
          target: (await visibleFile(store, principal, target.id)).fileId,
        }
      : { userId: user.id, targetType: 'folder' as const, target: target.path };
  if (watching) await store.notifications.watch({ ...key, createdAt: Date.now() });
  else await store.notifications.unwatch(key);
  return { watching };
}

/**
 * Users and groups the composer offers after `@`: by name or email, at most `limit`. Any signed-in
 * user may look (it needs the names to mention), but sees only names and emails.
 */
export async function mentionCandidates(
  store: Store,
  principal: Principal | null,
  query: string,
  limit = 8,
): Promise<MentionCandidate[]> {
  requireUser(principal);
  const q = query.trim().toLowerCase();
  const users = (await store.users.list())
    .filter((u) => u.status === 'active')
    .filter((u) => q === '' || u.name.toLowerCase().includes(q) || u.email.includes(q))
    .map((u): MentionCandidate => ({ type: 'user', id: u.userId, name: u.name || u.email, email: u.email }));
  const groups = (await store.groups.list())
    .filter((g) => q === '' || g.name.toLowerCase().includes(q))
    .map((g): MentionCandidate => ({ type: 'group', id: g.groupId, name: g.name }));
  const starts = (c: MentionCandidate) =>
    c.name.toLowerCase().startsWith(q) || (c.email?.startsWith(q) ?? false) ? 0 : 1;
  return [...users, ...groups]
    .sort((a, b) => starts(a) - starts(b) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** Per file: comments and open threads, for the grid's badge (only files the caller sees are answered). */
export async function commentCounts(
  store: Store,
  principal: Principal | null,
  fileIds: string[],
): Promise<Record<string, { count: number; open: number }>> {
  // One query for the counts; visibility is checked only for the few files that have comments.
  const counts = await store.comments.countsOf(fileIds);
  const answer: Record<string, { count: number; open: number }> = {};
  for (const [fileId, count] of counts) {
    const file = await store.files.get(fileId);
    if (file && isPathInScope(principal, file.filePath, file.fileId)) answer[fileId] = count;
  }
  return answer;
}
