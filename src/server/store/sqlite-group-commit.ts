import { AsyncLocalStorage } from 'node:async_hooks';
import { type FileHandle, open } from 'node:fs/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

/**
 * Makes the SQLite write-ahead log durable for many commits with one `fdatasync`, off the event
 * loop. With `synchronous = NORMAL` a commit only reaches the WAL's page cache (a kill -9 keeps
 * it, a power loss may not); SQLite's FULL adds exactly one sync of the WAL per commit, on the
 * main thread. Here every commit asks for that sync instead, and one sync serves every commit
 * written before it started: concurrent uploads share it (group commit).
 */
export class WalSync {
  readonly #walPath: string;
  /** Commits asked for (each numbered in order), and the highest one known to be on disk. */
  #requested = 0;
  #synced = 0;
  #running: Promise<void> | undefined;
  #syncs = 0;
  /**
   * The `-wal` file, kept open: an open and a close per sync were two more trips through libuv's
   * four threads, queued behind the blobs' syncs. SQLite keeps the file (resetting, never
   * deleting it) while a connection is open, and ours is until `close`.
   */
  #handle: FileHandle | undefined;

  constructor(databasePath: string) {
    this.#walPath = `${databasePath}-wal`;
  }

  /** Syncs of the WAL made so far (each covering one or more commits). */
  get syncs(): number {
    return this.#syncs;
  }

  /** Commits written but not yet known to be on disk. */
  get unsynced(): number {
    return this.#requested - this.#synced;
  }

  /** A commit was written: answers once it would survive a power loss. */
  committed(): Promise<void> {
    return this.until(++this.#requested);
  }

  /** Answers once every commit written so far is on disk, so a read never shows what power loss could undo. */
  settled(): Promise<void> {
    return this.#synced >= this.#requested ? Promise.resolve() : this.until(this.#requested);
  }

  /** The commits a read may have seen so far: `until` of it makes them all durable. */
  get ticket(): number {
    return this.#requested;
  }

  /** Answers once the commit numbered `ticket` (and every one before it) is on disk. */
  async until(ticket: number): Promise<void> {
    while (this.#synced < ticket) {
      this.#running ??= this.#sync();
      await this.#running;
    }
  }

  async #sync(): Promise<void> {
    // Every commit numbered so far is in the page cache now: this sync covers them all.
    const target = this.#requested;
    try {
      this.#handle ??= await open(this.#walPath, 'r');
      await this.#handle.datasync();
    } catch (error) {
      // No WAL file: everything was checkpointed into the database, which SQLite synced then.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    } finally {
      this.#running = undefined;
    }
    this.#syncs++;
    this.#synced = Math.max(this.#synced, target);
  }

  /** Closes the `-wal` file once the sync under way (if any) is done; for the catalog's close. */
  async close(): Promise<void> {
    await this.#running?.catch(() => undefined);
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

/** Reads whose durability wait was put off to the end of the work they are part of (`answeringAfterSync`). */
interface DeferredReads {
  /** Until the work is answered; a read after that (work left running behind the answer) waits itself. */
  open: boolean;
  /** What each catalog's reads may have seen, by its `WalSync`. */
  tickets: Map<WalSync, number>;
}

const deferredReads = new AsyncLocalStorage<DeferredReads>();

/**
 * Runs `work` (a request's handler) with its catalog reads not waiting each for the WAL syncs of
 * what they may have seen, and answers only once all those syncs are done: the caller is still
 * told nothing a power loss could take back, and it waits for the syncs once (usually not at
 * all, its own commit's sync having covered them) instead of at every read. Reads of work left
 * running behind it (notifications, a job it woke) wait for themselves once it is answered.
 * PostgreSQL's store has no such waits; there this only runs `work`.
 */
export async function answeringAfterSync<T>(work: () => Promise<T>): Promise<T> {
  const reads: DeferredReads = { open: true, tickets: new Map() };
  try {
    return await deferredReads.run(reads, work);
  } finally {
    // From here on a read of work left running (a notification, a job woken) waits for itself.
    reads.open = false;
    await Promise.all([...reads.tickets].map(([sync, ticket]) => sync.until(ticket)));
  }
}

/** Row changes show in `total_changes()`; any other statement that may write (DDL) counts as a change. */
const rowChange = /^\s*(insert|update|delete|replace|with)\b/i;

/**
 * Whether the statements run since the last look committed a change. A poll that updates no
 * row (a job claim finding nothing) writes nothing to the WAL, and must not cost a sync.
 */
export class WriteTracker {
  readonly #database: BetterSqlite3.Database;
  readonly #totalChanges: BetterSqlite3.Statement;
  #lastChanges: number;
  #otherWrite = false;

  constructor(database: BetterSqlite3.Database) {
    this.#database = database;
    this.#totalChanges = database.prepare('select total_changes()').pluck();
    this.#lastChanges = this.#totalChanges.get() as number;
  }

  /** Told of every statement Kysely prepares (and runs at once). */
  prepared(sql: string, statement: BetterSqlite3.Statement): void {
    if (!statement.readonly && !rowChange.test(sql)) this.#otherWrite = true;
  }

  /** Whether a change was committed since the last call (never inside a transaction). */
  committedChange(): boolean {
    if (this.#database.inTransaction) return false;
    const total = this.#totalChanges.get() as number;
    const changed = this.#otherWrite || total !== this.#lastChanges;
    this.#otherWrite = false;
    this.#lastChanges = total;
    return changed;
  }
}

/**
 * Kysely's SQLite driver, answering a write only once the WAL holds it on disk. The wait comes
 * after the single connection is handed back, so other requests commit meanwhile and share the
 * next sync; a read waits for syncs of what it may have seen.
 */
class GroupCommitSqliteDriver extends SqliteDriver {
  readonly #sync: WalSync;
  readonly #writes: WriteTracker;

  constructor(config: SqliteDialectConfig, sync: WalSync, writes: WriteTracker) {
    super(config);
    this.#sync = sync;
    this.#writes = writes;
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    await this.#sync.close();
  }

  override async releaseConnection(): Promise<void> {
    let committed = false;
    try {
      committed = this.#writes.committedChange();
    } finally {
      // Whatever happened, the single connection goes back, or every later query would wait forever.
      await super.releaseConnection();
    }
    if (committed) return this.#sync.committed();
    const reads = deferredReads.getStore();
    if (!reads?.open) return this.#sync.settled();
    const ticket = this.#sync.ticket;
    if (ticket > (reads.tickets.get(this.#sync) ?? 0)) reads.tickets.set(this.#sync, ticket);
  }
}

/** `SqliteDialect` with group commit: see `WalSync`. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sync: WalSync;
  readonly #writes: WriteTracker;

  constructor(config: SqliteDialectConfig, sync: WalSync, writes: WriteTracker) {
    super(config);
    this.#config = config;
    this.#sync = sync;
    this.#writes = writes;
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.#config, this.#sync, this.#writes);
  }
}
