import type {
  CommentAnchor,
  CommentThreads,
  CommentWriteResult,
  Comment as MediaComment,
  MentionCandidate,
  NotificationPage,
  NotificationSettings,
} from '../shared/comments.js';
import type { MediaClient, RequestOptions } from './media-client.js';

/** What a new comment says: text, and optionally the thread it answers, a pin, mentions. */
export interface NewComment {
  text: string;
  parentId?: string;
  versionId?: string;
  anchor?: CommentAnchor | null;
  mentions?: Array<{ type: 'user' | 'group'; id: string }>;
}

const fileComments = (fileId: string) => `/_ml/files/${encodeURIComponent(fileId)}/comments`;
const comment = (commentId: string) => `/_ml/comments/${encodeURIComponent(commentId)}`;

/** `GET /_ml/files/{id}/comments`: the file's threads with their replies. */
export const listComments = (client: MediaClient, fileId: string, options: RequestOptions = {}) =>
  client.request<CommentThreads>('GET', fileComments(fileId), options);

/** `POST /_ml/files/{id}/comments`. */
export const addComment = (client: MediaClient, fileId: string, input: NewComment) =>
  client.request<CommentWriteResult>('POST', fileComments(fileId), { json: input });

/** `PATCH /_ml/comments/{id}`: the author's new text. */
export const editComment = (
  client: MediaClient,
  commentId: string,
  input: Pick<NewComment, 'text' | 'mentions'>,
) => client.request<CommentWriteResult>('PATCH', comment(commentId), { json: input });

/** `DELETE /_ml/comments/{id}`. */
export const removeComment = (client: MediaClient, commentId: string) =>
  client.request<void>('DELETE', comment(commentId));

/** `POST /_ml/comments/{id}/resolve` or `/reopen`. */
export const resolveThread = (client: MediaClient, commentId: string, resolved: boolean) =>
  client.request<MediaComment>('POST', `${comment(commentId)}/${resolved ? 'resolve' : 'reopen'}`);

/** `POST` / `DELETE /_ml/files/{id}/watch`. */
export const watchFile = (client: MediaClient, fileId: string, watching: boolean) =>
  client.request<{ watching: boolean }>(
    watching ? 'POST' : 'DELETE',
    `/_ml/files/${encodeURIComponent(fileId)}/watch`,
  );

/** `GET /_ml/mentionable?q=`: users and groups to offer after `@`. */
export const mentionable = (client: MediaClient, q: string, options: RequestOptions = {}) =>
  client.request<MentionCandidate[]>('GET', '/_ml/mentionable', { query: { q }, ...options });

/** `GET /_ml/comment-counts?fileIds=`: comments and open threads per file (at most 100 ids). */
export const commentCounts = (client: MediaClient, fileIds: string[], options: RequestOptions = {}) =>
  client.request<Record<string, { count: number; open: number }>>('GET', '/_ml/comment-counts', {
    query: { fileIds: fileIds.join(',') },
    ...options,
  });

/** `GET /_ml/notifications`: newest first, a page at a time. */
export const listNotifications = (
  client: MediaClient,
  query: { unread?: boolean; cursor?: string } = {},
  options: RequestOptions = {},
) =>
  client.request<NotificationPage>('GET', '/_ml/notifications', {
    query: {
      ...(query.unread && { unread: 'true' }),
      ...(query.cursor && { cursor: query.cursor }),
    },
    ...options,
  });

/** `POST /_ml/notifications/read`: some by id, or all. */
export const markNotificationsRead = (client: MediaClient, ids: string[] | 'all') =>
  client.request<{ updated: number; unread: number }>('POST', '/_ml/notifications/read', {
    json: ids === 'all' ? { all: true } : { ids },
  });

/** `GET` / `PUT /_ml/notifications/settings`. */
export const notificationSettings = (client: MediaClient, settings?: NotificationSettings) =>
  client.request<NotificationSettings>(settings ? 'PUT' : 'GET', '/_ml/notifications/settings', {
    ...(settings && { json: settings }),
  });
