import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from './context.js';

/** Express-style: Companion's app, behind its session middleware. */
export type CompanionHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

export interface CompanionSite {
  /** Where browsers reach this server (`https://media.example.com`); OAuth redirects come back here. */
  publicUrl: string;
  /** Where this server reaches itself (`http://127.0.0.1:4310`): Companion uploads only there. */
  localUrl: string;
  /** The mount path (`/companion`). */
  path: string;
  log: FastifyBaseLogger;
}

/**
 * Builds `@uppy/companion` for this server: provider credentials from the configuration, a
 * secret kept in the data directory, downloads streamed straight into uploads to this server
 * and nowhere else, and its logs sent to ours. Imported on first use: a server whose users never
 * import from a link or a cloud drive never loads it.
 */
export async function createCompanion(ctx: ServerContext, site: CompanionSite): Promise<CompanionHandler> {
  const [companion, { default: session }] = await Promise.all([
    import('@uppy/companion'),
    import('express-session'),
  ]);
  const { upload } = ctx.config;
  const secret = upload.companionSecret ?? (await storedSecret(ctx.config.dataDir));
  const filePath = join(ctx.config.dataDir, 'companion');
  await mkdir(filePath, { recursive: true });
  const publicUrl = new URL(site.publicUrl);
  routeCompanionLogs(site.log);
  const options = {
    secret,
    filePath,
    server: { host: publicUrl.host, protocol: publicUrl.protocol.slice(0, -1), path: site.path },
    providerOptions: Object.fromEntries(
      Object.entries(upload.providers).map(([name, credentials]) => [name, { ...credentials }]),
    ),
    // Uploads go to this server's own upload and resumable endpoints, reached locally.
    uploadUrls: [`^${escapeRegExp(site.localUrl)}/(api/v1/files/upload|_ml/tus)(/|$)`],
    corsOrigins: upload.companionOrigins.length > 0 ? upload.companionOrigins : [publicUrl.origin],
    enableUrlEndpoint: true,
    // The same SSRF rule as `file=<url>` uploads.
    allowLocalUrls: ctx.config.urlFetch.allowPrivateNetworks,
    maxFileSize: ctx.config.maxUploadBytes,
    streamingUpload: true,
    tusDeferredUploadLength: true,
    metrics: false,
    loggerProcessName: logTag,
  };
  // Companion schedules a daily clean-up of `filePath` (it holds nothing when streaming) that
  // would keep the process alive after the server closes; Express skips it in "test".
  const environment = process.env.NODE_ENV;
  process.env.NODE_ENV = 'test';
  let app: CompanionHandler;
  try {
    app = companion.app(options).app as unknown as CompanionHandler;
  } finally {
    if (environment === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = environment;
  }
  // Sessions carry OAuth state between the redirect to a provider and its callback.
  const sessions = session({
    secret,
    name: 'ml-companion',
    resave: false,
    saveUninitialized: false,
    cookie: {
      path: site.path,
      httpOnly: true,
      sameSite: 'lax',
      secure: publicUrl.protocol === 'https:',
      maxAge: 24 * 3_600_000,
    },
  }) as unknown as CompanionHandler;
  return (req, res, next) => sessions(req, res, (error) => (error ? next(error) : app(req, res, next)));
}

/** Companion's progress WebSocket (`…/api/<token>`) on the server's own port. */
export async function attachCompanionSocket(server: Server): Promise<void> {
  const companion = await import('@uppy/companion');
  companion.socket(server);
}

/** A secret made on first use and kept (owner-only) in the data directory, so provider sign-ins survive restarts. */
async function storedSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, 'companion-secret');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await writeFile(path, secret, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return (await readFile(path, 'utf8')).trim();
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Companion's log lines start with this name and the level (`[info]`); they go to our logger. */
const logTag = 'media-library-companion';
let companionLog: FastifyBaseLogger | undefined;
let logsRouted = false;

/**
 * Companion writes every log line (debug included, outside production) with `console.log`; our
 * server logs at the configured level. Its lines, recognisable by their tag, go to our logger;
 * everything else printed passes through untouched.
 */
function routeCompanionLogs(log: FastifyBaseLogger): void {
  companionLog = log;
  if (logsRouted) return;
  logsRouted = true;
  const print = console.log.bind(console);
  // The one place we intercept console output.
  console.log = (...args: unknown[]) => {
    const head = typeof args[0] === 'string' ? stripAnsi(args[0]) : '';
    if (!head.startsWith(`${logTag}: `)) return print(...args);
    const level = /\[(debug|info|warn|error)\]/.exec(head)?.[1] as
      | 'debug'
      | 'info'
      | 'warn'
      | 'error'
      | undefined;
    const message = args
      .slice(1)
      .map((part) => (typeof part === 'string' ? stripAnsi(part) : inspect(part)))
      .join(' ');
    const tag = head.split('] ')[1]?.trim();
    companionLog?.[level ?? 'info']({ companion: tag }, message);
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
