/**
 * The audit log's wire types (`GET /_ml/audit`): who changed what in the library, and when.
 * Entries are append-only; no API edits or deletes them.
 */

/** What was done. Files: `file.*`; their versions: `version.*`; the rest by area. */
export type AuditAction =
  | 'file.upload'
  | 'file.version'
  | 'file.update'
  | 'file.publish'
  | 'file.rename'
  | 'file.move'
  | 'file.copy'
  | 'file.delete'
  | 'file.restore'
  | 'file.purge'
  | 'file.edit'
  | 'file.tags.add'
  | 'file.tags.remove'
  | 'file.aiTags.remove'
  | 'version.delete'
  | 'version.restore'
  | 'folder.create'
  | 'folder.delete'
  | 'folder.restore'
  | 'folder.purge'
  | 'folder.copy'
  | 'folder.move'
  | 'folder.rename'
  | 'field.create'
  | 'field.update'
  | 'field.delete'
  | 'key.create'
  | 'key.roll'
  | 'key.delete'
  | 'namedTransformation.create'
  | 'namedTransformation.update'
  | 'namedTransformation.delete'
  | 'savedExtension.create'
  | 'savedExtension.update'
  | 'savedExtension.delete'
  | 'origin.create'
  | 'origin.update'
  | 'origin.delete'
  | 'urlEndpoint.create'
  | 'urlEndpoint.update'
  | 'urlEndpoint.delete'
  | 'user.create'
  | 'user.update'
  | 'user.resetPassword'
  | 'user.delete'
  | 'group.create'
  | 'group.update'
  | 'group.delete'
  | 'grant.put'
  | 'grant.delete'
  | 'settings.update'
  | 'collection.create'
  | 'collection.update'
  | 'collection.delete'
  | 'collection.items.add'
  | 'collection.items.remove'
  | 'collection.items.reorder'
  | 'share.create'
  | 'share.update'
  | 'share.revoke'
  | 'comment.create'
  | 'comment.update'
  | 'comment.delete'
  | 'comment.resolve'
  | 'comment.reopen'
  | 'references.update';

export const auditActions: readonly AuditAction[] = [
  'file.upload',
  'file.version',
  'file.update',
  'file.publish',
  'file.rename',
  'file.move',
  'file.copy',
  'file.delete',
  'file.restore',
  'file.purge',
  'file.edit',
  'file.tags.add',
  'file.tags.remove',
  'file.aiTags.remove',
  'version.delete',
  'version.restore',
  'folder.create',
  'folder.delete',
  'folder.restore',
  'folder.purge',
  'folder.copy',
  'folder.move',
  'folder.rename',
  'field.create',
  'field.update',
  'field.delete',
  'key.create',
  'key.roll',
  'key.delete',
  'namedTransformation.create',
  'namedTransformation.update',
  'namedTransformation.delete',
  'savedExtension.create',
  'savedExtension.update',
  'savedExtension.delete',
  'origin.create',
  'origin.update',
  'origin.delete',
  'urlEndpoint.create',
  'urlEndpoint.update',
  'urlEndpoint.delete',
  'user.create',
  'user.update',
  'user.resetPassword',
  'user.delete',
  'group.create',
  'group.update',
  'group.delete',
  'grant.put',
  'grant.delete',
  'settings.update',
  'collection.create',
  'collection.update',
  'collection.delete',
  'collection.items.add',
  'collection.items.remove',
  'collection.items.reorder',
  'share.create',
  'share.update',
  'share.revoke',
  'comment.create',
  'comment.update',
  'comment.delete',
  'comment.resolve',
  'comment.reopen',
  'references.update',
];

/**
 * Who did it: an API key (its public key and name), a session token (its `sub`, or the key pair's
 * public key when it has none, and its folder), a DAM user, or the server itself (CLI, start-up).
 */
export interface AuditActor {
  type: 'key' | 'session' | 'user' | 'system';
  id: string;
  name?: string;
  /** A session's folder scope. */
  folder?: string;
}

/** The server itself: the CLI, seeding, the first start. */
export const systemActor: AuditActor = { type: 'system', id: 'system' };

/** One field's value before and after the write; absent on the side where it did not exist. */
export interface AuditChange {
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  id: string;
  /** ISO 8601. */
  at: string;
  actor: AuditActor;
  action: AuditAction;
  /** `id` and `name` name a user (its email), group, key or setting; `principal` (`user:ID`, `group:ID`) a grant's holder. */
  target: {
    fileId?: string;
    path?: string;
    versionId?: string;
    id?: string;
    name?: string;
    principal?: string;
  };
  changes?: Record<string, AuditChange>;
}

/** A page of entries, newest first; `nextCursor` fetches the older ones. */
export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}
