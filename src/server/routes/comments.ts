import { Type } from '@fastify/type-provider-typebox';
import { maxCommentLength, notificationKinds } from '../../shared/comments.js';
import type { ServerContext } from '../context.js';
import {
  commentCounts,
  createComment,
  deleteComment,
  listComments,
  mentionCandidates,
  setResolved,
  setWatching,
  updateComment,
} from '../library/comments.js';
import { normalizeFolder } from '../library/naming.js';
import {
  getNotificationSettings,
  listNotifications,
  markNotificationsRead,
  putNotificationSettings,
  requireUser,
} from '../library/notifications.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringEnum, withMessages } from './schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const FileParams = Type.Object({ fileId: Id });
const CommentParams = Type.Object({ commentId: Id });

const Fraction = Type.Number({ minimum: 0, maximum: 1 });
const Anchor = Type.Object(
  { x: Fraction, y: Fraction, width: Type.Optional(Fraction), height: Type.Optional(Fraction) },
  { additionalProperties: false },
);
const MentionRef = Type.Object(
  { type: StringEnum(['user', 'group']), id: Id },
  { additionalProperties: false },
);
// The schema bounds what is parsed; the library answers the real limit with its own message.
const Text = withMessages(Type.String({ maxLength: maxCommentLength * 4 }), {
  maxLength: `A comment may be at most ${maxCommentLength} characters. Shorten it or split it into replies.`,
  type: 'text must be a string.',
});
const NewComment = Type.Object(
  {
    text: Text,
    parentId: Type.Optional(Id),
    versionId: Type.Optional(Id),
    anchor: Type.Optional(Type.Union([Anchor, Type.Null()])),
    mentions: Type.Optional(Type.Array(MentionRef, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const CommentPatchBody = Type.Object(
  {
    text: Text,
    anchor: Type.Optional(Type.Union([Anchor, Type.Null()])),
    mentions: Type.Optional(Type.Array(MentionRef, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const NotificationsQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean()),
    cursor: Type.Optional(Type.String({ maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
const ReadBody = Type.Object(
  { ids: Type.Optional(Type.Array(Id, { maxItems: 1000 })), all: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const SettingsBody = Type.Object(
  {
    kinds: Type.Array(StringEnum(notificationKinds), { maxItems: notificationKinds.length }),
    email: StringEnum(['off', 'immediate', 'daily']),
  },
  { additionalProperties: false },
);
const WatchFolderBody = Type.Object({ path: Type.String({ minLength: 1, maxLength: 1024 }) });

/** After a write is in: wake the streams of who got notified, and send immediate emails. */
function announce(ctx: ServerContext, notified: string[]): void {
  if (notified.length === 0) return;
  ctx.notificationHub.publish(notified);
  void ctx.notificationMailer.send('immediate');
}

/**
 * Comments on files, watching, and the notification center (docs/comments.md). Commenting
 * needs `view` on the file and a DAM user (cookie or a session token's `user`): it is a write of
 * the user's own, so read-only sessions for a user may comment. Keys may read threads.
 */
export const commentRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'read', rateGroup: 'comments', session: true } as const;

  app.get('/_ml/files/:fileId/comments', { schema: { params: FileParams }, config }, async (request) =>
    listComments(ctx.store, request.principal, request.params.fileId),
  );

  app.post(
    '/_ml/files/:fileId/comments',
    { schema: { params: FileParams, body: NewComment }, config },
    async (request, reply) => {
      const { notified, ...result } = await createComment(
        ctx.store,
        request.principal,
        request.params.fileId,
        request.body,
      );
      announce(ctx, notified);
      reply.code(201);
      return result;
    },
  );

  app.patch(
    '/_ml/comments/:commentId',
    { schema: { params: CommentParams, body: CommentPatchBody }, config },
    async (request) => {
      const { notified, ...result } = await updateComment(
        ctx.store,
        request.principal,
        request.params.commentId,
        request.body,
      );
      announce(ctx, notified);
      return result;
    },
  );

  app.delete(
    '/_ml/comments/:commentId',
    { schema: { params: CommentParams }, config },
    async (request, reply) => {
      await deleteComment(ctx.store, request.principal, request.params.commentId);
      reply.code(204).send();
    },
  );

  for (const [action, resolved] of [
    ['resolve', true],
    ['reopen', false],
  ] as const) {
    app.post(
      `/_ml/comments/:commentId/${action}`,
      { schema: { params: CommentParams }, config },
      async (request) => {
        const { notified, comment } = await setResolved(
          ctx.store,
          request.principal,
          request.params.commentId,
          resolved,
        );
        announce(ctx, notified);
        return comment;
      },
    );
  }

  app.post('/_ml/files/:fileId/watch', { schema: { params: FileParams }, config }, async (request) =>
    setWatching(ctx.store, request.principal, { type: 'file', id: request.params.fileId }, true),
  );
  app.delete('/_ml/files/:fileId/watch', { schema: { params: FileParams }, config }, async (request) =>
    setWatching(ctx.store, request.principal, { type: 'file', id: request.params.fileId }, false),
  );
  app.post('/_ml/folders/watch', { schema: { body: WatchFolderBody }, config }, async (request) =>
    setWatching(
      ctx.store,
      request.principal,
      { type: 'folder', path: normalizeFolder(request.body.path) },
      true,
    ),
  );
  app.delete('/_ml/folders/watch', { schema: { body: WatchFolderBody }, config }, async (request) =>
    setWatching(
      ctx.store,
      request.principal,
      { type: 'folder', path: normalizeFolder(request.body.path) },
      false,
    ),
  );

  app.get(
    '/_ml/comment-counts',
    {
      schema: { querystring: Type.Object({ fileIds: Type.String({ maxLength: 100 * 101 }) }) },
      config,
    },
    async (request) =>
      commentCounts(
        ctx.store,
        request.principal,
        request.query.fileIds.split(',').filter(Boolean).slice(0, 100),
      ),
  );

  app.get(
    '/_ml/mentionable',
    { schema: { querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }) }, config },
    async (request) => mentionCandidates(ctx.store, request.principal, request.query.q ?? ''),
  );

  app.get('/_ml/notifications', { schema: { querystring: NotificationsQuery }, config }, async (request) =>
    listNotifications(ctx.store, request.principal, request.query),
  );

  app.post('/_ml/notifications/read', { schema: { body: ReadBody }, config }, async (request) => {
    const result = await markNotificationsRead(ctx.store, request.principal, request.body);
    await ctx.notificationHub.sendUnread(request.principal!.user!.id);
    return result;
  });

  app.get('/_ml/notifications/settings', { config }, async (request) =>
    getNotificationSettings(ctx.store, request.principal),
  );
  app.put('/_ml/notifications/settings', { schema: { body: SettingsBody }, config }, async (request) =>
    putNotificationSettings(ctx.store, request.principal, request.body),
  );

  app.get(
    '/_ml/notifications/stream',
    {
      schema: { querystring: Type.Object({ since: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })) }) },
      // Open for as long as the page is: not traffic AI jobs wait for.
      config: { access: 'read', session: true, background: true },
    },
    async (request, reply) => {
      const user = requireUser(request.principal);
      const lastEventId = request.headers['last-event-id'];
      const given =
        typeof lastEventId === 'string' && /^\d{1,15}$/.test(lastEventId) ? lastEventId : request.query.since;
      // A new stream starts at "now": the unread count comes first, then whatever is new.
      const lastSeq =
        given !== undefined
          ? Number(given)
          : ((await ctx.store.notifications.page(user.id, { limit: 1 }))[0]?.seq ?? 0);
      const unread = await ctx.store.notifications.unreadCount(user.id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: 3000\nevent: unread\ndata: ${JSON.stringify({ unread })}\n\n`);
      ctx.notificationHub.attach(user.id, raw, lastSeq);
    },
  );
};
