import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { ServerConfig } from '../../src/server/config.js';
import { type MediaServer, type StartHooks, startMediaServer } from '../../src/server/server.js';
import type { Database } from '../../src/server/store/schema.js';
import { createScaleBackends, openPostgresCatalog, type ScaleBackends, testBackend } from './scale.js';

export const testKeys = { publicKey: 'public_test_key', privateKey: 'private_test_key' };

export interface TestServer {
  url: string;
  dataDir: string;
  server: MediaServer;
  /** `fetch` against the server with the standard key (or the given private key) as Basic auth. */
  api(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
  /** Every blob key in the server's storage (its disk or its bucket), under `prefix` when given. */
  blobKeys(prefix?: string): Promise<string[]>;
  /** The catalog itself, SQLite or PostgreSQL, for what the API cannot do (a date in the past). */
  catalog(): Kysely<Database>;
  close(): Promise<void>;
}

export function basicAuth(privateKey: string, password = ''): string {
  return `Basic ${Buffer.from(`${privateKey}:${password}`).toString('base64')}`;
}

/** Server options that put a server on these scale-path back ends. */
export function scaleOptions(backends: ScaleBackends): Partial<ServerConfig> {
  return {
    database: backends.database,
    storage: backends.storage,
    s3Endpoint: backends.s3Endpoint,
    redis: backends.redis,
    redisPrefix: backends.redisPrefix,
  };
}

/** Scale back ends made for a caller's own data directory: a restart over it finds the same library. */
const backendsByDataDir = new Map<string, ScaleBackends>();

/**
 * Starts the real server on a random port over a fresh temporary data directory, and, when the
 * suites run on the scale path (MEDIA_LIBRARY_TEST_BACKEND=scale), over a fresh PostgreSQL
 * database, bucket and Redis prefix.
 */
export async function startTestServer(
  options: Partial<ServerConfig> = {},
  hooks: StartHooks = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'media-library-test-')));
  let ownBackends: ScaleBackends | undefined;
  let backendOptions: Partial<ServerConfig> = {};
  if (testBackend === 'scale' && options.database === undefined) {
    let backends = options.dataDir ? backendsByDataDir.get(options.dataDir) : undefined;
    if (!backends) {
      backends = await createScaleBackends();
      if (options.dataDir) backendsByDataDir.set(options.dataDir, backends);
      else ownBackends = backends;
    }
    backendOptions = scaleOptions(backends);
  }
  const server = await startMediaServer(
    {
      port: 0,
      dataDir,
      initialKeys: testKeys,
      logLevel: 'silent',
      rateLimit: false,
      urlFetch: { timeoutMs: 5000, allowPrivateNetworks: true },
      ...backendOptions,
      ...options,
    },
    hooks,
  );
  const { database } = server.context.config;
  let catalog: Kysely<Database> | undefined;
  return {
    url: server.url,
    dataDir,
    server,
    api(path, init = {}) {
      const { key = testKeys.privateKey, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null) headers.set('authorization', basicAuth(key));
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(server.url + path, {
        ...rest,
        headers,
        ...(json !== undefined && { body: JSON.stringify(json) }),
      });
    },
    async blobKeys(prefix) {
      const keys: string[] = [];
      for await (const key of server.context.storage.keys(prefix)) keys.push(key);
      return keys.sort();
    },
    catalog() {
      catalog ??= database
        ? openPostgresCatalog(database)
        : new Kysely<Database>({
            dialect: new SqliteDialect({ database: new BetterSqlite3(join(dataDir, 'library.db')) }),
          });
      return catalog;
    },
    async close() {
      await catalog?.destroy();
      await server.close();
      await ownBackends?.drop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
