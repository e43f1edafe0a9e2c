import { Repository } from '../connection.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { FileReferenceTable } from '../schema.js';

/** One place that uses a file. */
export interface ReferenceRecord {
  source: string;
  key: string;
  fileId: string;
  title: string;
  url: string | null;
  updatedAt: number;
}

const referenceRows = new RowMapper<ReferenceRecord, FileReferenceTable>({
  source: asIs('source'),
  key: asIs('ref_key'),
  fileId: asIs('file_id'),
  title: asIs('title'),
  url: asIs('url'),
  updatedAt: bigint('updated_at'),
});

/** Rows per multi-row statement: well under both databases' limits on bound parameters. */
const batch = 500;

/** Where files are used: one row per (place, file), written by the CMS plugins. */
export class ReferenceRepository extends Repository {
  /** Replaces the files `source`/`key` uses with `rows` (none: the place uses nothing any more). */
  async replacePlace(source: string, key: string, rows: ReferenceRecord[]): Promise<void> {
    await this.c.atomically(async (db) => {
      await db
        .deleteFrom('file_references')
        .where('source', '=', source)
        .where('ref_key', '=', key)
        .execute();
      for (let start = 0; start < rows.length; start += batch) {
        await db
          .insertInto('file_references')
          .values(rows.slice(start, start + batch).map((r) => referenceRows.toRow(r)))
          .execute();
      }
    });
  }

  /** The file ids the place uses now. */
  async filesOf(source: string, key: string): Promise<string[]> {
    const rows = await this.c.db
      .selectFrom('file_references')
      .select('file_id')
      .where('source', '=', source)
      .where('ref_key', '=', key)
      .execute();
    return rows.map((r) => r.file_id);
  }

  /** The places that use the file, most recently reported first. */
  forFile(fileId: string, limit: number): Promise<ReferenceRecord[]> {
    return referenceRows.all(
      this.c.db
        .selectFrom('file_references')
        .selectAll()
        .where('file_id', '=', fileId)
        .orderBy('updated_at', 'desc')
        .orderBy('source')
        .orderBy('ref_key')
        .limit(limit),
    );
  }

  /** How many places use each of these files (one grouped query); files no place uses are left out. */
  async countFor(fileIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (let start = 0; start < fileIds.length; start += batch) {
      const rows = await this.c.db
        .selectFrom('file_references')
        .select(['file_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('file_id', 'in', fileIds.slice(start, start + batch))
        .groupBy('file_id')
        .execute();
      for (const row of rows) counts.set(row.file_id, Number(row.n));
    }
    return counts;
  }

  /** Forgets every place's use of these files (they are gone for good). */
  async forgetFiles(fileIds: string[]): Promise<void> {
    for (let start = 0; start < fileIds.length; start += batch) {
      await this.c.db
        .deleteFrom('file_references')
        .where('file_id', 'in', fileIds.slice(start, start + batch))
        .execute();
    }
  }
}
