import BetterSqlite3, { type Statement } from 'better-sqlite3';
import { Kysely, type SqliteDatabase } from 'kysely';
import { sqliteSearchTranslator } from '../search/sqlite-translator.js';
import { kyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { GroupCommitSqliteDialect, WalSync, WriteTracker } from './sqlite-group-commit.js';
import type { Store } from './store.js';

/**
 * Opens (and creates or migrates) the SQLite catalog at `path`. WAL lets readers run beside the
 * writer. A write answers only once the WAL holds it on disk, so a committed row survives power
 * loss, which the upload promise ("visible only once durable") needs: `synchronous = NORMAL`
 * plus one grouped sync of the WAL after commits (`WalSync`), as durable as FULL without a
 * sync per commit on the event loop.
 */
/** How much of the catalog file SQLite reads through a memory map. */
const sqliteMmapBytes = 1024 ** 3;

export async function openSqliteStore(path: string): Promise<Store> {
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // Reads through a memory map, not a read() into SQLite's 2 MB cache per page: a query that
  // follows hundreds of rows across a large catalog ("find similar", suggestions for a member)
  // runs 3-4x faster. The map is the kernel's page cache (reclaimable), counted in RSS as pages
  // are touched. SQLite caps it at 2 GB; pages past the map are read as before.
  database.pragma(`mmap_size = ${sqliteMmapBytes}`);
  const writes = new WriteTracker(database);
  const dialect = new GroupCommitSqliteDialect(
    { database: withStatementCache(database, writes) },
    new WalSync(path),
    writes,
  );
  const db = new Kysely<Database>({ dialect });
  await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  return kyselyStore(db, { name: 'sqlite', search: sqliteSearchTranslator }, () => db.destroy());
}

const statementCacheSize = 500;

/**
 * Kysely prepares every query afresh; preparing costs more than running most of ours. Reusing
 * statements by SQL text (LRU-bounded, since `in (?, ?, …)` lists vary) halves the time per query.
 * It also notes writes for the group commit.
 */
function withStatementCache(database: BetterSqlite3.Database, writes: WriteTracker): SqliteDatabase {
  const cache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (statement) cache.delete(sql);
    else statement = database.prepare(sql);
    cache.set(sql, statement);
    writes.prepared(sql, statement);
    if (cache.size > statementCacheSize) cache.delete(cache.keys().next().value!);
    return statement;
  };
  return { prepare, close: () => database.close() };
}
