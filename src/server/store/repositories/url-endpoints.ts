import { Repository } from '../connection.js';
import { asIs, bigint, json, RowMapper } from '../row-mapper.js';
import type { UrlEndpointTable } from '../schema.js';

export interface UrlEndpointRecord {
  id: string;
  description: string;
  /** One path segment (`products`); unique. */
  urlPrefix: string;
  /** Origin ids, looked up in this order. */
  origins: string[];
  createdAt: number;
  updatedAt: number;
}

const rows = new RowMapper<UrlEndpointRecord, UrlEndpointTable>({
  id: asIs('id'),
  description: asIs('description'),
  urlPrefix: asIs('url_prefix'),
  origins: json('origins'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** URL endpoints: path prefixes and the origins behind each. */
export class UrlEndpointRepository extends Repository {
  list(): Promise<UrlEndpointRecord[]> {
    return rows.all(this.c.db.selectFrom('url_endpoints').selectAll().orderBy('created_at').orderBy('id'));
  }

  get(id: string): Promise<UrlEndpointRecord | undefined> {
    return rows.first(this.c.db.selectFrom('url_endpoints').selectAll().where('id', '=', id));
  }

  findByPrefix(urlPrefix: string): Promise<UrlEndpointRecord | undefined> {
    return rows.first(this.c.db.selectFrom('url_endpoints').selectAll().where('url_prefix', '=', urlPrefix));
  }

  async insert(record: UrlEndpointRecord): Promise<void> {
    await this.c.db.insertInto('url_endpoints').values(rows.toRow(record)).execute();
  }

  async replace(record: UrlEndpointRecord): Promise<void> {
    const { id, createdAt: _created, ...rest } = record;
    await this.c.db.updateTable('url_endpoints').set(rows.toPatch(rest)).where('id', '=', id).execute();
  }

  /** Whether a row was there to delete. */
  async delete(id: string): Promise<boolean> {
    const result = await this.c.db.deleteFrom('url_endpoints').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
