import { Repository } from '../connection.js';
import { asIs, bigint, flag, RowMapper } from '../row-mapper.js';
import type { NamedTransformationTable } from '../schema.js';

export interface NamedTransformationRecord {
  id: string;
  name: string;
  transformation: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NamedTransformationPatch = Partial<
  Pick<NamedTransformationRecord, 'name' | 'transformation' | 'enabled' | 'updatedAt'>
>;

const rows = new RowMapper<NamedTransformationRecord, NamedTransformationTable>({
  id: asIs('id'),
  name: asIs('name'),
  transformation: asIs('transformation'),
  enabled: flag('enabled'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Named transformations made over the API, by id and by their unique name. */
export class NamedTransformationRepository extends Repository {
  list(): Promise<NamedTransformationRecord[]> {
    return rows.all(
      this.c.db.selectFrom('named_transformations').selectAll().orderBy('created_at').orderBy('id'),
    );
  }

  get(id: string): Promise<NamedTransformationRecord | undefined> {
    return rows.first(this.c.db.selectFrom('named_transformations').selectAll().where('id', '=', id));
  }

  findByName(name: string): Promise<NamedTransformationRecord | undefined> {
    return rows.first(this.c.db.selectFrom('named_transformations').selectAll().where('name', '=', name));
  }

  async count(): Promise<number> {
    const row = await this.c.db
      .selectFrom('named_transformations')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(record: NamedTransformationRecord): Promise<void> {
    await this.c.db.insertInto('named_transformations').values(rows.toRow(record)).execute();
  }

  async update(id: string, patch: NamedTransformationPatch): Promise<void> {
    await this.c.db
      .updateTable('named_transformations')
      .set(rows.toPatch(patch))
      .where('id', '=', id)
      .execute();
  }

  /** Whether a row was there to delete. */
  async delete(id: string): Promise<boolean> {
    const result = await this.c.db
      .deleteFrom('named_transformations')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
