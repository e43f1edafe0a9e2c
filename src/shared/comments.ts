/**
 * Wire types of comments, watching and notifications (`/_ml/files/{id}/comments`,
 * `/_ml/comments/{id}`, `/_ml/notifications`; docs/comments.md).
 */

/** The longest comment body, in characters. */
export const maxCommentLength = 5000;

/** Someone a comment mentions: a user or a group, by id. */
export interface Mention {
  type: 'user' | 'group';
  id: string;
  /** The user's or group's name when the comment was read. */
  name?: string;
}

/** A point (`x`, `y`) or a rectangle (with `width`, `height`) on the image, each 0–1 of its size. */
export interface CommentAnchor {
  x: number;
  y: number;
  width?: number;
  height?: number;
}

export interface CommentAuthor {
  id: string;
  name: string;
}

/** One comment; a thread is a comment without `parentId`, its replies carry the thread's id. */
export interface Comment {
  id: string;
  fileId: string;
  versionId: string | null;
  parentId: string | null;
  author: CommentAuthor;
  /** Plain text with line breaks; empty once deleted. */
  text: string;
  mentions: Mention[];
  anchor: CommentAnchor | null;
  createdAt: string;
  /** When the author last changed the text (the "edited" marker). */
  editedAt: string | null;
  /** A deleted comment that still has replies stays as "comment deleted". */
  deleted: boolean;
  /** Threads only. */
  resolved?: boolean;
  resolvedAt?: string | null;
  resolvedBy?: CommentAuthor | null;
  /** Threads only: their replies, oldest first. */
  replies?: Comment[];
}

/** `GET /_ml/files/{id}/comments`. */
export interface CommentThreads {
  threads: Comment[];
  /** Comments not deleted, replies included. */
  count: number;
  /** Threads not resolved. */
  open: number;
  /** Whether the caller watches the file. */
  watching: boolean;
}

/** What `POST` and `PATCH` answer: the comment, and the mentioned who cannot see the file (not notified). */
export interface CommentWriteResult {
  comment: Comment;
  unreachableMentions: Mention[];
}

export type NotificationKind = 'mention' | 'comment' | 'reply' | 'resolved' | 'share' | 'upload';
export const notificationKinds: readonly NotificationKind[] = [
  'mention',
  'comment',
  'reply',
  'resolved',
  'share',
  'upload',
];

export interface Notification {
  id: string;
  /** Increases with every notification: the SSE event id and the paging cursor. */
  seq: number;
  kind: NotificationKind;
  fileId: string | null;
  commentId: string | null;
  folder: string | null;
  actor: { id: string | null; name: string };
  /** The comment's first characters, the file's path, or the shared folder. */
  excerpt: string;
  createdAt: string;
  read: boolean;
}

/** `GET /_ml/notifications`. */
export interface NotificationPage {
  notifications: Notification[];
  unread: number;
  /** Pass as `cursor` for the next (older) page; absent on the last. */
  nextCursor?: string;
}

export type EmailDigest = 'off' | 'immediate' | 'daily';

/** `GET` / `PUT /_ml/notifications/settings`. */
export interface NotificationSettings {
  /** The kinds the user is notified of. */
  kinds: NotificationKind[];
  email: EmailDigest;
}

/** A user or group the composer may mention (`GET /_ml/mentionable?q=`). */
export interface MentionCandidate {
  type: 'user' | 'group';
  id: string;
  name: string;
  /** Users only. */
  email?: string;
}
