import { Repository } from '../connection.js';
import { asIs, bigint, json, RowMapper } from '../row-mapper.js';
import type { OriginTable } from '../schema.js';

export interface OriginRecord {
  id: string;
  name: string;
  type: string;
  /** The type's own fields (bucket, prefix, endpoint, baseUrl, credentials…), as ImageKit names them. */
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

const rows = new RowMapper<OriginRecord, OriginTable>({
  id: asIs('id'),
  name: asIs('name'),
  type: asIs('type'),
  settings: json('settings'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Origins: sources of files besides the library. */
export class OriginRepository extends Repository {
  list(): Promise<OriginRecord[]> {
    return rows.all(this.c.db.selectFrom('origins').selectAll().orderBy('created_at').orderBy('id'));
  }

  get(id: string): Promise<OriginRecord | undefined> {
    return rows.first(this.c.db.selectFrom('origins').selectAll().where('id', '=', id));
  }

  async insert(record: OriginRecord): Promise<void> {
    await this.c.db.insertInto('origins').values(rows.toRow(record)).execute();
  }

  /** Replaces an origin's definition (ImageKit's update sends it whole). */
  async replace(record: OriginRecord): Promise<void> {
    const { id, createdAt: _created, ...rest } = record;
    await this.c.db.updateTable('origins').set(rows.toPatch(rest)).where('id', '=', id).execute();
  }

  /** Whether a row was there to delete. */
  async delete(id: string): Promise<boolean> {
    const result = await this.c.db.deleteFrom('origins').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
