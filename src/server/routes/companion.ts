import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateRequest } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { userSessionOf } from '../auth/user-sessions.js';
import { attachCompanionSocket, type CompanionHandler, createCompanion } from '../companion.js';
import type { ServerContext } from '../context.js';
import { badRequest, HELP, notFound } from '../errors.js';
import { checkUploadAhead, type UploadFields } from '../library/uploads.js';
import type { RoutePlugin } from './route-plugin.js';
import { tusPath } from './tus.js';

/** Where Companion answers (OAuth, provider listings, imports, its progress socket under `…/api/`). */
export const companionPath = '/companion';

const uploadPath = '/api/v1/files/upload';
const maxJsonBytes = 256 * 1024;

/**
 * `@uppy/companion` at `/companion`: provider sign-in and browsing, imports from links and cloud
 * drives. Imports cost this server work, so they (and link lookups) need the caller's session or
 * key with write access. An import names where Companion should upload the file; only this
 * server's own upload API or resumable endpoint is accepted, and the import is checked up front
 * as that upload will be (fields, folder scope, size, a taken name). Companion then sends the
 * bytes there, with the credentials the client gave it, so the file gets exactly the same auth,
 * naming and validation as any upload.
 */
export const companionRoutes: RoutePlugin = async (app, { ctx }) => {
  let companion: Promise<CompanionHandler> | undefined;
  const sockets = new Set<Socket>();

  const local = () => {
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('Companion needs a TCP listener');
    const host =
      address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address === '::'
          ? '[::1]'
          : address.family === 'IPv6'
            ? `[${address.address}]`
            : address.address;
    return { url: `http://${host}:${address.port}`, port: address.port };
  };

  const start = async (): Promise<CompanionHandler> => {
    const { url, port } = local();
    const loopback = ['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(ctx.config.host);
    const publicUrl =
      ctx.config.upload.publicUrl ?? `http://${loopback ? 'localhost' : ctx.config.host}:${port}`;
    app.server.on('upgrade', (_request: IncomingMessage, socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await attachCompanionSocket(app.server);
    return createCompanion(ctx, { publicUrl, localUrl: url, path: companionPath, log: app.log });
  };

  // Companion reads its own bodies (and ours, for the routes checked here).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw as IncomingMessage & { body?: unknown; _body?: boolean; originalUrl?: string };
    const path = (raw.url ?? '/').split('?')[0]!.slice(companionPath.length) || '/';
    if (!offered(path, ctx)) {
      throw notFound(
        `There is no ${companionPath}${path}: this server imports from links and the providers /_ml/config lists.`,
        {
          reason: 'NOT_FOUND',
        },
      );
    }
    const guarded = request.method === 'POST' && guardedRoute(path);
    if (guarded) {
      const principal = await authenticateRequest(ctx.store, request.headers.authorization, 'write', {
        sessions: true,
        ...userSessionOf(request),
      });
      const body = await readJson(raw);
      if (guarded === 'import') await checkImport(ctx, request, body, principal, local().url);
      // Companion's JSON parser takes a body marked as parsed as it is.
      raw.body = body;
      raw._body = true;
    }
    companion ??= start();
    const handler = await companion;
    reply.hijack();
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice(companionPath.length) || '/';
    handler(raw, reply.raw, (error) => {
      if (reply.raw.headersSent) return;
      if (error) request.log.error({ err: error }, 'Companion failed');
      const status = error ? 500 : 404;
      reply.raw.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      reply.raw.end(
        JSON.stringify({
          message: error
            ? `Something went wrong on the server. It has been logged as request ${request.id}.`
            : `There is no ${request.method} ${companionPath}${path} in Companion.`,
          help: HELP,
        }),
      );
    });
  };

  const methods = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;
  app.route({ method: [...methods], url: companionPath, handler: handle });
  app.route({ method: [...methods], url: `${companionPath}/*`, handler: handle });

  // Progress sockets outlive requests; they end with the server.
  app.addHook('preClose', async () => {
    for (const socket of sockets) socket.destroy();
  });
};

/**
 * Companion mounts every provider it knows (and S3, metrics…); only links and the providers with
 * credentials are offered, the rest answer 404 rather than an OAuth redirect with no app behind it.
 */
function offered(path: string, ctx: ServerContext): boolean {
  const [first, second] = path.split('/').filter(Boolean);
  const configured = (name: string | undefined) =>
    name !== undefined && Object.hasOwn(ctx.config.upload.providers, name);
  if (first === 'url') return true;
  if (first === 'connect') return configured(second && (grantNames[second] ?? second));
  return configured(first);
}

/** Grant's names for providers (its `/connect/<name>` OAuth routes) where they differ from Companion's. */
const grantNames: Record<string, string> = { googledrive: 'drive', microsoft: 'onedrive' };

/** Routes that make this server fetch from elsewhere: link lookups and imports. */
function guardedRoute(path: string): 'lookup' | 'import' | undefined {
  if (path === '/url/meta') return 'lookup';
  if (path === '/url/get' || /^\/(search\/)?[\w-]+\/get\/./.test(path)) return 'import';
  return undefined;
}

async function readJson(raw: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > maxJsonBytes) throw badRequest(`Send at most ${maxJsonBytes} bytes of JSON to Companion.`);
    chunks.push(chunk as Buffer);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badRequest('Send Companion a JSON object.', { reason: 'INVALID_JSON' });
}

/**
 * An import's destination must be this server's upload API (`multipart`) or resumable endpoint
 * (`tus`), on the origin the browser uses; it is rewritten to the local address Companion may
 * upload to. Its fields and size are checked now, as the upload will check them.
 */
async function checkImport(
  ctx: ServerContext,
  request: FastifyRequest,
  body: Record<string, unknown>,
  principal: Principal,
  localUrl: string,
): Promise<void> {
  const protocol = body.protocol ?? 'multipart';
  if (protocol !== 'multipart' && protocol !== 'tus') {
    throw badRequest('Companion imports into this server with the multipart or tus protocol.', {
      reason: 'INVALID_PARAMETER',
    });
  }
  if (body.httpMethod !== undefined && String(body.httpMethod).toLowerCase() !== 'post')
    throw badRequest('Companion imports into this server with POST.', { reason: 'INVALID_PARAMETER' });
  const origins = new Set([`${request.protocol}://${request.host}`]);
  if (ctx.config.upload.publicUrl) origins.add(ctx.config.upload.publicUrl);
  const ours = (value: unknown, paths: RegExp): string => {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw badRequest('The import’s upload destination is not a URL.', { reason: 'INVALID_PARAMETER' });
    }
    if (!origins.has(url.origin) || !paths.test(url.pathname)) {
      throw badRequest(
        `Companion uploads only to this server's ${uploadPath} or ${tusPath}, and ${url.origin}${url.pathname} is neither.`,
        { reason: 'INVALID_PARAMETER' },
      );
    }
    return `${localUrl}${url.pathname}${url.search}`;
  };
  body.endpoint = ours(
    body.endpoint,
    protocol === 'tus' ? /^\/_ml\/tus\/?$/ : /^\/api\/v1\/files\/upload\/?$/,
  );
  if (body.uploadUrl !== undefined && body.uploadUrl !== null) {
    if (protocol !== 'tus')
      throw badRequest('uploadUrl is for tus imports.', { reason: 'INVALID_PARAMETER' });
    body.uploadUrl = ours(body.uploadUrl, /^\/_ml\/tus\/[0-9a-f]{32}$/);
  }
  const metadata = body.metadata && typeof body.metadata === 'object' ? body.metadata : {};
  const fields: UploadFields = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string') fields[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[key] = String(value);
  }
  const size = typeof body.size === 'number' && body.size > 0 ? body.size : undefined;
  // A refusal is a 4xx with `message`, which Companion's client shows as it is.
  await checkUploadAhead(ctx, fields, principal, size);
}
