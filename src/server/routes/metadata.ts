import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { FileMetadata } from '../../shared/wire.js';
import { assertFileVisible, isPathInScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { requireFile } from '../library/files.js';
import { readFileMetadata } from '../media/metadata.js';
import { readBlob } from '../storage/blob-storage.js';
import type { FileRecord } from '../store/store.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams, FileMetadataSchema, StringParams } from './schemas.js';

const unreachable = 'The requested file does not exist or is inaccessible at this time.';

async function metadataOf(ctx: ServerContext, file: FileRecord): Promise<FileMetadata> {
  if (file.fileType !== 'image') {
    const empty = { image: {}, thumbnail: {}, exif: {}, gps: {}, interoperability: {}, makernote: {} };
    return {
      size: file.size,
      format: file.format,
      hasColorProfile: false,
      hasTransparency: false,
      exif: empty,
    };
  }
  const bytes = await readBlob(ctx.storage, file.blobKey);
  return readFileMetadata(bytes, file.format, file.size, ctx.config.maxImagePixels);
}

/** Finds the file a delivery URL of this server points at (transforms and cache-busters ignored). */
async function fileForUrl(
  ctx: ServerContext,
  request: FastifyRequest,
  raw: string | undefined,
): Promise<FileRecord> {
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    throw badRequest('Your request is missing a valid url parameter.', { reason: 'INVALID_PARAMETER' });
  }
  const endpoint = new URL(urlEndpointFor(ctx, request));
  if (url.host !== endpoint.host || !url.pathname.startsWith(endpoint.pathname.replace(/\/$/, ''))) {
    throw badRequest(
      `The url should be accessible using this server (${endpoint.origin}${endpoint.pathname}).`,
    );
  }
  const path = decodeURIComponent(url.pathname.slice(endpoint.pathname.replace(/\/$/, '').length))
    .split('/')
    .filter((segment) => !segment.startsWith('tr:'))
    .join('/');
  const version = url.searchParams.get('ik-obj-version');
  const current = await ctx.store.files.getByPath(path);
  if (!current || !isPathInScope(request.principal, current.filePath, current.fileId))
    throw notFound(unreachable);
  if (!version) return current;
  const old = (await ctx.store.files.versions(current.fileId)).find((v) => v.versionId === version);
  if (!old) throw notFound(unreachable);
  return old;
}

const UrlQuery = StringParams('url');
const UsageQuery = StringParams('startDate', 'endDate');
const Usage = Type.Object({
  bandwidthBytes: Type.Number(),
  mediaLibraryStorageBytes: Type.Number(),
  videoProcessingUnitsCount: Type.Number(),
  extensionUnitsCount: Type.Number(),
  originalCacheStorageBytes: Type.Number(),
});

export const metadataRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'read', rateGroup: 'metadata', session: true } as const;
  const response = { 200: FileMetadataSchema };

  app.get(
    '/v1/files/:fileId/metadata',
    { schema: { params: FileIdParams, response }, config },
    async (request) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      return metadataOf(ctx, file);
    },
  );

  // The v7 SDK calls /v1/metadata; the legacy spec documents /v1/files/metadata.
  for (const path of ['/v1/metadata', '/v1/files/metadata']) {
    app.get(path, { schema: { querystring: UrlQuery, response }, config }, async (request) =>
      metadataOf(ctx, await fileForUrl(ctx, request, request.query.url)),
    );
  }

  app.get(
    '/v1/accounts/usage',
    {
      schema: { querystring: UsageQuery, response: { 200: Usage } },
      config: { access: 'read', rateGroup: 'usage' },
    },
    async (request) => {
      const { startDate, endDate } = request.query;
      if (!startDate || !endDate) throw badRequest('startDate and endDate are required in query parameters.');
      const day = /^\d{4}-\d{2}-\d{2}$/;
      const start = Date.parse(startDate);
      const end = Date.parse(endDate);
      if (!day.test(startDate) || !day.test(endDate) || Number.isNaN(start) || Number.isNaN(end)) {
        throw badRequest('startDate and endDate should be in format YYYY-MM-DD.');
      }
      if (start >= end) throw badRequest('startDate should be before endDate.');
      if (end - start > 90 * 86_400_000) throw badRequest('startDate and endDate should be within 90 days.');
      await ctx.deliveryUsage.flush();
      const delivered = await ctx.store.deliveryUsage.totals(startDate, endDate);
      return {
        bandwidthBytes: delivered.find((t) => t.dimension === 'total')?.bytes ?? 0,
        mediaLibraryStorageBytes: await ctx.store.files.storedBytes(),
        videoProcessingUnitsCount: 0,
        extensionUnitsCount: 0,
        originalCacheStorageBytes: 0,
      };
    },
  );
};
