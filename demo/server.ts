import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  libraryIsEmpty,
  type MediaServer,
  type ServerConfig,
  seedSampleLibrary,
  startMediaServer,
} from '../src/server/index.js';
import { createTokenEndpoint, fastifyTokenEndpoint } from '../src/token-endpoint/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
/**
 * The page runs only its own scripts, talks only to this origin and may not be framed (no
 * clickjacking of an editor who is signed in). Styles may be inline: Lit and Uppy set them.
 * `blob:` and `data:` are previews of files being uploaded, edited or taken with the camera.
 */
const pageSecurityHeaders = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/** Files the page may load: its own, and the built element beside its lazy chunks. */
const demoFiles = /^(app\.js|app\.css)$/;
const distFiles = /^media-library[\w.-]*\.js(\.map)?$/;

export interface DemoServer extends MediaServer {
  /** Files the first start added (0 when the library already had files). */
  seeded: number;
}

/**
 * The media server plus the demo: the page at `/`, its files under `/_ml/demo/`, and a token
 * endpoint at `/_ml/demo/auth` that signs with the first key pair, so the page holds no key. It
 * lets anyone who can reach it in: bind it to loopback (the default). Pages of other origins get
 * no session (the endpoint has no CORS and refuses cross-site requests), and other host names
 * (DNS rebinding) are refused by the server's Host check.
 */
export async function startDemoServer(
  config: Partial<ServerConfig>,
  log: (line: string) => void = () => {},
): Promise<DemoServer> {
  let seeded = 0;
  const server = await startMediaServer(config, {
    async beforeListen(app, ctx) {
      if (await libraryIsEmpty(ctx)) {
        log('Seeding the demo library (first start, a few seconds)…');
        seeded = await seedSampleLibrary(ctx);
      }
      const pair = (await ctx.store.apiKeys.list()).find(
        (k) => k.kind === 'standard' && k.expiresAt === null,
      );
      if (!pair)
        throw new Error(
          'The demo needs a standard API key pair; create one with `media-library keys create`.',
        );
      const endpoint = createTokenEndpoint({
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
        // The page sets the element's endpoint to its own origin, so this is only a fallback.
        endpoint: `http://${ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host}:${ctx.config.port}`,
        authorize: () => ({ allow: true, sub: 'demo' }),
      });
      await app.register(fastifyTokenEndpoint, { prefix: '/_ml/demo/auth', endpoint });
      app.get('/', async (_request, reply) =>
        reply
          .type(types['.html']!)
          .header('cache-control', 'no-cache')
          .headers(pageSecurityHeaders)
          .send(await readFile(join(root, 'demo/index.html'))),
      );
      app.get<{ Params: { '*': string } }>('/_ml/demo/*', async (request, reply) => {
        const name = request.params['*'];
        const file = demoFiles.test(name)
          ? join(root, 'demo', name)
          : name.startsWith('dist/') && distFiles.test(name.slice(5))
            ? join(root, name)
            : undefined;
        const body = file ? await readFile(file).catch(() => undefined) : undefined;
        if (!body) return reply.code(404).send({ message: `The demo has no file ${name}.`, help: '' });
        return reply
          .type(types[extname(name)] ?? 'application/octet-stream')
          .header('cache-control', 'no-cache')
          .send(body);
      });
    },
  });
  return Object.assign(server, { seeded });
}
