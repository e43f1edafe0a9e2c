import { Repository } from '../connection.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { RenditionTable } from '../schema.js';

/** A derived image the rendition cache holds. */
export interface RenditionRecord {
  key: string;
  blobKey: string;
  size: number;
  lastUsedAt: number;
}

const renditionRows = new RowMapper<RenditionRecord, RenditionTable>({
  key: asIs('key'),
  blobKey: asIs('blob_key'),
  size: bigint('size'),
  lastUsedAt: bigint('last_used_at'),
});

/** Derived images in blob storage, counted against one size budget and evicted least recently used first. */
export class RenditionRepository extends Repository {
  /** Records a rendition as stored and used at `lastUsedAt` (again, when it was stored before). */
  async record(rendition: RenditionRecord): Promise<void> {
    await this.c.db
      .insertInto('renditions')
      .values(renditionRows.toRow(rendition))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ size: rendition.size, last_used_at: rendition.lastUsedAt }),
      )
      .execute();
  }

  /** Notes that these renditions were served at `at`. */
  async touch(keys: string[], at: number): Promise<void> {
    if (keys.length === 0) return;
    await this.c.db.updateTable('renditions').set({ last_used_at: at }).where('key', 'in', keys).execute();
  }

  /** Bytes every recorded rendition holds. */
  async bytes(): Promise<number> {
    const row = await this.c.db
      .selectFrom('renditions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  /** The `limit` renditions served longest ago. */
  leastRecentlyUsed(limit: number): Promise<RenditionRecord[]> {
    return renditionRows.all(
      this.c.db.selectFrom('renditions').selectAll().orderBy('last_used_at').orderBy('key').limit(limit),
    );
  }

  async forget(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.c.db.deleteFrom('renditions').where('key', 'in', keys).execute();
  }

  /** Forgets every rendition of these originals (their tree was deleted). */
  async forgetOf(blobKeys: string[]): Promise<void> {
    if (blobKeys.length === 0) return;
    await this.c.db.deleteFrom('renditions').where('blob_key', 'in', blobKeys).execute();
  }
}
