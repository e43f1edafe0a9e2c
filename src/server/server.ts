import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ApiKeyPair } from '../shared/wire.js';
import { externalAiProviders, withExternalProviders } from './ai/external/index.js';
import { closeLocalModels, createAiProviders } from './ai/index.js';
import { AiJobs } from './ai/jobs.js';
import { buildApp } from './app.js';
import { ApiKeys } from './auth/api-keys.js';
import { MemoryRateLimiter, RedisRateLimiter } from './auth/rate-limiter.js';
import { type Backends, openBackends } from './backends.js';
import { defaultConfig, type ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { pruneAuditLog } from './library/audit.js';
import { BackupQueue } from './library/backup.js';
import { sweepOrphanBlobs } from './library/blobs.js';
import { DeliveryUsageRecorder } from './library/delivery-usage.js';
import { DerivedImages } from './library/derived-images.js';
import { FolderJobs } from './library/folder-jobs.js';
import { NamedTransformationCatalog } from './library/named-transformations.js';
import { NotificationHub } from './library/notification-hub.js';
import { NotificationMailer } from './library/notification-mail.js';
import { RedisRenderLocks } from './library/render-locks.js';
import { RenderQueue } from './library/render-queue.js';
import { RedisResumableLocker } from './library/resumable-locks.js';
import { auditRetentionMs } from './library/settings.js';
import { resetStagingDir } from './library/staging.js';
import { purgeExpiredTrash } from './library/trash.js';
import { UnauthenticatedUploads } from './library/unauthenticated-uploads.js';
import { UrlEndpointCatalog } from './library/url-endpoints.js';
import { createFirstAdmin } from './library/users.js';
import type { App } from './routes/route-plugin.js';

export interface MediaServer {
  /** `http://host:port` the server listens on. */
  url: string;
  app: App;
  context: ServerContext;
  /** The key pair made on this start, when the store had none; shown once, never stored in clear elsewhere. */
  createdKeys?: ApiKeyPair;
  /** The first admin made on this start, with its one-time password unless one was preset; shown once. */
  createdAdmin?: { email: string; password?: string };
  /** Orphan blobs the startup sweep removed. */
  sweptBlobs: number;
  close(): Promise<void>;
}

const maintenanceIntervalMs = 10 * 60_000;

/**
 * libvips threads per render, so that the renders running at once use the cores between them
 * rather than each all of them; its operation cache holds pixels no later request reuses (renditions
 * are cached in storage), so it is off.
 */
function shareCoresBetweenRenders(renders: number): void {
  sharp.concurrency(Math.max(1, Math.floor(availableParallelism() / renders)));
  sharp.cache(false);
}

export interface StartHooks {
  /** Runs once the API routes are registered and before the server listens: add routes, seed data. */
  beforeListen?: (app: App, context: ServerContext) => Promise<void>;
}

/**
 * On a shared catalog, how old a journaled blob must be before the sweep takes it for abandoned:
 * younger ones may be another node's upload or copy still under way.
 */
export const sharedOrphanAgeMs = 24 * 3_600_000;

/**
 * Opens the catalog, blob storage and shared state (the data directory, or PostgreSQL, S3 and
 * Redis), makes the first key pair if there is none, finishes whatever a crash left half-done,
 * and starts listening.
 */
export async function startMediaServer(
  options: Partial<ServerConfig> = {},
  hooks: StartHooks = {},
): Promise<MediaServer> {
  const config: ServerConfig = { ...defaultConfig(), ...options };
  const startedAt = Date.now();
  await mkdir(config.dataDir, { recursive: true });
  const backends = await openBackends(config);
  try {
    return await serveOn(config, backends, startedAt, hooks);
  } catch (error) {
    await backends.close();
    throw error;
  }
}

async function serveOn(
  config: ServerConfig,
  backends: Backends,
  startedAt: number,
  hooks: StartHooks,
): Promise<MediaServer> {
  const { store, storage, redis, shared } = backends;
  const stagingDir = join(config.dataDir, 'staging');
  await resetStagingDir(stagingDir);
  const ai = withExternalProviders(createAiProviders(config), externalAiProviders(config.externalAi));
  const context: ServerContext = {
    config,
    store,
    storage,
    stagingDir,
    keys: new ApiKeys(store),
    // Alone on its catalog a node finds every job at start; sharing it, it also looks now and then.
    jobs: new FolderJobs(
      { store, storage },
      { leaseMs: config.jobLeaseMs, ...(shared && { pollMs: Math.min(5000, config.jobLeaseMs / 2) }) },
    ),
    backup: new BackupQueue({ store, storage }, config),
    derivedImages: new DerivedImages(storage, store, {
      locks: redis && new RedisRenderLocks(redis, config.redisPrefix),
      budgetBytes: config.renditionCacheBytes,
    }),
    signInLimits: {
      account: redis
        ? new RedisRateLimiter(redis, `${config.redisPrefix}sign-in:`, config.signInLock.account)
        : new MemoryRateLimiter(config.signInLock.account),
      address: redis
        ? new RedisRateLimiter(redis, `${config.redisPrefix}sign-in:`, config.signInLock.address)
        : new MemoryRateLimiter(config.signInLock.address),
    },
    shareLimits: {
      requests: redis
        ? new RedisRateLimiter(redis, `${config.redisPrefix}share:`, config.shareLimits.requests)
        : new MemoryRateLimiter(config.shareLimits.requests),
      passwords: redis
        ? new RedisRateLimiter(redis, `${config.redisPrefix}share-password:`, config.shareLimits.passwords)
        : new MemoryRateLimiter(config.shareLimits.passwords),
    },
    unauthenticatedUploads: new UnauthenticatedUploads(config.unauthenticatedUploadBytes),
    namedTransformations: new NamedTransformationCatalog(store, config.namedTransforms),
    urlEndpoints: new UrlEndpointCatalog(store),
    deliveryUsage: new DeliveryUsageRecorder(store),
    renderQueue: new RenderQueue({
      concurrency: config.renderConcurrency,
      queueLength: config.renderQueueLength,
      memoryBytes: config.renderMemoryBytes,
    }),
    // Long encodes never take every slot: images keep rendering beside them.
    videoQueue: new RenderQueue({
      concurrency: config.videoRenderConcurrency,
      queueLength: config.renderQueueLength,
      memoryBytes: config.renderMemoryBytes,
    }),
    notificationHub: new NotificationHub(store, config.notifications),
    notificationMailer: new NotificationMailer(store, config.notifications),
    ai,
    // At most aiConcurrency model jobs at once in this process; other nodes claim the rest.
    aiJobs: new AiJobs(
      { store, storage, config, ai, stagingDir },
      { leaseMs: config.jobLeaseMs, ...(shared && { pollMs: Math.min(5000, config.jobLeaseMs / 2) }) },
    ),
  };
  shareCoresBetweenRenders(config.renderConcurrency);
  if (redis) context.resumableLocker = new RedisResumableLocker(redis, config.redisPrefix);
  if (redis) await context.notificationHub.useRedis(redis, config.redisPrefix);
  if (config.rateLimit) {
    context.rateLimiter = redis
      ? new RedisRateLimiter(redis, config.redisPrefix, config.rateLimit)
      : new MemoryRateLimiter(config.rateLimit);
  }
  if (config.renderBudget) {
    context.renderBudget = redis
      ? new RedisRateLimiter(redis, config.redisPrefix, config.renderBudget)
      : new MemoryRateLimiter(config.renderBudget);
  }

  // One transaction: nodes starting together on one catalog make the first pair once.
  const createdKeys = await store.transaction(async (tx) =>
    (await tx.apiKeys.list()).length > 0
      ? undefined
      : new ApiKeys(tx).create({
          kind: 'standard',
          name: 'First key',
          ...(config.initialKeys && { keys: config.initialKeys }),
        }),
  );
  const createdAdmin = await createFirstAdmin(store, config.initialAdmin ?? {});
  // Alone, everything journaled before this start was abandoned by a crash; shared, only what is old.
  const orphanCutoff = () => (shared ? Date.now() - sharedOrphanAgeMs : startedAt);
  // Alone, claims in the catalog are this node's previous life's; shared, their leases run out.
  if (!shared) {
    await store.jobs.releaseAllClaims();
    await store.backupJobs.releaseAllClaims();
    await store.aiJobs.releaseAllClaims();
  }
  const sweptBlobs = await sweepOrphanBlobs(context, orphanCutoff());
  await pruneAuditLog(store, await auditRetentionMs(store, config));
  await purgeExpiredTrash(context);

  const app = await buildApp(context);
  context.derivedImages.onError = (error) => app.log.error({ err: error }, 'storing a derived image failed');
  context.deliveryUsage.onError = (error) => app.log.error({ err: error }, 'counting deliveries failed');
  context.notificationHub.onError = (error) => app.log.error({ err: error }, 'notification stream failed');
  context.notificationMailer.onError = (error) => app.log.error({ err: error }, 'notification email failed');
  context.backup.onError = (error) => app.log.error({ err: error }, 'the backup queue failed');
  context.aiJobs.onError = (error) => app.log.error({ err: error }, 'an AI job failed');
  for (const limiter of [context.rateLimiter, context.renderBudget]) {
    if (limiter instanceof RedisRateLimiter)
      limiter.onError = (error) => app.log.error({ err: error }, 'Redis rate limiter failed');
  }
  await hooks.beforeListen?.(app, context);
  // A bare server opens the DAM app; a host page (the demo's) that claimed `/` keeps it.
  if (!app.hasRoute({ method: 'GET', url: '/' }))
    app.get('/', (_request, reply) => reply.redirect('/app/', 302));
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  const serverUrl = `http://${host}:${port}`;
  context.notificationMailer.start(config.upload.publicUrl ?? config.urlEndpoint ?? serverUrl);

  // Jobs a crash left pending run again now that the sweep has removed their half-copied bytes.
  context.jobs.start();
  context.backup.start();
  context.aiJobs.start();

  const maintenance = setInterval(() => {
    const work = async () => {
      await store.spentUploadTokens.forgetExpired(Date.now());
      await store.users.forgetExpiredSessions(Date.now());
      await pruneAuditLog(store, await auditRetentionMs(store, config));
      // Any node may purge: each batch is claimed in its transaction, so none is purged twice.
      await purgeExpiredTrash(context);
      // Nodes come and go without restarting the others: one of them must sweep as it runs.
      if (shared) await sweepOrphanBlobs(context, orphanCutoff());
    };
    work().catch((error) => app.log.error({ err: error }, 'maintenance failed'));
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
      await context.backup.stop();
      await context.aiJobs.stop();
      // Streams never end by themselves: close them so the server can.
      await context.notificationHub.close();
      await app.close();
      await context.notificationMailer.close();
      // Renditions still being stored check the catalog when they land.
      await context.derivedImages.settled();
      // After the renders: one may be analysing a file for fo-face.
      await closeLocalModels();
      await backends.close();
    },
  };
  if (createdKeys) server.createdKeys = createdKeys;
  if (createdAdmin) server.createdAdmin = createdAdmin;
  return server;
}
