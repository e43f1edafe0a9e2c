import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../../src/server/store/postgres.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import type { Store } from '../../src/server/store/store.js';
import { createScaleBackends, testBackend } from './scale.js';

/** A store opened for one suite, and how to throw it away. */
export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

async function openSqlite(): Promise<OpenedStore> {
  const dir = await mkdtemp(join(tmpdir(), 'media-library-store-'));
  const store = await openSqliteStore(join(dir, 'library.db'));
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<OpenedStore> {
  const backends = await createScaleBackends();
  const store = await openPostgresStore(backends.database);
  return {
    store,
    async close() {
      await store.close();
      await backends.drop();
    },
  };
}

export const openStore = { sqlite: openSqlite, postgres: openPostgres };

/** SQLite always; PostgreSQL too on the scale path (MEDIA_LIBRARY_TEST_BACKEND=scale). */
export const storeDialects: Array<[string, () => Promise<OpenedStore>]> = [['sqlite', openSqlite]];
if (testBackend === 'scale') storeDialects.push(['postgres', openPostgres]);
