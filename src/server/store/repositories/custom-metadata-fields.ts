import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { CustomMetadataFieldSchema } from '../../../shared/wire.js';
import { Repository } from '../connection.js';
import { asIs, bigint, flag, json, RowMapper } from '../row-mapper.js';
import type { CustomMetadataFieldTable, Database } from '../schema.js';

export interface CustomMetadataFieldRecord {
  id: string;
  name: string;
  label: string;
  schema: CustomMetadataFieldSchema;
  description: string | null;
  isDeleted: boolean;
  createdAt: number;
  updatedAt: number;
}

export type CustomMetadataFieldPatch = Partial<
  Pick<CustomMetadataFieldRecord, 'label' | 'schema' | 'description' | 'isDeleted' | 'updatedAt'>
>;

const fieldRows = new RowMapper<CustomMetadataFieldRecord, CustomMetadataFieldTable>({
  id: asIs('id'),
  name: asIs('name'),
  label: asIs('label'),
  schema: json('schema'),
  description: asIs('description'),
  isDeleted: flag('is_deleted'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

type FieldQuery = SelectQueryBuilder<
  Database,
  'custom_metadata_fields',
  Selectable<CustomMetadataFieldTable>
>;

/** Custom metadata field definitions; a deleted field keeps its row (and its name). */
export class CustomMetadataFieldRepository extends Repository {
  list(includeDeleted: boolean): Promise<CustomMetadataFieldRecord[]> {
    const q = this.c.db.selectFrom('custom_metadata_fields').selectAll();
    return fieldRows.all(
      (includeDeleted ? q : q.where('is_deleted', '=', 0)).orderBy('created_at').orderBy('id'),
    );
  }

  get(id: string): Promise<CustomMetadataFieldRecord | undefined> {
    return this.#first((q) => q.where('id', '=', id));
  }

  findByName(name: string): Promise<CustomMetadataFieldRecord | undefined> {
    return this.#first((q) => q.where('name', '=', name));
  }

  findLiveByLabel(label: string): Promise<CustomMetadataFieldRecord | undefined> {
    return this.#first((q) => q.where('label', '=', label).where('is_deleted', '=', 0));
  }

  async insert(field: CustomMetadataFieldRecord): Promise<void> {
    await this.c.db.insertInto('custom_metadata_fields').values(fieldRows.toRow(field)).execute();
  }

  async update(id: string, patch: CustomMetadataFieldPatch): Promise<void> {
    await this.c.db
      .updateTable('custom_metadata_fields')
      .set(fieldRows.toPatch(patch))
      .where('id', '=', id)
      .execute();
  }

  #first(where: (q: FieldQuery) => FieldQuery): Promise<CustomMetadataFieldRecord | undefined> {
    return fieldRows.first(where(this.c.db.selectFrom('custom_metadata_fields').selectAll()));
  }
}
