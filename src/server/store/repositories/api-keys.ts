import type { KeyPermission } from '../../../shared/wire.js';
import { Repository } from '../connection.js';
import { asIs, bigint, nullableBigint, RowMapper } from '../row-mapper.js';
import type { ApiKeyTable } from '../schema.js';

export interface ApiKeyRecord {
  privateKey: string;
  publicKey: string;
  kind: 'standard' | 'restricted';
  /** Standard keys always carry `ReadWrite`. */
  permission: KeyPermission;
  name: string;
  createdAt: number;
  /** Set when the key was rolled; the key is refused from then on. */
  expiresAt: number | null;
}

const keyRows = new RowMapper<ApiKeyRecord, ApiKeyTable>({
  privateKey: asIs('private_key'),
  publicKey: asIs('public_key'),
  kind: asIs('kind'),
  permission: asIs('permission'),
  name: asIs('name'),
  createdAt: bigint('created_at'),
  expiresAt: nullableBigint('expires_at'),
});

/** API keys: one row per private key, a pair being the rows that share a public key. */
export class ApiKeyRepository extends Repository {
  list(): Promise<ApiKeyRecord[]> {
    return keyRows.all(this.c.db.selectFrom('api_keys').selectAll().orderBy('created_at'));
  }

  find(privateKey: string): Promise<ApiKeyRecord | undefined> {
    return keyRows.first(this.c.db.selectFrom('api_keys').selectAll().where('private_key', '=', privateKey));
  }

  /** Every private key of the pair, oldest first. */
  findByPublicKey(publicKey: string): Promise<ApiKeyRecord[]> {
    return keyRows.all(
      this.c.db.selectFrom('api_keys').selectAll().where('public_key', '=', publicKey).orderBy('created_at'),
    );
  }

  async insert(key: ApiKeyRecord): Promise<void> {
    await this.c.db.insertInto('api_keys').values(keyRows.toRow(key)).execute();
  }

  async setExpiry(privateKey: string, expiresAt: number): Promise<void> {
    await this.c.db
      .updateTable('api_keys')
      .set({ expires_at: expiresAt })
      .where('private_key', '=', privateKey)
      .execute();
  }

  async deletePair(publicKey: string): Promise<void> {
    await this.c.db.deleteFrom('api_keys').where('public_key', '=', publicKey).execute();
  }
}
