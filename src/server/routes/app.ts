import { readFile, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { deliverFile } from './delivery.js';
import type { RoutePlugin } from './route-plugin.js';

/** `dist/app`, built by `vite build --mode app` (`npm run build:browser`); from src/ and dist/ alike. */
export const appDir = fileURLToPath(new URL('../../../dist/app/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

/** Hashed build output: a name never gets other bytes, so browsers and CDNs keep it for a year. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * The page runs only the origin's scripts (none inline), talks only to this origin and may not be
 * framed (no clickjacking of a signed-in user). Styles may be inline: Lit and Uppy set them.
 * `blob:` and `data:` are previews of files being uploaded, edited or taken with the camera. A
 * URL endpoint on another origin (a CDN) serves the thumbnails and originals.
 */
export function appSecurityHeaders(urlEndpoint?: string): Record<string, string> {
  let media = "'self'";
  if (urlEndpoint) {
    const origin = new URL(urlEndpoint).origin;
    if (origin !== 'null') media += ` ${origin}`;
  }
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      `img-src ${media} data: blob:`,
      `media-src ${media} blob:`,
      `connect-src ${media}`,
      "worker-src 'self' blob:",
      "manifest-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
  };
}

/** A name inside the build (`assets/index-1a2b.js`), never a way out of it. */
const buildFileName = /^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*$/;

/**
 * The DAM app at `/app/`: its files as built, and the page itself for every other address under
 * it (`/app/library/campaigns`, `/app/users`), so a deep link survives a reload. Any other name
 * with an extension is delivered as a library file (a folder named `app` keeps working) or is a
 * 404, never the page: a stale chunk must fail as a script, not parse HTML.
 */
export const appRoutes: RoutePlugin = async (app, { ctx }) => {
  const pageHeaders = appSecurityHeaders(ctx.config.urlEndpoint);

  const notBuilt = () =>
    new ApiError(
      503,
      'The DAM app is not built on this server: run `npm run build:browser` (the published package ships it).',
      { reason: 'APP_NOT_BUILT' },
    );

  async function fileOf(name: string): Promise<Buffer | undefined> {
    if (!buildFileName.test(name) || name.split('/').includes('..')) return undefined;
    const path = join(appDir, name);
    if (!path.startsWith(appDir) || path.includes(`${sep}..${sep}`)) return undefined;
    const info = await stat(path).catch(() => undefined);
    return info?.isFile() ? readFile(path) : undefined;
  }

  const serve = async (name: string, request: FastifyRequest, reply: FastifyReply) => {
    const body = name === '' || name === 'index.html' ? undefined : await fileOf(name);
    if (body) {
      reply.type(types[extname(name)] ?? 'application/octet-stream');
      reply.header('cache-control', name.startsWith('assets/') ? immutable : 'no-cache');
      // The service worker controls everything under /app/ from its own address.
      if (name === 'sw.js') reply.header('service-worker-allowed', '/app/');
      return reply.send(body);
    }
    // Not the app's: a file of the library's folder /app/, or nothing (a 404, never the page).
    if (/\.\w+$/.test(name)) return deliverFile(ctx, request, reply);
    const page = await readFile(join(appDir, 'index.html')).catch(() => undefined);
    if (!page) throw notBuilt();
    return reply.type(types['.html']!).header('cache-control', 'no-cache').headers(pageHeaders).send(page);
  };
  // `/app` and `/app/` (the router ignores a trailing slash), then everything under it.
  app.get('/app', (request, reply) => serve('', request, reply));
  app.get<{ Params: { '*': string } }>('/app/*', (request, reply) =>
    serve(request.params['*'] ?? '', request, reply),
  );
};
