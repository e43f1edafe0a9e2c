import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiKeyPair } from '../shared/wire.js';
import { type App, buildApp } from './app.js';
import { ApiKeys } from './auth/api-keys.js';
import { MemoryRateLimiter } from './auth/rate-limiter.js';
import { defaultConfig, type ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { sweepOrphanBlobs } from './library/blobs.js';
import { DerivedImages } from './library/derived-images.js';
import { FolderJobs } from './library/folder-jobs.js';
import { resetStagingDir } from './library/staging.js';
import { DiskStorage } from './storage/disk-storage.js';
import { openSqliteStore } from './store/sqlite.js';

export interface MediaServer {
  /** `http://host:port` the server listens on. */
  url: string;
  app: App;
  context: ServerContext;
  /** The key pair made on this start, when the store had none; shown once, never stored in clear elsewhere. */
  createdKeys?: ApiKeyPair;
  /** Orphan blobs the startup sweep removed. */
  sweptBlobs: number;
  close(): Promise<void>;
}

const maintenanceIntervalMs = 10 * 60_000;

export interface StartHooks {
  /** Runs once the API routes are registered and before the server listens: add routes, seed data. */
  beforeListen?: (app: App, context: ServerContext) => Promise<void>;
}

/**
 * Opens the data directory (catalog, blobs, staging), makes the first key pair if there is
 * none, finishes whatever a crash left half-done, and starts listening.
 */
export async function startMediaServer(
  options: Partial<ServerConfig> = {},
  hooks: StartHooks = {},
): Promise<MediaServer> {
  const config: ServerConfig = { ...defaultConfig(), ...options };
  const startedAt = Date.now();
  await mkdir(config.dataDir, { recursive: true });
  const store = await openSqliteStore(join(config.dataDir, 'library.db'));
  const stagingDir = join(config.dataDir, 'staging');
  await resetStagingDir(stagingDir);
  const storage = new DiskStorage(join(config.dataDir, 'blobs'));
  const context: ServerContext = {
    config,
    store,
    storage,
    stagingDir,
    keys: new ApiKeys(store),
    jobs: new FolderJobs({ store, storage }),
    derivedImages: new DerivedImages(storage, store),
  };
  if (config.rateLimit) context.rateLimiter = new MemoryRateLimiter(config.rateLimit);

  let createdKeys: ApiKeyPair | undefined;
  if ((await store.listApiKeys()).length === 0) {
    createdKeys = await context.keys.create({
      kind: 'standard',
      name: 'First key',
      ...(config.initialKeys && { keys: config.initialKeys }),
    });
  }
  const sweptBlobs = await sweepOrphanBlobs(context, startedAt);

  const app = await buildApp(context);
  context.derivedImages.onError = (error) => app.log.error({ err: error }, 'storing a derived image failed');
  await hooks.beforeListen?.(app, context);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  // Jobs a crash left pending run again now that the sweep has removed their half-copied bytes.
  context.jobs.wake();

  const maintenance = setInterval(() => {
    store
      .forgetExpiredUploadTokens(Date.now())
      .catch((error) => app.log.error({ err: error }, 'maintenance failed'));
  }, maintenanceIntervalMs);
  maintenance.unref();

  const server: MediaServer = {
    url: `http://${host}:${port}`,
    app,
    context,
    sweptBlobs,
    async close() {
      clearInterval(maintenance);
      await context.jobs.stop();
      await app.close();
      // Renditions still being stored check the catalog when they land.
      await context.derivedImages.settled();
      await store.close();
    },
  };
  if (createdKeys) server.createdKeys = createdKeys;
  return server;
}
