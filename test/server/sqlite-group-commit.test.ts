import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import {
  answeringAfterSync,
  GroupCommitSqliteDialect,
  WalSync,
  WriteTracker,
} from '../../src/server/store/sqlite-group-commit.js';

/**
 * The SQLite catalog's group commit: a write answers only once the WAL holds it on disk, commits
 * that arrive together share one sync, and a read never answers with a commit not yet synced.
 */

interface Schema {
  items: { id: number; name: string };
}

describe('SQLite group commit', () => {
  let dir: string;
  let db: Kysely<Schema>;
  let walSync: WalSync;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ml-group-commit-'));
    const path = join(dir, 'library.db');
    const database = new BetterSqlite3(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    const writes = new WriteTracker(database);
    walSync = new WalSync(path);
    const prepare = (text: string) => {
      const statement = database.prepare(text);
      writes.prepared(text, statement);
      return statement;
    };
    db = new Kysely<Schema>({
      dialect: new GroupCommitSqliteDialect(
        { database: { prepare, close: () => database.close() } },
        walSync,
        writes,
      ),
    });
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
  });

  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a write only once the WAL is synced', async () => {
    const before = walSync.syncs;
    await db.insertInto('items').values({ id: 1, name: 'one' }).execute();
    assert.equal(walSync.unsynced, 0);
    assert.equal(walSync.syncs, before + 1);
  });

  it('answers a transaction only once the WAL is synced', async () => {
    const before = walSync.syncs;
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 2, name: 'two' }).execute();
      await tx.insertInto('items').values({ id: 3, name: 'three' }).execute();
      assert.equal(walSync.syncs, before, 'no sync inside a transaction');
    });
    assert.equal(walSync.unsynced, 0);
    assert.equal(walSync.syncs, before + 1);
  });

  it('shares syncs between commits that arrive together', async () => {
    const before = walSync.syncs;
    const commits = 32;
    await Promise.all(
      Array.from({ length: commits }, (_, i) =>
        db.transaction().execute((tx) =>
          tx
            .insertInto('items')
            .values({ id: 100 + i, name: `n${i}` })
            .execute(),
        ),
      ),
    );
    const syncs = walSync.syncs - before;
    assert.ok(syncs >= 1 && syncs < commits / 2, `${commits} commits made ${syncs} syncs`);
    const { count } = await db
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('id', '>=', 100)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count), commits);
  });

  it('answers a read only once the commits it may see are synced', async () => {
    const write = db.insertInto('items').values({ id: 4, name: 'four' }).execute();
    const row = await db.selectFrom('items').selectAll().where('id', '=', 4).executeTakeFirst();
    // The read ran after the write's commit, so it saw the row, and waited for the row's sync.
    assert.deepEqual(row, { id: 4, name: 'four' });
    assert.equal(walSync.unsynced, 0);
    await write;
  });

  it('lets the reads of a request wait once, at its answer, for the commits they may see', async () => {
    const write = db.insertInto('items').values({ id: 5, name: 'five' }).execute();
    let unsyncedAtRead = -1;
    const row = await answeringAfterSync(async () => {
      const seen = await db.selectFrom('items').selectAll().where('id', '=', 5).executeTakeFirst();
      // The read saw the row and went on at once: its sync is still to come.
      unsyncedAtRead = walSync.unsynced;
      return seen;
    });
    assert.deepEqual(row, { id: 5, name: 'five' });
    assert.equal(unsyncedAtRead, 1, 'the read did not wait for the sync');
    assert.equal(walSync.unsynced, 0, 'the answer waited for it');
    await write;
  });

  it('makes a read left running after the answer wait for itself', async () => {
    let late: Promise<number> | undefined;
    await answeringAfterSync(async () => {
      late = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const write = db.insertInto('items').values({ id: 6, name: 'six' }).execute();
        await db.selectFrom('items').selectAll().where('id', '=', 6).executeTakeFirst();
        const unsynced = walSync.unsynced;
        await write;
        return unsynced;
      })();
    });
    assert.equal(await late, 0, 'the late read waited for the commit it saw');
  });

  it('makes no sync for reads alone, nor for writes that change no row', async () => {
    const before = walSync.syncs;
    await db.selectFrom('items').selectAll().execute();
    await db.transaction().execute((tx) => tx.selectFrom('items').selectAll().execute());
    // A job poll finding nothing to claim: SQLite writes nothing to the WAL for it.
    await db.updateTable('items').set({ name: 'none' }).where('id', '<', 0).execute();
    await db.deleteFrom('items').where('id', '<', 0).execute();
    assert.equal(walSync.syncs, before);
  });

  it('syncs a change of schema', async () => {
    const before = walSync.syncs;
    await sql`create index items_by_name on items (name)`.execute(db);
    assert.equal(walSync.syncs, before + 1);
  });
});
