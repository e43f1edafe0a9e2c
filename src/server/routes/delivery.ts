import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { authenticateUserSession, userSessionOf } from '../auth/user-sessions.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import {
  clientHintsOf,
  type DeliveryTarget,
  deliveryHeaders,
  parseDeliveryUrl,
  planDerived,
  renderDerived,
  resolveDelivery,
} from '../library/delivery.js';
import {
  assertVideoRenderer,
  makesVideo,
  planVideoRendition,
  renderVideo,
} from '../library/video-delivery.js';
import { mimeOfFormat } from '../media/render.js';
import type { NamedTransforms, Transformation } from '../media/transformation.js';
import { decideRange, isNotModified, safetyHeaders, type Validators } from './delivery-http.js';
import type { RoutePlugin } from './route-plugin.js';

/** Paths that belong to the APIs: never files, so a miss there is the API's JSON 404. */
const apiPaths = /^\/(v1|api|_ml)(\/|\?|$)/;

const publicMaxAge = 3600;
const immutable = 'public, max-age=31536000, immutable';
/**
 * The URL the API lists now (`updatedAt=` the file's): a day fresh, then shown at once while a
 * week's revalidation (a 304) runs, so thumbnails come from the browser's cache across page loads.
 * Not immutable: a file made private or unpublished keeps its URL.
 */
const busted = 'public, max-age=86400, stale-while-revalidate=604800';

function cacheControl(target: DeliveryTarget, now: number): string {
  if (target.signedUntil !== undefined) {
    const left = Math.max(0, Math.min(publicMaxAge, target.signedUntil - Math.floor(now / 1000)));
    return `private, max-age=${left}`;
  }
  if (target.pinned) return immutable;
  return target.busted ? busted : `public, max-age=${publicMaxAge}`;
}

/** What every answer about one representation carries, 304s included. */
function describe(reply: FastifyReply, v: Validators, cache: string, vary: boolean) {
  reply.header('etag', v.etag);
  reply.header('last-modified', new Date(v.lastModified).toUTCString());
  reply.header('cache-control', cache);
  reply.header('accept-ranges', 'bytes');
  // Our media are meant to be embedded by other sites (CMS pages), even under COEP.
  reply.header('cross-origin-resource-policy', 'cross-origin');
  if (vary) reply.header('vary', 'Accept');
}

/**
 * Sends `size` bytes (from `bytes`, or streamed by `open`) honouring HEAD and Range, after the
 * caller has set the representation's headers.
 */
async function sendBody(
  request: FastifyRequest,
  reply: FastifyReply,
  v: Validators,
  size: number,
  source:
    | { bytes: Buffer }
    | { open: (range?: { start: number; end: number }) => Promise<NodeJS.ReadableStream> },
) {
  const range = decideRange(request.headers, size, v);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    reply.header('content-length', 0);
    return reply.code(416).send();
  }
  const { start, end } = range.kind === 'partial' ? range.range : { start: 0, end: size - 1 };
  if (range.kind === 'partial') {
    reply.code(206);
    reply.header('content-range', `bytes ${start}-${end}/${size}`);
  }
  const length = size === 0 ? 0 : end - start + 1;
  reply.header('content-length', length);
  if (request.method === 'HEAD' || length === 0) return reply.send();
  if ('bytes' in source) return reply.send(source.bytes.subarray(start, end + 1));
  return reply.send(await source.open(range.kind === 'partial' ? range.range : undefined));
}

/** Counts an uncached render against the client's budget; 429 past it. */
async function spendRenderBudget(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  if (!ctx.renderBudget) return;
  const decision = await ctx.renderBudget.hit(`render:${request.ip}`);
  if (decision.allowed) return;
  const seconds = Math.ceil(decision.resetMs / 1000);
  throw new ApiError(
    429,
    `Too many new transformations: this address may have ${decision.limit} images rendered every ${decision.intervalMs / 1000} s. Retry in ${seconds} s, or use signed URLs.`,
    { reason: 'RENDER_BUDGET_EXCEEDED' },
    { 'retry-after': String(seconds), 'retry-after-ms': String(decision.resetMs) },
  );
}

/** The user a session cookie signs in, for private files; none for no cookie or a stale one. */
async function signedInViewer(ctx: ServerContext, request: FastifyRequest): Promise<Principal | undefined> {
  const { cookie } = userSessionOf(request);
  if (!cookie) return undefined;
  try {
    return await authenticateUserSession(ctx.store, cookie.token, cookie);
  } catch {
    return undefined;
  }
}

async function deliver(
  ctx: ServerContext,
  named: NamedTransforms,
  endpointPath: string,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const now = Date.now();
  const target = await resolveDelivery(
    ctx,
    named,
    parseDeliveryUrl(request.raw.url ?? '/', endpointPath),
    now,
    clientHintsOf(request.headers),
    () => signedInViewer(ctx, request),
  );
  return sendDelivery(ctx, target, now, request, reply);
}

/**
 * Answers with a resolved delivery target: the original (ranges, HEAD, 304s), or a rendition
 * rendered once into the cache. Share links (src/server/routes/shares.ts) serve through it too.
 */
export async function sendDelivery(
  ctx: ServerContext,
  target: DeliveryTarget,
  now: number,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { file, transformation } = target;
  const cache = cacheControl(target, now);

  if (!transformation) {
    const v = { etag: `"${file.versionId}"`, lastModified: file.updatedAt };
    describe(reply, v, cache, false);
    if (isNotModified(request.headers, v)) return reply.code(304).send();
    reply.headers(safetyHeaders(file.mime, file.name));
    reply.headers(deliveryHeaders(target, false));
    reply.header('content-type', file.mime);
    return sendBody(request, reply, v, file.size, {
      open: (range) => ctx.storage.read(file.blobKey, range),
    });
  }

  if (makesVideo(file, transformation))
    return deliverVideo(ctx, target, transformation, cache, request, reply);

  const plan = await planDerived(file, transformation, request.headers.accept, target.references);
  const v = { etag: plan.etag, lastModified: file.updatedAt };
  describe(reply, v, cache, plan.negotiated);
  reply.headers(deliveryHeaders(target, plan.negotiated));
  if (isNotModified(request.headers, v)) return reply.code(304).send();
  const image = await ctx.derivedImages.get(plan.key, file.blobKey, async () => {
    // Only a render costs: cached renditions, and renders already in flight, are free.
    if (target.signedUntil === undefined) await spendRenderBudget(ctx, request);
    return ctx.renderQueue.run(() => renderDerived(ctx, file, transformation, plan));
  });
  reply.header('content-type', mimeOfFormat[plan.format]);
  if ('bytes' in image) return sendBody(request, reply, v, image.bytes.length, image);
  return sendBody(request, reply, v, image.size, {
    open: (range) => ctx.derivedImages.read(plan.key, range),
  });
}

/**
 * A video rendition: rendered by ffmpeg in the render queue into the rendition cache, then
 * streamed from there like an original, ranges included.
 */
async function deliverVideo(
  ctx: ServerContext,
  target: DeliveryTarget,
  transformation: Transformation,
  cache: string,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { file } = target;
  const plan = planVideoRendition(file, transformation);
  await assertVideoRenderer(transformation);
  const v = { etag: plan.etag, lastModified: file.updatedAt };
  describe(reply, v, cache, false);
  reply.headers(deliveryHeaders(target, false));
  if (isNotModified(request.headers, v)) return reply.code(304).send();
  const video = await ctx.derivedImages.get(plan.key, file.blobKey, async () => {
    if (target.signedUntil === undefined) await spendRenderBudget(ctx, request);
    // A video waits for a video slot first, holding no render slot meanwhile.
    return ctx.videoQueue.run(() => ctx.renderQueue.run(() => renderVideo(ctx, file, transformation, plan)));
  });
  reply.header('content-type', plan.mime);
  if ('bytes' in video) return sendBody(request, reply, v, video.bytes.length, video);
  return sendBody(request, reply, v, video.size, {
    open: (range) => ctx.derivedImages.read(plan.key, range),
  });
}

/**
 * The catch-all's answer for one URL; also for routes whose prefix the library may share (the app's
 * `/app/`, `/s/<name>` paths that are no share link's), so a library file there is still delivered.
 */
export async function deliverFile(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply) {
  if (apiPaths.test(request.url)) return reply.callNotFound();
  const endpointPath = ctx.config.urlEndpoint
    ? new URL(ctx.config.urlEndpoint).pathname.replace(/\/+$/, '')
    : '';
  return deliver(ctx, await ctx.namedTransformations.current(), endpointPath, request, reply);
}

/**
 * `GET`/`HEAD /<path>`: originals and transformed images in ImageKit's URL forms, with strong
 * ETags, conditional and range requests. Registered last, as a catch-all below the APIs.
 */
export const deliveryRoutes: RoutePlugin = async (app, { ctx }) => {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    handler: async (request, reply) => deliverFile(ctx, request, reply),
  });
};
