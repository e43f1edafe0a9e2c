import type { IncomingMessage } from 'node:http';
import { ERRORS, Server as TusServer } from '@tus/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateRequest } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { assertFileVisible, uploadLimitFor } from '../auth/scope.js';
import { userSessionOf } from '../auth/user-sessions.js';
import { tusAllowedOrigins } from '../cors.js';
import { ApiError, conflict, HELP } from '../errors.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { ResumableUploads } from '../library/resumable-uploads.js';
import { fileTooLarge } from '../library/uploads.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';

/** Where the resumable endpoint answers; the element learns it from `GET /_ml/config`. */
export const tusPath = '/_ml/tus';

type TusRequest = Parameters<NonNullable<ConstructorParameters<typeof TusServer>[0]['onUploadCreate']>>[0];

const sweepIntervalMs = 10 * 60_000;

/**
 * The resumable upload endpoint (tus 1.0, `@tus/server`; the bytes wait where the library's bytes
 * live, see `ResumableUploads`). Every request is authenticated like the management API (a session
 * token or a private key, with write access); an upload is visible only to whoever started it.
 * Creating one runs the upload's checks on its fields and declared size; the last byte turns it
 * into a file through `ingestUpload`, and the final PATCH answers that file as JSON. `GET …/{id}`
 * answers it again later (for a client that lost the answer, or Companion's). Unfinished uploads
 * left alone for `MEDIA_LIBRARY_RESUMABLE_EXPIRY` are deleted.
 */
export const tusRoutes: RoutePlugin = async (app, { ctx }) => {
  const uploads = new ResumableUploads(ctx);
  // The caller each request was authenticated as, for tus's hooks (which see tus's own request object).
  const callers = new WeakMap<IncomingMessage, Principal>();
  const callerOf = (req: TusRequest): Principal => {
    const principal = req.runtime?.node?.req && callers.get(req.runtime.node.req as IncomingMessage);
    if (!principal) throw new Error('a resumable upload request reached tus unauthenticated');
    return principal;
  };
  const urlEndpoints = new WeakMap<IncomingMessage, string>();
  const allowedOrigins = tusAllowedOrigins(ctx.config.corsOrigins);

  const tus = new TusServer({
    path: tusPath,
    datastore: uploads.store,
    ...(ctx.resumableLocker && { locker: ctx.resumableLocker }),
    relativeLocation: true,
    allowedHeaders: ['X-Request-ID'],
    exposedHeaders: ['Upload-Expires'],
    ...(allowedOrigins && { allowedOrigins }),
    maxSize: (req) =>
      req.method === 'OPTIONS'
        ? ctx.config.maxUploadBytes
        : uploadLimitFor(callerOf(req), ctx.config.maxUploadBytes),
    onUploadCreate: async (req, upload) => {
      try {
        return { metadata: await uploads.create(upload, callerOf(req)) };
      } catch (error) {
        throw asTusError(error);
      }
    },
    onUploadFinish: async (req, upload) => {
      try {
        const node = req.runtime!.node!.req as IncomingMessage;
        const file = await uploads.finish(upload, callerOf(req), urlEndpoints.get(node)!);
        // A PATCH may answer 200 with a body (tus clients accept any 2xx); a POST must stay 201.
        return {
          status_code: req.method === 'PATCH' ? 200 : 201,
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          body: JSON.stringify(file),
        };
      } catch (error) {
        if (!(error instanceof ApiError))
          app.log.error({ err: error }, 'finishing a resumable upload failed');
        throw asTusError(error);
      }
    },
    // tus's own refusals (wrong offset…) in our error shape; too large is the upload API's 400.
    onResponseError: (req, error) => {
      if (error === ERRORS.ERR_MAX_SIZE_EXCEEDED) {
        const refusal = fileTooLarge(ctx, req.runtime?.node?.req ? callerOf(req) : null);
        return { status_code: refusal.status, body: JSON.stringify(refusal.body) };
      }
      if (!('status_code' in error)) return undefined;
      return { status_code: error.status_code, body: asJsonBody(error.body) };
    },
  });

  // tus reads the body itself: leave it unparsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const handle = async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
    if (request.method !== 'OPTIONS') {
      const principal = await authenticateRequest(ctx.store, request.headers.authorization, 'write', {
        sessions: true,
        ...userSessionOf(request),
      });
      const id = request.params.id;
      if (id !== undefined) {
        await uploads.assertOwner(id, principal);
        const done = await uploads.finished(id);
        if (done) return answerFinished(request, reply, id, done, principal);
        if (request.method === 'GET') {
          throw conflict('This upload has not finished: it becomes a file when its last byte arrives.', {
            reason: 'UPLOAD_NOT_FINISHED',
          });
        }
      }
      callers.set(request.raw, principal);
      urlEndpoints.set(request.raw, urlEndpointFor(ctx, request));
      // An upload nobody writes to for the expiry is swept: creating or writing restarts the clock.
      if (request.method === 'POST' || request.method === 'PATCH') {
        const expires = new Date(Date.now() + ctx.config.upload.resumableExpiryMs);
        reply.raw.setHeader('Upload-Expires', expires.toUTCString());
      }
    }
    reply.hijack();
    await tus.handle(request.raw, reply.raw);
  };

  /** A finished upload: HEAD says it is complete, GET answers its file, DELETE forgets it. */
  const answerFinished = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    done: { size: number; fileId: string },
    principal: Principal,
  ) => {
    reply.header('Tus-Resumable', '1.0.0').header('Cache-Control', 'no-store');
    switch (request.method) {
      case 'HEAD':
        return reply
          .header('Upload-Offset', String(done.size))
          .header('Upload-Length', String(done.size))
          .header('Access-Control-Expose-Headers', 'Upload-Offset, Upload-Length, Tus-Resumable')
          .code(200)
          .send();
      case 'GET': {
        const file = await requireFile(ctx.store, done.fileId);
        assertFileVisible(principal, file);
        return toMediaFile(file, urlEndpointFor(ctx, request));
      }
      case 'DELETE':
        await uploads.forget(id);
        return reply.code(204).send();
      default:
        throw conflict('This upload has already finished and become a file.', { reason: 'UPLOAD_FINISHED' });
    }
  };

  // Not rate limited, as the upload API is not.
  const methods = ['OPTIONS', 'HEAD', 'GET', 'POST', 'PATCH', 'DELETE'] as const;
  // A PATCH carries as much of a big file as the connection manages: bounded by idleness, not time.
  // tus answers CORS itself (the API's preflight would refuse an `OPTIONS` discovery without `Origin`).
  const config = { longBody: true, cors: false } as const;
  app.route({ method: [...methods], url: tusPath, exposeHeadRoute: false, config, handler: handle });
  app.route({ method: [...methods], url: `${tusPath}/:id`, exposeHeadRoute: false, config, handler: handle });

  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () =>
    uploads
      .sweep(ctx.config.upload.resumableExpiryMs)
      .catch((error) => app.log.error({ err: error }, 'sweeping expired resumable uploads failed'));
  app.addHook('onReady', async () => {
    await sweep();
    sweeper = setInterval(sweep, Math.min(sweepIntervalMs, ctx.config.upload.resumableExpiryMs));
    sweeper.unref();
  });
  app.addHook('onClose', async () => clearInterval(sweeper));
};

/** Our errors as tus hooks must throw them; anything else is logged by tus's caller as a 500. */
function asTusError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  return { status_code: error.status, body: JSON.stringify(error.body) };
}

/** tus's plain-text error bodies as `{message, help}`; ours are JSON already. */
function asJsonBody(body: string): string {
  if (body.trimStart().startsWith('{')) return body;
  return JSON.stringify({ message: body.trim(), help: HELP });
}
