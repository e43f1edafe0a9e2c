import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { verifySessionToken } from '../../src/shared/session-token.js';
import {
  createTokenEndpoint,
  type FastifyContext,
  fastifyTokenEndpoint,
  type NodeContext,
  toExpressMiddleware,
  toNodeHandler,
} from '../../src/token-endpoint/index.js';
import { type Listening, listen } from '../helpers/http.js';

const keys = { publicKey: 'public_adapter_test', privateKey: 'private_adapter_secret' };
const endpoint = 'https://media.example';

/** What every adapter must do the same way, whatever the framework. */
async function behavesLikeTheHandler(base: string) {
  const upload = await fetch(`${base}/upload-auth`, { headers: { cookie: 'user=ann' } });
  assert.equal(upload.status, 200, await upload.clone().text());
  const params = await upload.json();
  assert.equal(params.publicKey, keys.publicKey);
  assert.match(params.signature, /^[0-9a-f]{40}$/);

  const session = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { cookie: 'user=ann', 'content-type': 'application/json' },
    body: JSON.stringify({ folder: '/users/ann/drafts', access: 'read' }),
  });
  assert.equal(session.status, 200, await session.clone().text());
  const body = await session.json();
  assert.deepEqual(body.scope, { folder: '/users/ann/drafts/', access: 'read' });
  const claims = await verifySessionToken(body.token, keys);
  assert.equal(claims.sub, 'ann', 'authorize saw the framework’s request');

  const denied = await fetch(`${base}/session`, { method: 'POST' });
  assert.equal(denied.status, 403);
  const malformed = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { cookie: 'user=ann', 'content-type': 'application/json' },
    body: '{"folder":',
  });
  assert.equal(malformed.status, 400);
  const wrongMethod = await fetch(`${base}/session`, { headers: { cookie: 'user=ann' } });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'POST');
}

/** The host's login, as each framework exposes it: here a `user` cookie. */
const userOf = (cookie: string | undefined) => /(?:^|;\s*)user=([^;]+)/.exec(cookie ?? '')?.[1];

describe('Node http adapter', () => {
  let server: Listening;
  before(async () => {
    const handler = createTokenEndpoint<NodeContext>({
      ...keys,
      endpoint,
      authorize: (_request, { req }) => {
        const user = userOf(req.headers.cookie);
        return user ? { allow: true, sub: user, scope: { folder: `/users/${user}` } } : { allow: false };
      },
    });
    server = await listen(toNodeHandler(handler));
  });
  after(() => server.close());

  it('serves the endpoint at any path prefix', async () => {
    await behavesLikeTheHandler(server.url);
    await behavesLikeTheHandler(`${server.url}/deep/mount/media`);
    assert.equal((await fetch(`${server.url}/other`)).status, 404);
  });
});

describe('Express middleware', () => {
  let server: Listening;
  before(async () => {
    const app = express();
    // The host's own middleware: its session, then a JSON body parser that runs before ours.
    app.use((req, _res, next) => {
      (req as IncomingMessage & { user?: string }).user = userOf(req.headers.cookie);
      next();
    });
    app.use('/media', express.json({ limit: '10kb' }));
    const handler = createTokenEndpoint<NodeContext>({
      ...keys,
      endpoint,
      authorize: (_request, { req }) => {
        const user = (req as IncomingMessage & { user?: string }).user;
        return user ? { allow: true, sub: user, scope: { folder: `/users/${user}` } } : { allow: false };
      },
    });
    app.use('/media', toExpressMiddleware(handler));
    app.use('/raw', toExpressMiddleware(handler));
    app.get('/media/other', (_req, res) => {
      res.json({ host: 'route' });
    });
    server = await listen(app);
  });
  after(() => server.close());

  it('answers under its mount path, after express.json() has read the body', async () => {
    const session = await fetch(`${server.url}/media/session`, {
      method: 'POST',
      headers: { cookie: 'user=ann', 'content-type': 'application/json' },
      body: JSON.stringify({ folder: '/users/ann/drafts', access: 'read' }),
    });
    assert.equal(session.status, 200);
    assert.deepEqual((await session.json()).scope, { folder: '/users/ann/drafts/', access: 'read' });
  });

  it('behaves like the handler where it reads the body itself', async () => {
    await behavesLikeTheHandler(`${server.url}/raw`);
  });

  it('passes other paths on to the host’s own routes', async () => {
    const other = await fetch(`${server.url}/media/other`);
    assert.equal(other.status, 200);
    assert.deepEqual(await other.json(), { host: 'route' });
  });
});

describe('Fastify plugin', () => {
  let app: FastifyInstance;
  let url: string;
  before(async () => {
    app = Fastify();
    const handler = createTokenEndpoint<FastifyContext>({
      ...keys,
      endpoint,
      authorize: (_request, { request }) => {
        const user = userOf(request.headers.cookie);
        return user ? { allow: true, sub: user, scope: { folder: `/users/${user}` } } : { allow: false };
      },
    });
    await app.register(fastifyTokenEndpoint, { prefix: '/media', endpoint: handler });
    app.post('/echo', async (request) => request.body);
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  it('behaves like the handler under its prefix', async () => {
    await behavesLikeTheHandler(`${url}/media`);
    assert.equal((await fetch(`${url}/media/unknown`)).status, 404);
  });

  it('keeps its raw-body parsing to itself', async () => {
    const echo = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ still: 'parsed' }),
    });
    assert.deepEqual(await echo.json(), { still: 'parsed' });
  });
});

describe('fetch-style routes (Next.js, Hono)', () => {
  it('is itself a route handler: the framework passes its own context along', async () => {
    const contexts: unknown[] = [];
    const handler = createTokenEndpoint({
      ...keys,
      endpoint,
      authorize: (_request, context) => {
        contexts.push(context);
        return { allow: true };
      },
    });
    // Next.js: `export { handler as GET, handler as POST }` in app/api/media/[...path]/route.ts
    const POST = handler;
    const nextContext = { params: Promise.resolve({ path: ['session'] }) };
    const response = await POST(
      new Request('https://cms.example/api/media/session', { method: 'POST' }),
      nextContext,
    );
    assert.equal(response.status, 200);
    assert.equal(contexts[0], nextContext);
  });
});
