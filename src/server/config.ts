import { resolve } from 'node:path';
import { parseSize } from '../shared/sizes.js';
import { parseRateLimit, type RateLimitSetting } from './auth/rate-limiter.js';

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
  /** A Redis URL (`redis://…`) for what nodes share: rate-limit counters and render locks. */
  redis?: string;
  /** Prefix of every Redis key, so several libraries can share one Redis. */
  redisPrefix: string;
  /** How long a node's claim on a folder job holds unless renewed; another node resumes it after. */
  jobLeaseMs: number;
  /**
   * Base of file URLs (`url`, `thumbnail`), e.g. `https://media.example.com`. When unset, each
   * response uses the origin the request came to, so the zero-setup server links to itself.
   */
  urlEndpoint?: string;
  /** Largest upload accepted, in bytes. */
  maxUploadBytes: number;
  /** Largest image accepted, in pixels (width × height); guards against decompression bombs. */
  maxImagePixels: number;
  /** Largest width or height a transformation may produce, in pixels. */
  maxTransformSize: number;
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
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

/** The configuration with nothing set. */
export function defaultConfig(): ServerConfig {
  return {
    port: 4310,
    host: '127.0.0.1',
    dataDir: resolve('media-data'),
    redisPrefix: 'media-library:',
    jobLeaseMs: 30_000,
    maxUploadBytes: 1024 ** 3,
    // sharp's own default for limitInputPixels: 16383 × 16383.
    maxImagePixels: 268_402_689,
    maxTransformSize: 8000,
    namedTransforms: {},
    rateLimit: { limit: 1000, intervalMs: 10_000 },
    urlFetch: { timeoutMs: 30_000, allowPrivateNetworks: false },
    logLevel: 'warn',
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
  const config: ServerConfig = {
    port,
    host: flags.host ?? env.MEDIA_LIBRARY_HOST ?? base.host,
    dataDir: resolve(flags.data ?? env.MEDIA_LIBRARY_DATA ?? base.dataDir),
    maxUploadBytes: size('MEDIA_LIBRARY_MAX_UPLOAD', base.maxUploadBytes),
    maxImagePixels: Number(env.MEDIA_LIBRARY_MAX_IMAGE_PIXELS ?? base.maxImagePixels),
    maxTransformSize: Number(env.MEDIA_LIBRARY_MAX_TRANSFORM_SIZE ?? base.maxTransformSize),
    namedTransforms: parseNamedTransforms(env.MEDIA_LIBRARY_NAMED_TRANSFORMS),
    rateLimit: env.MEDIA_LIBRARY_RATE_LIMIT ? parseRateLimit(env.MEDIA_LIBRARY_RATE_LIMIT) : base.rateLimit,
    urlFetch: {
      timeoutMs: Number(env.MEDIA_LIBRARY_URL_FETCH_TIMEOUT_MS ?? base.urlFetch.timeoutMs),
      allowPrivateNetworks: env.MEDIA_LIBRARY_URL_FETCH_ALLOW_PRIVATE === 'true',
    },
    logLevel: (env.MEDIA_LIBRARY_LOG_LEVEL as ServerConfig['logLevel']) ?? base.logLevel,
    redisPrefix: env.MEDIA_LIBRARY_REDIS_PREFIX ?? base.redisPrefix,
    jobLeaseMs: Number(env.MEDIA_LIBRARY_JOB_LEASE_MS ?? base.jobLeaseMs),
  };
  if (!Number.isInteger(config.jobLeaseMs) || config.jobLeaseMs < 1000)
    throw new Error(`MEDIA_LIBRARY_JOB_LEASE_MS="${env.MEDIA_LIBRARY_JOB_LEASE_MS}" should be 1000 or more`);
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
  const redis = flags.redis ?? env.REDIS_URL;
  if (redis)
    config.redis = checkUrl(redis, ['redis:', 'rediss:'], '--redis / REDIS_URL', 'redis://host:6379');
  if (env.MEDIA_LIBRARY_S3_ENDPOINT) config.s3Endpoint = env.MEDIA_LIBRARY_S3_ENDPOINT;
  if (!Number.isInteger(config.maxTransformSize) || config.maxTransformSize < 1)
    throw new Error(
      `MEDIA_LIBRARY_MAX_TRANSFORM_SIZE="${env.MEDIA_LIBRARY_MAX_TRANSFORM_SIZE}" should be pixels`,
    );
  if (env.MEDIA_LIBRARY_URL_ENDPOINT) config.urlEndpoint = env.MEDIA_LIBRARY_URL_ENDPOINT.replace(/\/+$/, '');
  if (env.MEDIA_LIBRARY_PUBLIC_KEY && env.MEDIA_LIBRARY_PRIVATE_KEY) {
    config.initialKeys = {
      publicKey: env.MEDIA_LIBRARY_PUBLIC_KEY,
      privateKey: env.MEDIA_LIBRARY_PRIVATE_KEY,
    };
  }
  return config;
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
