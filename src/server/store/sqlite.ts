import BetterSqlite3, { type Statement } from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import { sqliteSearchTranslator } from '../search/sqlite-translator.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/**
 * Opens (and creates or migrates) the SQLite catalog at `path`. WAL lets readers run beside the
 * writer; `synchronous = FULL` makes a committed row survive power loss, which the upload
 * promise ("visible only once durable") needs.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  return kyselyStore(db, { name: 'sqlite', search: sqliteSearchTranslator }, () => db.destroy());
}

const statementCacheSize = 500;

/**
 * Kysely prepares every query afresh; preparing costs more than running most of ours. Reusing
 * statements by SQL text (LRU-bounded, since `in (?, ?, …)` lists vary) halves the time per query.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (statement) cache.delete(sql);
    else statement = database.prepare(sql);
    cache.set(sql, statement);
    if (cache.size > statementCacheSize) cache.delete(cache.keys().next().value!);
    return statement;
  };
  return { prepare, close: () => database.close() };
}
