import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ErrorBody } from '../shared/wire.js';
import { assertHostAnswered, hostNamesAnswered } from './allowed-hosts.js';
import { authenticateRequest } from './auth/authenticate.js';
import { userSessionOf } from './auth/user-sessions.js';
import type { ServerContext } from './context.js';
import { apiCorsOptions } from './cors.js';
import { ApiError, HELP } from './errors.js';
import { newId } from './library/ids.js';
import { answerClientError, enforceBodyTimeouts, httpServerOptions } from './request-timeouts.js';
import { aiRoutes } from './routes/ai.js';
import { aiProviderRoutes } from './routes/ai-providers.js';
import { appRoutes } from './routes/app.js';
import { auditRoutes } from './routes/audit.js';
import { backupRoutes } from './routes/backup.js';
import { bulkJobRoutes } from './routes/bulk-jobs.js';
import { clientConfigRoutes } from './routes/client-config.js';
import { collectionRoutes } from './routes/collections.js';
import { commentRoutes } from './routes/comments.js';
import { companionRoutes } from './routes/companion.js';
import { countRoutes } from './routes/count.js';
import { customMetadataFieldRoutes } from './routes/custom-metadata-fields.js';
import { deliveryRoutes } from './routes/delivery.js';
import { discoveryRoutes } from './routes/discovery.js';
import { downloadRoutes } from './routes/download.js';
import { duplicateRoutes } from './routes/duplicates.js';
import { editRoutes } from './routes/edit.js';
import { fileOperationRoutes } from './routes/file-operations.js';
import { fileRoutes } from './routes/files.js';
import { folderRoutes } from './routes/folders.js';
import { grantRoutes } from './routes/grants.js';
import { groupRoutes } from './routes/groups.js';
import { keyRoutes } from './routes/keys.js';
import { metadataRoutes } from './routes/metadata.js';
import { namedTransformationRoutes } from './routes/named-transformations.js';
import { originRoutes } from './routes/origins.js';
import { principalRoutes } from './routes/principals.js';
import { purgeRoutes } from './routes/purge.js';
import { referenceRoutes } from './routes/references.js';
import type { App } from './routes/route-plugin.js';
import { savedExtensionRoutes } from './routes/saved-extensions.js';
import type { ErrorMessages } from './routes/schemas.js';
import { settingRoutes } from './routes/settings.js';
import { sharePageRoutes } from './routes/share-page.js';
import { shareRoutes } from './routes/shares.js';
import { signInRoutes } from './routes/sign-in.js';
import { tagRoutes } from './routes/tags.js';
import { trashRoutes } from './routes/trash.js';
import { tusRoutes } from './routes/tus.js';
import { uploadRoutes } from './routes/upload.js';
import { urlEndpointRoutes } from './routes/url-endpoints.js';
import { countDeliveries, usageAnalyticsRoutes } from './routes/usage-analytics.js';
import { userRoutes } from './routes/users.js';
import { versionRoutes } from './routes/versions.js';

const jsonBodyLimit = 1024 * 1024;

/** Builds the Fastify app: request ids, CORS, auth, rate limits, ImageKit-shaped errors, routes. */
export async function buildApp(ctx: ServerContext): Promise<App> {
  const endpointPath = ctx.config.urlEndpoint
    ? new URL(ctx.config.urlEndpoint).pathname.replace(/\/+$/, '')
    : '';
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    genReqId: () => newId(),
    bodyLimit: jsonBodyLimit,
    // ImageKit clients encode spaces in queries as `+` or `%20`; both must work.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // A URL the router cannot decode (`/%E0%A4%A`) gets our error body too, not Fastify's.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
    http: httpServerOptions(ctx.config),
    // Bodies are timed per route (src/server/request-timeouts.ts): tus PATCHes only by idleness.
    requestTimeout: 0,
    clientErrorHandler: answerClientError,
    // URL endpoints' prefixes (`/<urlPrefix>/…`) lead to the library or to their origins.
    rewriteUrl: (request) => ctx.urlEndpoints.rewrite(request.url ?? '/', endpointPath),
  }).withTypeProvider<TypeBoxTypeProvider>();
  await ctx.urlEndpoints.refresh();
  ctx.urlEndpoints.start((error) => app.log.error({ err: error }, 'reading the URL endpoints failed'));
  app.addHook('onClose', async () => ctx.urlEndpoints.stop());
  // TypeBox checks JSON bodies as sent and converts query strings and path parameters to their types.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  enforceBodyTimeouts(app, ctx.config);

  app.decorateRequest('principal', null);

  const answeredHosts = hostNamesAnswered(ctx.config);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-ik-requestId', request.id);
    reply.header('x-request-id', request.id);
    // No response of ours may be sniffed into a type it was not sent as (uploaded HTML as a page).
    reply.header('x-content-type-options', 'nosniff');
    assertHostAnswered(answeredHosts, request.headers.host);
  });
  // Foreground first: AI jobs wait while this node serves requests (src/server/ai/jobs.ts).
  app.addHook('onRequest', (request, reply, done) => {
    if (!request.routeOptions.config.background) {
      ctx.aiJobs.requestStarted();
      // 'close' comes once the answer is sent or the client went away, whichever happens.
      reply.raw.once('close', () => ctx.aiJobs.requestEnded());
    }
    done();
  });
  // The server's own time (arrival to body serialised), so benchmarks and operators can tell it
  // from the network and the client, and the process's CPU time meanwhile, which a loaded machine
  // does not inflate by making the request wait for a core (docs/server.md "Errors").
  const cpuAtArrival = new WeakMap<object, NodeJS.CpuUsage>();
  app.addHook('onRequest', (request, _reply, done) => {
    cpuAtArrival.set(request.raw, process.cpuUsage());
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const cpu = process.cpuUsage(cpuAtArrival.get(request.raw));
    reply.header(
      'server-timing',
      `app;dur=${reply.elapsedTime.toFixed(1)}, cpu;dur=${((cpu.user + cpu.system) / 1000).toFixed(1)}`,
    );
    done(null, payload);
  });

  await app.register(cors, apiCorsOptions(ctx.config.corsOrigins));

  await app.register(multipart, {
    limits: {
      fileSize: ctx.config.maxUploadBytes,
      files: 1,
      fields: 100,
      parts: 101,
      // A base64 `file` field is text: allow it to carry up to 100 MiB of bytes.
      fieldSize: Math.min(Math.ceil(ctx.config.maxUploadBytes * 1.37) + 1024, 140 * 1024 * 1024),
    },
  });

  // An empty body with a JSON content type (some clients send one on DELETE) is no body at all.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        new ApiError(400, `Your request body is not valid JSON: ${(error as Error).message}.`, {
          reason: 'INVALID_JSON',
        }) as unknown as FastifyError,
        undefined,
      );
    }
  });

  // Any other type is refused unless the body is empty: ImageKit's v6 SDK (axios) sends its
  // body-less PUTs, such as restoring a version, as application/x-www-form-urlencoded.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    const error = Object.assign(new Error('unsupported media type'), {
      statusCode: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    });
    done(error as FastifyError, undefined);
  });

  app.addHook('onRequest', async (request, reply) => {
    const { access, rateGroup, session } = request.routeOptions.config;
    if (!access) return;
    request.principal = await authenticateRequest(ctx.store, request.headers.authorization, access, {
      sessions: session === true,
      ...userSessionOf(request),
    });
    // A session's user, for the audit trail.
    if (request.principal.via === 'session') {
      request.log = request.log.child({
        session: { publicKey: request.principal.publicKey, sub: request.principal.subject },
      });
    }
    if (rateGroup && ctx.rateLimiter) await enforceRateLimit(ctx, request, reply, rateGroup);
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    reply.header('x-should-retry', 'false');
    reply.code(404).send({
      message: `There is no ${request.method} ${request.url.split('?')[0]} in this API.`,
      help: HELP,
      reason: 'NOT_FOUND',
    });
  });

  countDeliveries(app, ctx, endpointPath);

  await app.register(uploadRoutes, { ctx });
  await app.register(fileRoutes, { ctx });
  await app.register(fileOperationRoutes, { ctx });
  await app.register(versionRoutes, { ctx });
  await app.register(folderRoutes, { ctx });
  await app.register(bulkJobRoutes, { ctx });
  await app.register(customMetadataFieldRoutes, { ctx });
  await app.register(metadataRoutes, { ctx });
  await app.register(keyRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(groupRoutes, { ctx });
  await app.register(grantRoutes, { ctx });
  await app.register(principalRoutes, { ctx });
  await app.register(collectionRoutes, { ctx });
  await app.register(signInRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  await app.register(settingRoutes, { ctx });
  await app.register(commentRoutes, { ctx });
  await app.register(purgeRoutes, { ctx });
  await app.register(namedTransformationRoutes, { ctx });
  await app.register(savedExtensionRoutes, { ctx });
  await app.register(originRoutes, { ctx });
  await app.register(urlEndpointRoutes, { ctx });
  await app.register(usageAnalyticsRoutes, { ctx });
  await app.register(editRoutes, { ctx });
  await app.register(tagRoutes, { ctx });
  await app.register(downloadRoutes, { ctx });
  await app.register(shareRoutes, { ctx });
  await app.register(sharePageRoutes, { ctx });
  await app.register(countRoutes, { ctx });
  await app.register(referenceRoutes, { ctx });
  await app.register(trashRoutes, { ctx });
  await app.register(backupRoutes, { ctx });
  await app.register(duplicateRoutes, { ctx });
  await app.register(discoveryRoutes, { ctx });
  await app.register(aiRoutes, { ctx });
  await app.register(tusRoutes, { ctx });
  await app.register(companionRoutes, { ctx });
  await app.register(clientConfigRoutes, { ctx });
  await app.register(aiProviderRoutes, { ctx });
  await app.register(appRoutes, { ctx });
  // Last: the catch-all for file URLs, below every API route.
  await app.register(deliveryRoutes, { ctx });
  return app;
}

async function enforceRateLimit(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  group: string,
) {
  const decision = await ctx.rateLimiter!.hit(`${request.principal!.publicKey}:${group}`);
  reply.header('X-RateLimit-Limit', decision.limit);
  reply.header('X-RateLimit-Reset', decision.resetMs);
  reply.header('X-RateLimit-Interval', decision.intervalMs);
  if (!decision.allowed) {
    throw new ApiError(
      429,
      `Too many requests: this key may make ${decision.limit} requests every ${decision.intervalMs} ms to this API. Retry in ${decision.resetMs} ms.`,
      { reason: 'RATE_LIMITED' },
      {
        'retry-after-ms': String(decision.resetMs),
        'retry-after': String(Math.ceil(decision.resetMs / 1000)),
      },
    );
  }
}

/** Every error leaves as ImageKit's `{message, help}`; only our own faults are 500s. */
function sendError(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) {
  const { status, body, headers } = describeError(error, request);
  // A 503 of ours (render queue full, a render too slow) is load, not a fault.
  if (status >= 500 && !(error instanceof ApiError)) request.log.error({ err: error }, 'request failed');
  reply.headers(headers);
  // Refused before its body was read: close rather than read the rest (maybe hundreds of MB) for nothing.
  if (!request.raw.complete) reply.header('connection', 'close');
  if (status !== 429 && status < 500) reply.header('x-should-retry', 'false');
  reply.code(status).send(body);
}

function describeError(
  error: FastifyError | ApiError,
  request: FastifyRequest,
): { status: number; body: object; headers: Record<string, string> } {
  if (error instanceof ApiError) return { status: error.status, body: error.body, headers: error.headers };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return { status: 400, body: schemaRefusal(fastifyError, request), headers: {} };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message = clientErrorMessages[fastifyError.code] ?? fastifyError.message;
    // Multipart limits are ImageKit's 400 "file size exceeds limits", whatever busboy called them.
    const mapped = fastifyError.code === 'FST_REQ_FILE_TOO_LARGE' ? 400 : status;
    return { status: mapped, body: { message, help: HELP }, headers: {} };
  }
  return {
    status: 500,
    body: {
      message: `Something went wrong on the server. It has been logged as request ${request.id}.`,
      help: HELP,
    },
    headers: {},
  };
}

/**
 * A request its route's schema refused: the message the schema gives for that failure
 * (`withMessages`), else which parameter is missing or what is wrong with it.
 */
function schemaRefusal(error: FastifyError, request: FastifyRequest): ErrorBody {
  const first = error.validation![0]!;
  const where = error.validationContext ?? 'body';
  const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
  const reason = missing ? 'MISSING_PARAMETER' : 'INVALID_PARAMETER';
  const failed = schemaAt(request.routeOptions.schema?.[where], first.schemaPath);
  const own = missing
    ? schemaAt(failed, `#/properties/${missing}`)?.errorMessages?.required
    : failed?.errorMessages?.[first.keyword];
  if (own) return { message: own, help: HELP, reason };
  if (missing) return { message: `Your request is missing the ${missing} parameter.`, help: HELP, reason };
  if (where === 'body' && first.instancePath === '') {
    return { message: 'Send a JSON object as the request body.', help: HELP, reason };
  }
  // Named by the parameter as sent, then the place inside it: `publish`, `isPublished must be boolean`.
  const [parameter = where, ...inside] = first.instancePath.split('/').slice(1);
  const place = inside.map((step) => (/^\d+$/.test(step) ? `[${step}]` : `.${step}`)).join('');
  return {
    message: `Your request contains invalid ${parameter} parameter: ${place.replace(/^\./, '') || 'it'} ${first.message}.`,
    help: HELP,
    reason,
  };
}

type SchemaNode = { errorMessages?: ErrorMessages; [keyword: string]: unknown };

/** The part of `schema` a validation error's `schemaPath` (`#/properties/fileIds/items`) points at. */
function schemaAt(schema: unknown, path: string): SchemaNode | undefined {
  let node = schema;
  for (const step of path.split('/').slice(1)) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
  }
  return node && typeof node === 'object' ? (node as SchemaNode) : undefined;
}

const clientErrorMessages: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: `Your request body is larger than the ${jsonBodyLimit} bytes this API accepts.`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This API expects a JSON body with Content-Type: application/json.',
  FST_REQ_FILE_TOO_LARGE: 'Your request contains invalid file parameter. The file size exceeds limits.',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'Upload with Content-Type: multipart/form-data.',
  FST_FILES_LIMIT: 'Send one file per upload request.',
  FST_PARTS_LIMIT: 'Your upload form has too many fields.',
  FST_FIELDS_LIMIT: 'Your upload form has too many fields.',
};
