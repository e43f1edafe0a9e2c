import { type AuditAction, type AuditActor, type AuditChange, systemActor } from '../../shared/audit.js';
import { allows, type Principal } from '../auth/principal.js';
import { levelIn } from '../auth/user-access.js';
import { forbidden } from '../errors.js';
import type { FileRecord, Store } from '../store/store.js';

export { systemActor };

/**
 * Who the audit log names for a caller: a session by its `sub` (the host's user) and folder, a
 * key by its public key and name. A DAM user (type `user`) takes precedence once users exist.
 */
export function actorOf(principal: Principal | null): AuditActor {
  if (!principal) return systemActor;
  const name = principal.keyName !== undefined ? { name: principal.keyName } : {};
  // A DAM user (signed in, or named by a session token's `user` claim) is the actor by name.
  if (principal.user) {
    return {
      type: 'user',
      id: principal.user.id,
      name: principal.user.name,
      ...(principal.scope && { folder: principal.scope.folder }),
    };
  }
  if (principal.via === 'session') {
    return {
      type: 'session',
      id: principal.subject ?? principal.publicKey,
      ...(principal.subject === undefined && name),
      ...(principal.scope && { folder: principal.scope.folder }),
    };
  }
  return { type: 'key', id: principal.publicKey, ...name };
}

/**
 * Who may read the audit log: a standard key (Basic), a session that key signed for the whole
 * library, read-write (the host's administrator), a signed-in admin or manager, and a member for a
 * file or folder (and below) it `manage`s, asked for by `fileId` or `folder`. Narrower sessions and
 * restricted keys get 403 (the element hides its History tab on it).
 */
export async function assertMayReadAudit(
  store: Store,
  principal: Principal | null,
  target: { fileId?: string; folder?: string },
): Promise<void> {
  if (principal && allows(principal, 'admin')) return;
  const scope = principal?.scope;
  // A whole-library session is the host's administrator, unless it acts for a DAM member.
  const member = principal?.user?.reach !== undefined;
  if (principal?.kind === 'standard' && scope?.folder === '/' && scope.access === 'readwrite' && !member)
    return;
  // A manager (signed in, or a whole-library token acting for one) reads everything; a member the
  // log of a file or folder it manages, inside its token's folder (a read-only token manages nothing).
  const user = principal?.user;
  if (user && scope?.access !== 'read') {
    if (!user.reach && (!scope || scope.folder === '/')) return;
    const file =
      target.folder === undefined && target.fileId !== undefined
        ? await store.files.get(target.fileId)
        : undefined;
    const path = target.folder ?? file?.filePath;
    const level = path === undefined ? null : user.reach ? levelIn(user.reach, path, file?.fileId) : 'manage';
    if (level === 'manage' && (!scope || path!.startsWith(scope.folder))) return;
  }
  throw forbidden(
    'Reading the audit log needs an admin or a manager, a standard API key, or a read-write session for the whole library (folder /). A member reads the log of a file or folder it manages: pass fileId or folder.',
    { reason: 'PERMISSION_DENIED' },
  );
}

/** What one write changed, on what. */
export interface AuditEvent {
  action: AuditAction;
  fileId?: string;
  path?: string;
  target?: Record<string, string>;
  changes?: Record<string, AuditChange>;
}

/** Appends the write's entry; call it inside the write's own transaction so both land or neither. */
export function appendAudit(
  store: Store,
  actor: AuditActor,
  event: AuditEvent,
  at = Date.now(),
): Promise<void> {
  return store.audit.append({
    at,
    actor,
    action: event.action,
    fileId: event.fileId ?? null,
    path: event.path ?? null,
    target: event.target ?? null,
    changes: event.changes ?? null,
  });
}

/** Entries one prune removes at most per statement, and statements per run: bounded work. */
const pruneBatch = 1000;
const pruneBatchesPerRun = 10;

/**
 * Removes entries older than the retention, a bounded amount per run (the maintenance job runs
 * it again); answers how many went. Nothing when the retention is unset: kept forever.
 */
export async function pruneAuditLog(
  store: Store,
  retentionMs: number | undefined,
  now = Date.now(),
): Promise<number> {
  if (retentionMs === undefined) return 0;
  let removed = 0;
  for (let batch = 0; batch < pruneBatchesPerRun; batch++) {
    const count = await store.audit.pruneOlderThan(now - retentionMs, pruneBatch);
    removed += count;
    if (count < pruneBatch) break;
  }
  return removed;
}

/** A file's target as the log keeps it. */
export const fileTarget = (file: Pick<FileRecord, 'fileId' | 'filePath' | 'versionId'>) => ({
  fileId: file.fileId,
  path: file.filePath,
  target: { versionId: file.versionId },
});

const describing = [
  'tags',
  'aiTags',
  'customCoordinates',
  'customMetadata',
  'description',
  'isPublished',
  'isPrivate',
] as const;

/** The describing fields that differ between two versions of a file, before and after. */
export function metadataChanges(before: FileRecord, after: FileRecord): Record<string, AuditChange> {
  const changes: Record<string, AuditChange> = {};
  for (const field of describing) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[field] = { before: before[field], after: after[field] };
    }
  }
  return changes;
}

/** A new current version: which it replaced, and the describing fields that changed with it. */
export function versionChanges(before: FileRecord, after: FileRecord): Record<string, AuditChange> {
  return {
    versionId: { before: before.versionId, after: after.versionId },
    versionNumber: { before: before.versionNumber, after: after.versionNumber },
    ...metadataChanges(before, after),
  };
}

/**
 * An account setting's event (named transformation, saved extension, origin, URL endpoint): its
 * id and name only, never its definition (an origin's holds credentials).
 */
export const settingEvent = (action: AuditAction, id: string, name: string): AuditEvent => ({
  action,
  target: { id, name },
});
