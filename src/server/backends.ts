import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { ServerConfig } from './config.js';
import { openRedis } from './redis.js';
import type { BlobStorage } from './storage/blob-storage.js';
import { DiskStorage } from './storage/disk-storage.js';
import { parseS3Url, S3Storage, s3ClientFor } from './storage/s3-storage.js';
import { openPostgresStore } from './store/postgres.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** The catalog as configured: PostgreSQL at `database`, or SQLite in the data directory. */
export async function openStore(config: Pick<ServerConfig, 'database' | 'dataDir'>): Promise<Store> {
  if (config.database) return openPostgresStore(config.database);
  await mkdir(config.dataDir, { recursive: true });
  return openSqliteStore(join(config.dataDir, 'library.db'));
}

/** Blob storage as configured: an S3 bucket at `storage`, or the data directory's `blobs`. */
export async function openStorage(
  config: Pick<ServerConfig, 'storage' | 's3Endpoint' | 'dataDir'>,
): Promise<BlobStorage & { close?(): void }> {
  if (!config.storage) return new DiskStorage(join(config.dataDir, 'blobs'));
  const storage = new S3Storage(s3ClientFor(config.s3Endpoint), parseS3Url(config.storage));
  try {
    await storage.check();
  } catch (error) {
    storage.close();
    throw error;
  }
  return storage;
}

/** Where a node keeps its catalog, bytes and shared state. */
export interface Backends {
  store: Store;
  storage: BlobStorage & { close?(): void };
  redis?: Redis;
  /**
   * Whether other nodes may use the same catalog (PostgreSQL). Then nothing found at start can be
   * assumed abandoned: another node may be in the middle of it.
   */
  shared: boolean;
  close(): Promise<void>;
}

export async function openBackends(config: ServerConfig): Promise<Backends> {
  const store = await openStore(config);
  const opened: Array<() => Promise<void> | void> = [() => store.close()];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close();
  };
  try {
    const storage = await openStorage(config);
    opened.push(() => storage.close?.());
    const backends: Backends = { store, storage, shared: config.database !== undefined, close: closeAll };
    if (config.redis) {
      const redis = await openRedis(config.redis);
      opened.push(() => redis.disconnect());
      backends.redis = redis;
    }
    return backends;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
