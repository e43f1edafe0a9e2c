import { resolve } from 'node:path';
import { parseSize } from '../shared/sizes.js';
import { parseRateLimit, type RateLimitSetting } from './auth/rate-limiter.js';

/** Everything the server can be told, with its default, in one place. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /**
   * Base of file URLs (`url`, `thumbnail`), e.g. `https://media.example.com`. When unset, each
   * response uses the origin the request came to, so the zero-setup server links to itself.
   */
  urlEndpoint?: string;
  /** Largest upload accepted, in bytes. */
  maxUploadBytes: number;
  /** Largest image accepted, in pixels (width × height); guards against decompression bombs. */
  maxImagePixels: number;
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
    maxUploadBytes: 1024 ** 3,
    // sharp's own default for limitInputPixels: 16383 × 16383.
    maxImagePixels: 268_402_689,
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
    rateLimit: env.MEDIA_LIBRARY_RATE_LIMIT ? parseRateLimit(env.MEDIA_LIBRARY_RATE_LIMIT) : base.rateLimit,
    urlFetch: {
      timeoutMs: Number(env.MEDIA_LIBRARY_URL_FETCH_TIMEOUT_MS ?? base.urlFetch.timeoutMs),
      allowPrivateNetworks: env.MEDIA_LIBRARY_URL_FETCH_ALLOW_PRIVATE === 'true',
    },
    logLevel: (env.MEDIA_LIBRARY_LOG_LEVEL as ServerConfig['logLevel']) ?? base.logLevel,
  };
  if (env.MEDIA_LIBRARY_URL_ENDPOINT) config.urlEndpoint = env.MEDIA_LIBRARY_URL_ENDPOINT.replace(/\/+$/, '');
  if (env.MEDIA_LIBRARY_PUBLIC_KEY && env.MEDIA_LIBRARY_PRIVATE_KEY) {
    config.initialKeys = {
      publicKey: env.MEDIA_LIBRARY_PUBLIC_KEY,
      privateKey: env.MEDIA_LIBRARY_PRIVATE_KEY,
    };
  }
  return config;
}
