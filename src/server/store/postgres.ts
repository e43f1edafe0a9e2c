import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { postgresSearchTranslator } from '../search/postgres-translator.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import { finishSearchBackfills, indexForSearch, searchColumns } from './postgres-search-index.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** Any bigint; names the advisory lock every catalog write transaction takes. */
const writeLockId = 0x6d6c_7772;

const int8 = 20;
const numeric = 1700;

/**
 * pg answers bigint and numeric columns as strings, since they may not fit a JS number. Ours are
 * epoch milliseconds, byte counts and sums of them, all far below 2^53.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === int8 || oid === numeric) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresOptions {
  /** Connections this node keeps open at most. */
  poolSize?: number;
}

/**
 * Opens (and creates or migrates) the catalog in the PostgreSQL database at `url`
 * (`postgres://user:password@host:5432/db`). Nodes may start together: Kysely's migrator holds
 * an advisory lock while it migrates.
 *
 * Write transactions take one advisory lock, so they run one at a time across every node, as
 * SQLite runs its single writer: the library's read-then-write steps (a name's next version, a
 * folder move) stay correct under READ COMMITTED, and reads never wait for it.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    keepAlive: true,
    application_name: 'media-library',
  });
  // A connection the server drops while idle, or while pg is closing it, must not take the
  // process down; a query in flight still hears of its own failure.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // JIT compiles any plan estimated above jit_above_cost, which searches of a million rows are:
    // 20-50 ms of compiling for queries that run in a few. Queued before the client's first query.
    client.query('SET jit = off').catch(() => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres');
    await finishSearchBackfills(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return kyselyStore(
    db,
    {
      name: 'postgres',
      search: postgresSearchTranslator,
      indexForSearch,
      searchColumns,
      beginTransaction: async (trx) => {
        await sql`select pg_advisory_xact_lock(${writeLockId})`.execute(trx);
      },
    },
    () => db.destroy(),
  );
}
