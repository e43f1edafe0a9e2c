import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseSize } from '../shared/sizes.js';
import {
  defaultExternalAiConfig,
  type ExternalAiConfig,
  resolveExternalAiConfig,
} from './ai/external/config.js';
import { parseRateLimit, type RateLimitSetting } from './auth/rate-limiter.js';
import { defaultQueryLimits, type QueryLimits } from './search/query-language.js';

/** Everything the server can be told, with its default, in one place. */
export interface ServerConfig {
  port: number;
  host: string;
  /**
   * The library on one machine: catalog (`library.db`), blobs and staging. With `database` and
   * `storage` set, only staging lives here: each node needs its own.
   */
  dataDir: string;
  /** A PostgreSQL URL (`postgres://…`) for the catalog; SQLite in `dataDir` when unset. */
  database?: string;
  /** An S3 location (`s3://bucket/prefix`) for blobs; `dataDir/blobs` when unset. */
  storage?: string;
  /** The endpoint of an S3-compatible server (MinIO, Ceph, R2…), addressed path-style; AWS when unset. */
  s3Endpoint?: string;
  /**
   * An S3 location (`s3://bucket/prefix`, `--backup`, `MEDIA_LIBRARY_BACKUP`) every new upload and
   * new version is also written to, at its library path; reached with the same S3 settings as storage.
   */
  backup?: string;
  /** The backup queue's first retry delay, doubled after each failure (`MEDIA_LIBRARY_BACKUP_RETRY_MS`). */
  backupRetryMs: number;
  /** Attempts before a backup write is given up and counted as failed (`MEDIA_LIBRARY_BACKUP_ATTEMPTS`). */
  backupAttempts: number;
  /** A Redis URL (`redis://…`) for what nodes share: rate-limit counters and render locks. */
  redis?: string;
  /** Prefix of every Redis key, so several libraries can share one Redis. */
  redisPrefix: string;
  /** How long a node's claim on a folder job holds unless renewed; another node resumes it after. */
  jobLeaseMs: number;
  /** Notifications (docs/comments.md): live streams and email. */
  notifications: NotificationConfig;
  /**
   * Days a deleted file or folder stays in the trash (`--trash-days`, `MEDIA_LIBRARY_TRASH_DAYS`)
   * before it is purged; 0 deletes at once, as ImageKit does.
   */
  trashDays: number;
  /** How long audit entries are kept (`MEDIA_LIBRARY_AUDIT_RETENTION`, e.g. 365d); forever when unset. */
  auditRetentionMs?: number;
  /**
   * Base of file URLs (`url`, `thumbnail`), e.g. `https://media.example.com`. When unset, each
   * response uses the origin the request came to, which `allowedHosts` vouches for.
   */
  urlEndpoint?: string;
  /**
   * `Host` names (optionally `name:port`) the server answers; any other gets 400, so a forged
   * Host can neither poison cached URLs nor rebind DNS to us. Empty: with `urlEndpoint` set, any
   * Host (URLs never come from it); without, only loopback names and the bound address.
   */
  allowedHosts: string[];
  /**
   * Page origins that may call the API from a browser: `*` (the default: the API takes no cookies,
   * only an `Authorization` header, so any page may use the credentials it holds) or a list.
   */
  corsOrigins: '*' | string[];
  /** Largest upload accepted, in bytes. */
  maxUploadBytes: number;
  /** Largest image accepted, in pixels (width × height); guards against decompression bombs. */
  maxImagePixels: number;
  /** Largest width or height a transformation may produce, in pixels. */
  maxTransformSize: number;
  /** Largest image a transformation may produce (or hold between steps), in pixels (width × height). */
  maxTransformPixels: number;
  /** Most steps a transformation may chain with `:`; each step re-reads the previous one's pixels. */
  maxTransformSteps: number;
  /** Renders running at once in this process; the rest wait in the render queue. */
  renderConcurrency: number;
  /** Whether this node runs the packaged AI models (docs/ai.md); off, extensions that need them answer 400. */
  ai: boolean;
  /** AI model jobs this process runs at once (each holds a model's working memory). */
  aiConcurrency: number;
  /**
   * Foreground first: no AI job starts on this node while it serves a request or served one less
   * than this long ago (0: jobs never wait for requests).
   */
  aiQuietMs: number;
  /** Under constant traffic a waiting AI worker still starts a job after this long, so jobs progress. */
  aiMaxDeferMs: number;
  /** Renders that may wait for a free slot; past it, delivery answers 503 with Retry-After. */
  renderQueueLength: number;
  /**
   * Memory the renders running at once may hold, by each render's estimate (pixels held between
   * chained steps, what the encoder buffers); a render that alone needs more is refused.
   */
  renderMemoryBytes: number;
  /** Video renders running at once, within the render slots (half of them by default, at least one). */
  videoRenderConcurrency: number;
  /** How long ffmpeg may take over one video rendition (and its probe) before it is killed. */
  videoRenderTimeoutMs: number;
  /**
   * Uncached renders each client address may cause through unsigned delivery URLs, or false for
   * no budget; past it, 429. Counted in Redis when configured.
   */
  renderBudget: RateLimitSetting | false;
  /** Bytes the rendition cache may hold; the least recently used renditions go first. */
  renditionCacheBytes: number;
  /** Transformed URLs need a valid signature (`ik-s`), as for private files; named ones excepted. */
  signedTransformations: boolean;
  /** Only named transformations (`n-<name>`) render; any other transformation is refused. */
  restrictUnnamedTransformations: boolean;
  /** How long a client may take to send a request's headers. */
  headersTimeoutMs: number;
  /** How long a request body may pause between bytes; resumable (tus) uploads too. */
  bodyIdleTimeoutMs: number;
  /** How long a whole request body may take, except the PATCHes of resumable uploads. */
  requestTimeoutMs: number;
  /**
   * Bytes of upload bodies in flight before their sender is known (no Authorization header, the
   * signature fields still to come), per client address and in all.
   */
  unauthenticatedUploadBytes: { perClient: number; total: number };
  /** How big a searchQuery may be. */
  search: QueryLimits;
  /**
   * Named transformations (`n-<name>` in a URL) and what they stand for, e.g.
   * `{ "product-card": "w-400,h-300,c-at_max" }`; added to, and able to replace, the built-in
   * `ik_ml_thumbnail` and `media_library_thumbnail`.
   */
  namedTransforms: Record<string, string>;
  /** Requests per key and endpoint group, or false for none. */
  rateLimit: RateLimitSetting | false;
  /** Server-side fetches of `file=<url>` uploads. */
  urlFetch: { timeoutMs: number; allowPrivateNetworks: boolean };
  /** The first standard key pair, used only while the store has no keys. */
  initialKeys?: { publicKey: string; privateKey: string };
  /** The first admin, made only while the catalog has no users; a generated one-time password when unset. */
  initialAdmin?: { email?: string; password?: string };
  /** Failed sign-ins per account, and per client address, before both are locked for the interval. */
  signInLock: { account: RateLimitSetting; address: RateLimitSetting };
  /** Bytes one ZIP download (`/_ml/downloads`, a share link's "Download all") may hold. */
  maxDownloadBytes: number;
  /** Requests per client address to share links' public pages, and password attempts per address and link. */
  shareLimits: { requests: RateLimitSetting; passwords: RateLimitSetting };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Uploads from the element: the resumable (tus) endpoint and Companion's remote sources. */
  upload: UploadSettings;
  /** External AI providers (`MEDIA_LIBRARY_AI_*`, docs/ai-providers.md); none by default. */
  externalAi: ExternalAiConfig;
}

/** The remote sources Companion can fetch from, by Companion's provider names. */
export const companionProviders = ['drive', 'dropbox', 'onedrive', 'box'] as const;
export type CompanionProvider = (typeof companionProviders)[number];

export interface UploadSettings {
  /** Files above this size go to the resumable endpoint; the element reads it from `/_ml/config`. */
  resumableThreshold: number;
  /** An unfinished resumable upload left untouched this long is deleted, bytes and all. */
  resumableExpiryMs: number;
  /**
   * The server's public origin (`https://media.example.com`), for the OAuth redirect URLs the
   * providers call back; `http://localhost:<port>` when unset and bound to loopback.
   */
  publicUrl?: string;
  /** Encrypts Companion's provider tokens; made once and kept in the data directory when unset. */
  companionSecret?: string;
  /**
   * Page origins allowed to sign in to providers through Companion and receive the token (where
   * the element runs); the public origin when empty.
   */
  companionOrigins: string[];
  /** OAuth app credentials per provider; a provider is offered only when it has them. */
  providers: Partial<Record<CompanionProvider, { key: string; secret: string }>>;
}

export interface NotificationConfig {
  /** SMTP server for notification emails (`MEDIA_LIBRARY_SMTP_URL`, `smtp://user:pass@host:587`); no email when unset. */
  smtpUrl?: string;
  /** The sender of notification emails (`MEDIA_LIBRARY_MAIL_FROM`). */
  mailFrom: string;
  /** Where the daily digests go out from, and how often the queue is looked at (`MEDIA_LIBRARY_DIGEST_INTERVAL`). */
  digestIntervalMs: number;
  /** A comment on every open stream this often, so proxies keep it and dead clients show up. */
  heartbeatMs: number;
  /** Bytes a stream may have waiting for a client that does not read; past it, the client is dropped. */
  maxStreamBufferBytes: number;
  /** Without Redis, how often a node asks the catalog for notifications other nodes made. */
  pollMs: number;
}

/** The configuration with nothing set. */
export function defaultConfig(): ServerConfig {
  return {
    port: 4310,
    host: '127.0.0.1',
    dataDir: resolve('media-data'),
    redisPrefix: 'media-library:',
    jobLeaseMs: 30_000,
    backupRetryMs: 5000,
    backupAttempts: 10,
    notifications: {
      mailFrom: 'Media Library <media-library@localhost>',
      digestIntervalMs: 24 * 3_600_000,
      heartbeatMs: 15_000,
      maxStreamBufferBytes: 64 * 1024,
      pollMs: 1000,
    },
    trashDays: 30,
    maxUploadBytes: 1024 ** 3,
    // sharp's own default for limitInputPixels: 16383 × 16383.
    maxImagePixels: 268_402_689,
    maxTransformSize: 8000,
    maxTransformPixels: 8000 * 8000,
    maxTransformSteps: 10,
    renderConcurrency: availableParallelism(),
    ai: true,
    aiConcurrency: availableParallelism(),
    aiQuietMs: 500,
    aiMaxDeferMs: 30_000,
    // A grid page of new thumbnails at once; waiting costs a socket, not pixels (sources load in turn).
    renderQueueLength: 64,
    renderMemoryBytes: 512 * 1024 ** 2,
    videoRenderConcurrency: Math.max(1, Math.floor(availableParallelism() / 2)),
    videoRenderTimeoutMs: 5 * 60_000,
    renderBudget: { limit: 300, intervalMs: 60_000 },
    renditionCacheBytes: 5 * 1024 ** 3,
    signedTransformations: false,
    restrictUnnamedTransformations: false,
    headersTimeoutMs: 30_000,
    bodyIdleTimeoutMs: 30_000,
    requestTimeoutMs: 10 * 60_000,
    unauthenticatedUploadBytes: { perClient: 100 * 1024 ** 2, total: 1024 ** 3 },
    search: defaultQueryLimits,
    namedTransforms: {},
    allowedHosts: [],
    corsOrigins: '*',
    rateLimit: { limit: 1000, intervalMs: 10_000 },
    signInLock: {
      account: { limit: 10, intervalMs: 15 * 60_000 },
      address: { limit: 100, intervalMs: 15 * 60_000 },
    },
    urlFetch: { timeoutMs: 30_000, allowPrivateNetworks: false },
    maxDownloadBytes: 10 * 1024 ** 3,
    shareLimits: {
      requests: { limit: 2000, intervalMs: 60_000 },
      passwords: { limit: 10, intervalMs: 15 * 60_000 },
    },
    logLevel: 'warn',
    upload: {
      resumableThreshold: 20 * 1024 ** 2,
      resumableExpiryMs: 24 * 3_600_000,
      companionOrigins: [],
      providers: {},
    },
    externalAi: defaultExternalAiConfig,
  };
}

/** Flags as the CLI parsed them; each falls back to an environment variable, then the default. */
export interface ConfigFlags {
  port?: string;
  host?: string;
  data?: string;
  database?: string;
  storage?: string;
  redis?: string;
  'url-endpoint'?: string;
  'allowed-hosts'?: string;
  'cors-origins'?: string;
  'trash-days'?: string;
  backup?: string;
  'no-ai'?: boolean;
  'ai-concurrency'?: string;
}

type Env = Record<string, string | undefined>;

export function resolveConfig(flags: ConfigFlags, env: Env = process.env): ServerConfig {
  const base = defaultConfig();
  const port = Number(flags.port ?? env.PORT ?? base.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`port "${flags.port ?? env.PORT}" is not a port number`);
  const size = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined) return fallback;
    const bytes = parseSize(text);
    if (bytes === undefined) throw new Error(`${name}="${text}" should be a size such as 500mb or 2gb`);
    return bytes;
  };
  const count = (name: string, fallback: number, min = 1, text = env[name]) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || value < min)
      throw new Error(`${name}="${text}" should be a whole number, ${min} or more`);
    return value;
  };
  const duration = (name: string, fallback: number) => {
    const text = env[name];
    return text === undefined ? fallback : parseDuration(name, text);
  };
  const flag = (name: string) => {
    const text = env[name];
    if (text === undefined || text === '' || text === 'false') return false;
    if (text === 'true') return true;
    throw new Error(`${name}="${text}" should be true or false`);
  };
  const config: ServerConfig = {
    port,
    host: flags.host ?? env.MEDIA_LIBRARY_HOST ?? base.host,
    dataDir: resolve(flags.data ?? env.MEDIA_LIBRARY_DATA ?? base.dataDir),
    maxUploadBytes: size('MEDIA_LIBRARY_MAX_UPLOAD', base.maxUploadBytes),
    signInLock: base.signInLock,
    notifications: base.notifications,
    maxImagePixels: Number(env.MEDIA_LIBRARY_MAX_IMAGE_PIXELS ?? base.maxImagePixels),
    maxTransformSize: Number(env.MEDIA_LIBRARY_MAX_TRANSFORM_SIZE ?? base.maxTransformSize),
    maxTransformPixels: count('MEDIA_LIBRARY_MAX_TRANSFORM_PIXELS', base.maxTransformPixels),
    maxTransformSteps: count('MEDIA_LIBRARY_MAX_TRANSFORM_STEPS', base.maxTransformSteps),
    renderConcurrency: count('MEDIA_LIBRARY_RENDER_CONCURRENCY', base.renderConcurrency),
    ai: flags['no-ai'] ? false : env.MEDIA_LIBRARY_AI === undefined ? base.ai : flag('MEDIA_LIBRARY_AI'),
    aiConcurrency:
      flags['ai-concurrency'] === undefined
        ? count('MEDIA_LIBRARY_AI_CONCURRENCY', base.aiConcurrency)
        : count('--ai-concurrency', base.aiConcurrency, 1, flags['ai-concurrency']),
    aiQuietMs: duration('MEDIA_LIBRARY_AI_QUIET', base.aiQuietMs),
    aiMaxDeferMs: duration('MEDIA_LIBRARY_AI_MAX_DEFER', base.aiMaxDeferMs),
    renderQueueLength: count('MEDIA_LIBRARY_RENDER_QUEUE', base.renderQueueLength, 0),
    renderMemoryBytes: size('MEDIA_LIBRARY_RENDER_MEMORY', base.renderMemoryBytes),
    videoRenderConcurrency: count('MEDIA_LIBRARY_VIDEO_RENDER_CONCURRENCY', base.videoRenderConcurrency),
    videoRenderTimeoutMs: duration('MEDIA_LIBRARY_VIDEO_RENDER_TIMEOUT', base.videoRenderTimeoutMs),
    renderBudget: env.MEDIA_LIBRARY_RENDER_BUDGET
      ? parseRateLimit(env.MEDIA_LIBRARY_RENDER_BUDGET)
      : base.renderBudget,
    renditionCacheBytes: size('MEDIA_LIBRARY_RENDITION_CACHE', base.renditionCacheBytes),
    maxDownloadBytes: size('MEDIA_LIBRARY_MAX_DOWNLOAD', base.maxDownloadBytes),
    shareLimits: {
      requests: env.MEDIA_LIBRARY_SHARE_RATE_LIMIT
        ? parseRateLimit(env.MEDIA_LIBRARY_SHARE_RATE_LIMIT) || base.shareLimits.requests
        : base.shareLimits.requests,
      passwords: base.shareLimits.passwords,
    },
    signedTransformations: flag('MEDIA_LIBRARY_SIGNED_TRANSFORMATIONS'),
    restrictUnnamedTransformations: flag('MEDIA_LIBRARY_RESTRICT_UNNAMED_TRANSFORMATIONS'),
    headersTimeoutMs: duration('MEDIA_LIBRARY_HEADERS_TIMEOUT', base.headersTimeoutMs),
    bodyIdleTimeoutMs: duration('MEDIA_LIBRARY_BODY_IDLE_TIMEOUT', base.bodyIdleTimeoutMs),
    requestTimeoutMs: duration('MEDIA_LIBRARY_REQUEST_TIMEOUT', base.requestTimeoutMs),
    unauthenticatedUploadBytes: {
      perClient: size(
        'MEDIA_LIBRARY_UNAUTHENTICATED_UPLOAD_PER_CLIENT',
        base.unauthenticatedUploadBytes.perClient,
      ),
      total: size('MEDIA_LIBRARY_UNAUTHENTICATED_UPLOAD_TOTAL', base.unauthenticatedUploadBytes.total),
    },
    search: {
      maxLength: count('MEDIA_LIBRARY_SEARCH_MAX_LENGTH', base.search.maxLength),
      maxDepth: count('MEDIA_LIBRARY_SEARCH_MAX_DEPTH', base.search.maxDepth),
      maxConditions: count('MEDIA_LIBRARY_SEARCH_MAX_CONDITIONS', base.search.maxConditions),
      maxValues: count('MEDIA_LIBRARY_SEARCH_MAX_VALUES', base.search.maxValues),
    },
    namedTransforms: parseNamedTransforms(env.MEDIA_LIBRARY_NAMED_TRANSFORMS),
    allowedHosts: parseAllowedHosts(flags['allowed-hosts'] ?? env.MEDIA_LIBRARY_ALLOWED_HOSTS),
    corsOrigins: parseCorsOrigins(flags['cors-origins'] ?? env.MEDIA_LIBRARY_CORS_ORIGINS),
    rateLimit: env.MEDIA_LIBRARY_RATE_LIMIT ? parseRateLimit(env.MEDIA_LIBRARY_RATE_LIMIT) : base.rateLimit,
    urlFetch: {
      timeoutMs: Number(env.MEDIA_LIBRARY_URL_FETCH_TIMEOUT_MS ?? base.urlFetch.timeoutMs),
      allowPrivateNetworks: env.MEDIA_LIBRARY_URL_FETCH_ALLOW_PRIVATE === 'true',
    },
    logLevel: (env.MEDIA_LIBRARY_LOG_LEVEL as ServerConfig['logLevel']) ?? base.logLevel,
    upload: resolveUploadSettings(env, base.upload, size),
    externalAi: resolveExternalAiConfig(env),
    redisPrefix: env.MEDIA_LIBRARY_REDIS_PREFIX ?? base.redisPrefix,
    jobLeaseMs: Number(env.MEDIA_LIBRARY_JOB_LEASE_MS ?? base.jobLeaseMs),
    backupRetryMs: Number(env.MEDIA_LIBRARY_BACKUP_RETRY_MS ?? base.backupRetryMs),
    backupAttempts: Number(env.MEDIA_LIBRARY_BACKUP_ATTEMPTS ?? base.backupAttempts),
    trashDays: parseTrashDays(flags['trash-days'] ?? env.MEDIA_LIBRARY_TRASH_DAYS, base.trashDays),
  };
  if (!Number.isInteger(config.jobLeaseMs) || config.jobLeaseMs < 1000)
    throw new Error(`MEDIA_LIBRARY_JOB_LEASE_MS="${env.MEDIA_LIBRARY_JOB_LEASE_MS}" should be 1000 or more`);
  config.notifications = {
    ...base.notifications,
    mailFrom: env.MEDIA_LIBRARY_MAIL_FROM ?? base.notifications.mailFrom,
    digestIntervalMs: duration('MEDIA_LIBRARY_DIGEST_INTERVAL', base.notifications.digestIntervalMs),
  };
  const smtp = env.MEDIA_LIBRARY_SMTP_URL;
  if (smtp)
    config.notifications.smtpUrl = checkUrl(
      smtp,
      ['smtp:', 'smtps:'],
      'MEDIA_LIBRARY_SMTP_URL',
      'smtp://user:password@mail.example.com:587',
    );
  const retention = env.MEDIA_LIBRARY_AUDIT_RETENTION;
  if (retention !== undefined && retention !== '' && retention !== 'forever')
    config.auditRetentionMs = parseDuration('MEDIA_LIBRARY_AUDIT_RETENTION', retention);
  const database = flags.database ?? env.DATABASE_URL;
  if (database)
    config.database = checkUrl(
      database,
      ['postgres:', 'postgresql:'],
      '--database / DATABASE_URL',
      'postgres://user:password@host:5432/media',
    );
  const storage = flags.storage ?? env.MEDIA_LIBRARY_STORAGE;
  if (storage)
    config.storage = checkUrl(storage, ['s3:'], '--storage / MEDIA_LIBRARY_STORAGE', 's3://bucket/prefix');
  const backup = flags.backup ?? env.MEDIA_LIBRARY_BACKUP;
  if (backup)
    config.backup = checkUrl(backup, ['s3:'], '--backup / MEDIA_LIBRARY_BACKUP', 's3://bucket/prefix');
  if (!Number.isInteger(config.backupRetryMs) || config.backupRetryMs < 1)
    throw new Error(
      `MEDIA_LIBRARY_BACKUP_RETRY_MS="${env.MEDIA_LIBRARY_BACKUP_RETRY_MS}" should be milliseconds`,
    );
  if (!Number.isInteger(config.backupAttempts) || config.backupAttempts < 1)
    throw new Error(
      `MEDIA_LIBRARY_BACKUP_ATTEMPTS="${env.MEDIA_LIBRARY_BACKUP_ATTEMPTS}" should be 1 or more`,
    );
  const redis = flags.redis ?? env.REDIS_URL;
  if (redis)
    config.redis = checkUrl(redis, ['redis:', 'rediss:'], '--redis / REDIS_URL', 'redis://host:6379');
  if (env.MEDIA_LIBRARY_S3_ENDPOINT) config.s3Endpoint = env.MEDIA_LIBRARY_S3_ENDPOINT;
  if (!Number.isInteger(config.maxTransformSize) || config.maxTransformSize < 1)
    throw new Error(
      `MEDIA_LIBRARY_MAX_TRANSFORM_SIZE="${env.MEDIA_LIBRARY_MAX_TRANSFORM_SIZE}" should be pixels`,
    );
  const urlEndpoint = flags['url-endpoint'] ?? env.MEDIA_LIBRARY_URL_ENDPOINT;
  if (urlEndpoint)
    config.urlEndpoint = checkUrl(
      urlEndpoint,
      ['http:', 'https:'],
      '--url-endpoint / MEDIA_LIBRARY_URL_ENDPOINT',
      'https://media.example.com',
    ).replace(/\/+$/, '');
  if (env.MEDIA_LIBRARY_PUBLIC_KEY && env.MEDIA_LIBRARY_PRIVATE_KEY) {
    config.initialKeys = {
      publicKey: env.MEDIA_LIBRARY_PUBLIC_KEY,
      privateKey: env.MEDIA_LIBRARY_PRIVATE_KEY,
    };
  }
  if (env.MEDIA_LIBRARY_ADMIN_EMAIL || env.MEDIA_LIBRARY_ADMIN_PASSWORD) {
    config.initialAdmin = {
      ...(env.MEDIA_LIBRARY_ADMIN_EMAIL && { email: env.MEDIA_LIBRARY_ADMIN_EMAIL }),
      ...(env.MEDIA_LIBRARY_ADMIN_PASSWORD && { password: env.MEDIA_LIBRARY_ADMIN_PASSWORD }),
    };
  }
  return config;
}

/** `--trash-days` / `MEDIA_LIBRARY_TRASH_DAYS`: whole days, 0 (delete at once) to 3650. */
function parseTrashDays(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const days = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || days > 3650)
    throw new Error(
      `--trash-days / MEDIA_LIBRARY_TRASH_DAYS="${text}" should be a whole number of days from 0 (delete at once) to 3650`,
    );
  return days;
}

/** Env names of each provider's OAuth app credentials (`…_KEY`, `…_SECRET`). */
const providerEnv: Record<CompanionProvider, string> = {
  drive: 'MEDIA_LIBRARY_GOOGLE_DRIVE',
  dropbox: 'MEDIA_LIBRARY_DROPBOX',
  onedrive: 'MEDIA_LIBRARY_ONEDRIVE',
  box: 'MEDIA_LIBRARY_BOX',
};

function resolveUploadSettings(
  env: Env,
  base: UploadSettings,
  size: (name: string, fallback: number) => number,
): UploadSettings {
  const settings: UploadSettings = {
    resumableThreshold: size('MEDIA_LIBRARY_RESUMABLE_THRESHOLD', base.resumableThreshold),
    resumableExpiryMs: env.MEDIA_LIBRARY_RESUMABLE_EXPIRY
      ? parseDuration('MEDIA_LIBRARY_RESUMABLE_EXPIRY', env.MEDIA_LIBRARY_RESUMABLE_EXPIRY)
      : base.resumableExpiryMs,
    companionOrigins: commaList(env.MEDIA_LIBRARY_COMPANION_ORIGINS).map((origin) =>
      origin.replace(/\/+$/, ''),
    ),
    providers: {},
  };
  for (const origin of settings.companionOrigins) checkOrigin(origin, 'MEDIA_LIBRARY_COMPANION_ORIGINS');
  if (env.MEDIA_LIBRARY_PUBLIC_URL) {
    const url = env.MEDIA_LIBRARY_PUBLIC_URL;
    if (!/^https?:\/\/[^/]+\/?$/i.test(url))
      throw new Error(
        `MEDIA_LIBRARY_PUBLIC_URL="${url}" should be an origin such as https://media.example.com`,
      );
    settings.publicUrl = url.replace(/\/+$/, '');
  }
  if (env.MEDIA_LIBRARY_COMPANION_SECRET) settings.companionSecret = env.MEDIA_LIBRARY_COMPANION_SECRET;
  for (const provider of companionProviders) {
    const key = env[`${providerEnv[provider]}_KEY`];
    const secret = env[`${providerEnv[provider]}_SECRET`];
    if (!key && !secret) continue;
    if (!key || !secret)
      throw new Error(
        `Set both ${providerEnv[provider]}_KEY and ${providerEnv[provider]}_SECRET, or neither.`,
      );
    settings.providers[provider] = { key, secret };
  }
  return settings;
}

/** A comma-separated list, trimmed, without empty entries. */
function commaList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function checkOrigin(origin: string, name: string): void {
  if (!/^https?:\/\/[^/]+$/i.test(origin))
    throw new Error(`${name}: "${origin}" should be an origin such as https://cms.example.com`);
}

/** `--cors-origins` / `MEDIA_LIBRARY_CORS_ORIGINS`: `*`, or origins such as `https://cms.example.com`. */
function parseCorsOrigins(text: string | undefined): '*' | string[] {
  const origins = commaList(text).map((origin) => origin.replace(/\/+$/, ''));
  if (origins.length === 0 || (origins.length === 1 && origins[0] === '*')) return '*';
  for (const origin of origins) checkOrigin(origin, '--cors-origins / MEDIA_LIBRARY_CORS_ORIGINS');
  return origins;
}

/** `--allowed-hosts` / `MEDIA_LIBRARY_ALLOWED_HOSTS`: host names, each optionally with `:port`. */
function parseAllowedHosts(text: string | undefined): string[] {
  const hosts = commaList(text).map((host) => host.toLowerCase());
  for (const host of hosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host))
      throw new Error(
        `--allowed-hosts / MEDIA_LIBRARY_ALLOWED_HOSTS: "${host}" should be a host name such as media.example.com or media.example.com:8080`,
      );
  }
  return hosts;
}

/** A duration such as `500ms`, `90s`, `30m`, `24h` or `7d`, in milliseconds. */
function parseDuration(name: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!match) throw new Error(`${name}="${text}" should be a duration such as 30s, 30m, 24h or 7d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}

/** A URL of one of `protocols`, or an error that shows what one looks like (and never echoes a password). */
function checkUrl(text: string, protocols: string[], name: string, example: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = undefined;
  }
  if (!protocol || !protocols.includes(protocol)) {
    const got = protocol ? `a ${protocol}// URL` : 'not a URL';
    throw new Error(`${name} should look like ${example}; this is ${got}`);
  }
  return text;
}

/** `MEDIA_LIBRARY_NAMED_TRANSFORMS`: a JSON object of names to transformation strings. */
function parseNamedTransforms(text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const valid =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  if (!valid) {
    throw new Error(
      `MEDIA_LIBRARY_NAMED_TRANSFORMS should be a JSON object such as {"card":"w-400,h-300"}, not ${text}`,
    );
  }
  return value as Record<string, string>;
}
