import type { AuditAction, AuditActor, AuditChange } from '../../../shared/audit.js';
import { inFolderTree, Repository } from '../connection.js';
import type { AuditEntryTable } from '../schema.js';

/** One audit entry as stored; `id` grows with every append. */
export interface AuditRecord {
  id: number;
  at: number;
  actor: AuditActor;
  action: AuditAction;
  fileId: string | null;
  /** The file's path or the folder's (`/a/b/`) after the write, before it for a delete. */
  path: string | null;
  /** Other target ids: a version, a key, a field. */
  target: Record<string, string> | null;
  changes: Record<string, AuditChange> | null;
}

export type NewAuditRecord = Omit<AuditRecord, 'id'>;

/** Which entries to list; every filter is optional and they combine with AND. */
export interface AuditFilter {
  fileId?: string;
  /** A folder (`/a/b/`): entries on it and on everything below it. */
  folder?: string;
  actorId?: string;
  action?: AuditAction;
  from?: number;
  to?: number;
  /** Only entries older than this id (the keyset cursor). */
  before?: number;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function fromRow(row: AuditEntryTable & { id: number }): AuditRecord {
  const actor: AuditActor = { type: row.actor_type as AuditActor['type'], id: row.actor_id };
  if (row.actor_name !== null) actor.name = row.actor_name;
  if (row.actor_folder !== null) actor.folder = row.actor_folder;
  return {
    id: Number(row.id),
    at: Number(row.at),
    actor,
    action: row.action as AuditAction,
    fileId: row.file_id,
    path: row.path,
    target: parse(row.target),
    changes: parse(row.changes),
  };
}

/** The audit log: append and read only; the one removal is retention's prune of old entries. */
export class AuditEntryRepository extends Repository {
  async append(entry: NewAuditRecord): Promise<void> {
    await this.c.db
      .insertInto('audit_entries')
      .values({
        at: entry.at,
        actor_type: entry.actor.type,
        actor_id: entry.actor.id,
        actor_name: entry.actor.name ?? null,
        actor_folder: entry.actor.folder ?? null,
        action: entry.action,
        file_id: entry.fileId,
        path: entry.path,
        target: entry.target === null ? null : JSON.stringify(entry.target),
        changes: entry.changes === null ? null : JSON.stringify(entry.changes),
      })
      .execute();
  }

  /** Up to `limit` entries matching `filter`, newest first. */
  async list(filter: AuditFilter, limit: number): Promise<AuditRecord[]> {
    let query = this.c.db.selectFrom('audit_entries').selectAll();
    if (filter.fileId !== undefined) query = query.where('file_id', '=', filter.fileId);
    if (filter.folder !== undefined) query = query.where(inFolderTree('path', filter.folder));
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<=', filter.to);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => fromRow(row as AuditEntryTable & { id: number }));
  }

  /** Up to `limit` entries after id `after`, oldest first: for copying the log elsewhere. */
  async scan(after: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.c.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => fromRow(row as AuditEntryTable & { id: number }));
  }

  /** Removes at most `limit` entries older than `before`, oldest first; answers how many. */
  async pruneOlderThan(before: number, limit: number): Promise<number> {
    const result = await this.c.db
      .deleteFrom('audit_entries')
      .where('id', 'in', (eb) =>
        eb.selectFrom('audit_entries').select('id').where('at', '<', before).orderBy('id').limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
