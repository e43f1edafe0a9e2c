import { Repository } from '../connection.js';
import { asIs, bigint, json, RowMapper } from '../row-mapper.js';
import type { SavedExtensionTable } from '../schema.js';

export interface SavedExtensionRecord {
  id: string;
  name: string;
  description: string;
  /** The extension as an upload's `extensions` item would give it (`{ name, … }`). */
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export type SavedExtensionPatch = Partial<
  Pick<SavedExtensionRecord, 'name' | 'description' | 'config' | 'updatedAt'>
>;

const rows = new RowMapper<SavedExtensionRecord, SavedExtensionTable>({
  id: asIs('id'),
  name: asIs('name'),
  description: asIs('description'),
  config: json('config'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Saved extension configurations, by id. */
export class SavedExtensionRepository extends Repository {
  list(): Promise<SavedExtensionRecord[]> {
    return rows.all(this.c.db.selectFrom('saved_extensions').selectAll().orderBy('created_at').orderBy('id'));
  }

  get(id: string): Promise<SavedExtensionRecord | undefined> {
    return rows.first(this.c.db.selectFrom('saved_extensions').selectAll().where('id', '=', id));
  }

  async count(): Promise<number> {
    const row = await this.c.db
      .selectFrom('saved_extensions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(record: SavedExtensionRecord): Promise<void> {
    await this.c.db.insertInto('saved_extensions').values(rows.toRow(record)).execute();
  }

  async update(id: string, patch: SavedExtensionPatch): Promise<void> {
    await this.c.db.updateTable('saved_extensions').set(rows.toPatch(patch)).where('id', '=', id).execute();
  }

  /** Whether a row was there to delete. */
  async delete(id: string): Promise<boolean> {
    const result = await this.c.db.deleteFrom('saved_extensions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
