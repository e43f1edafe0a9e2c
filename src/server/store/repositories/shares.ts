import type { AuditActor } from '../../../shared/audit.js';
import { Repository } from '../connection.js';
import { asIs, bigint, flag, json, nullableBigint, RowMapper } from '../row-mapper.js';
import type { ShareTable } from '../schema.js';

export type ShareTargetType = 'file' | 'folder' | 'collection';

export interface ShareRecord {
  shareId: string;
  /** SHA-256 (hex) of the link's token. */
  tokenHash: string;
  targetType: ShareTargetType;
  /** A file id, a folder path (`/a/b/`) or a collection id. */
  target: string;
  title: string | null;
  passwordHash: string | null;
  allowDownload: boolean;
  /** Epoch ms, or null for a link that does not expire. */
  expiresAt: number | null;
  createdBy: AuditActor;
  createdById: string;
  createdAt: number;
  updatedAt: number;
}

export type SharePatch = Partial<
  Pick<ShareRecord, 'title' | 'passwordHash' | 'allowDownload' | 'expiresAt' | 'updatedAt'>
>;

const rows = new RowMapper<ShareRecord, ShareTable>({
  shareId: asIs('share_id'),
  tokenHash: asIs('token_hash'),
  targetType: asIs('target_type'),
  target: asIs('target'),
  title: asIs('title'),
  passwordHash: asIs('password_hash'),
  allowDownload: flag('allow_download'),
  expiresAt: nullableBigint('expires_at'),
  createdBy: json('created_by'),
  createdById: asIs('created_by_id'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Public share links. Read on every request (never cached), so a revoke holds at once on every node. */
export class ShareRepository extends Repository {
  get(shareId: string): Promise<ShareRecord | undefined> {
    return rows.first(this.c.db.selectFrom('shares').selectAll().where('share_id', '=', shareId));
  }

  byTokenHash(tokenHash: string): Promise<ShareRecord | undefined> {
    return rows.first(this.c.db.selectFrom('shares').selectAll().where('token_hash', '=', tokenHash));
  }

  /** Links matching every given field, newest first. */
  list(
    where: { createdById?: string; targetType?: ShareTargetType; target?: string } = {},
  ): Promise<ShareRecord[]> {
    let q = this.c.db.selectFrom('shares').selectAll();
    if (where.createdById !== undefined) q = q.where('created_by_id', '=', where.createdById);
    if (where.targetType !== undefined) q = q.where('target_type', '=', where.targetType);
    if (where.target !== undefined) q = q.where('target', '=', where.target);
    return rows.all(q.orderBy('created_at', 'desc').orderBy('share_id', 'desc'));
  }

  async insert(record: ShareRecord): Promise<void> {
    await this.c.db.insertInto('shares').values(rows.toRow(record)).execute();
  }

  async update(shareId: string, patch: SharePatch): Promise<void> {
    // `null` clears a password or an expiry; toPatch skips only undefined fields.
    const row: Record<string, unknown> = { ...rows.toPatch(patch) };
    if (patch.passwordHash === null) row.password_hash = null;
    if (patch.expiresAt === null) row.expires_at = null;
    if (patch.title === null) row.title = null;
    await this.c.db.updateTable('shares').set(row).where('share_id', '=', shareId).execute();
  }

  async delete(shareId: string): Promise<void> {
    await this.c.db.deleteFrom('shares').where('share_id', '=', shareId).execute();
  }
}
