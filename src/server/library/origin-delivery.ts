import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { lookup as mimeOfName } from 'mime-types';
import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { readableImages } from '../media/probe.js';
import { mimeOfFormat, renderTransformation, resolveOutputFormat } from '../media/render.js';
import { parseTransformation } from '../media/transformation.js';
import { asImageError, parseDeliveryUrl } from './delivery.js';
import { DerivedImages } from './derived-images.js';
import { readFromOrigin } from './origins.js';
import { requireUrlEndpoint } from './url-endpoints.js';

/** What a URL endpoint with origins answers: the first origin's file, or its rendition. */
export interface OriginDelivery {
  bytes: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Serves `<rest>` of a URL endpoint from its origins, in order: the first that has the path wins.
 * A transformation (path or query form, named ones included, "restrict unnamed" honoured) is
 * rendered like the library's and kept in the rendition cache, keyed by the original's bytes, so
 * a changed file at the origin makes a new rendition. Layers need library files and are refused.
 */
export async function deliverFromOrigins(
  ctx: ServerContext,
  endpointId: string,
  rest: string,
  accept: string | undefined,
): Promise<OriginDelivery> {
  const endpoint = await requireUrlEndpoint(ctx.store, endpointId);
  const url = parseDeliveryUrl(rest, '');
  const t = url.transformation
    ? parseTransformation(
        url.transformation,
        await ctx.namedTransformations.current(),
        ctx.config.maxTransformSteps,
      )
    : undefined;
  if (t && !t.original && !t.onlyNamed && ctx.config.restrictUnnamedTransformations) {
    throw badRequest(
      'This server renders only named transformations (n-<name>): MEDIA_LIBRARY_RESTRICT_UNNAMED_TRANSFORMATIONS is on.',
      { reason: 'UNNAMED_TRANSFORMATION_RESTRICTED' },
    );
  }
  for (const id of endpoint.origins) {
    const origin = await ctx.store.origins.get(id);
    const file = origin && (await readFromOrigin(ctx, origin, url.filePath));
    if (!file) continue;
    const sniffed = (await fileTypeFromBuffer(file.bytes))?.mime;
    const mime = sniffed ?? file.contentType ?? (mimeOfName(url.filePath) || 'application/octet-stream');
    const digest = createHash('sha256').update(file.bytes).digest('hex');
    if (!t || t.original) return { bytes: file.bytes, contentType: mime, etag: `"${digest.slice(0, 32)}"` };
    if (!readableImages.has(mime)) {
      throw badRequest(`${url.filePath} at this origin is ${mime}, not an image this server transforms.`, {
        reason: 'NOT_AN_IMAGE',
      });
    }
    if (t.steps.some((step) => 'layers' in step && (step.layers?.length ?? 0) > 0)) {
      throw badRequest('Layers draw library files: they are not available on files served from origins.', {
        reason: 'INVALID_TRANSFORMATION',
      });
    }
    const format = resolveOutputFormat(t.output.format, mime, accept);
    const hash = createHash('sha256')
      .update(`${digest}|${url.transformation}|${format}`)
      .digest('hex')
      .slice(0, 32);
    const key = DerivedImages.keyFor(`origins/${origin.id}`, hash, format === 'jpeg' ? 'jpg' : format);
    const image = await ctx.derivedImages.get(key, `origins/${origin.id}`, () =>
      ctx.renderQueue
        .run(() =>
          renderTransformation({ bytes: file.bytes, mime, customCoordinates: null }, t, format, {
            maxPixels: ctx.config.maxImagePixels,
            maxSize: ctx.config.maxTransformSize,
            maxOutputPixels: ctx.config.maxTransformPixels,
            memory: ctx.renderQueue,
          }),
        )
        .catch((error: unknown) => {
          throw asImageError(error);
        }),
    );
    const bytes = 'bytes' in image ? image.bytes : await readAll(ctx, key);
    return { bytes, contentType: mimeOfFormat[format], etag: `"${hash.slice(0, 32)}"` };
  }
  throw notFound(`None of this URL endpoint's origins has ${url.filePath}.`, { reason: 'NOT_FOUND' });
}

async function readAll(ctx: ServerContext, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.derivedImages.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
