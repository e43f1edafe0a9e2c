import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { urlEndpointFor } from '../app.js';
import { assertFileVisible, limitListToScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { toMediaFile, toMediaFolder } from '../library/file-object.js';
import { deleteFile, requireFile, updateFileDetails } from '../library/files.js';
import { normalizeFolder } from '../library/naming.js';
import { isFolderRecord, type ListQuery, type SortColumn } from '../store/store.js';

const sorts: Record<string, ListQuery['sort']> = {};
for (const [name, column] of Object.entries({
  NAME: 'name',
  CREATED: 'createdAt',
  UPDATED: 'updatedAt',
  HEIGHT: 'height',
  WIDTH: 'width',
  SIZE: 'size',
} as Record<string, SortColumn>)) {
  sorts[`ASC_${name}`] = { column, direction: 'asc' };
  sorts[`DESC_${name}`] = { column, direction: 'desc' };
}
// v7 lists relevance sorts; without a text query relevance is creation order.
sorts.ASC_RELEVANCE = { column: 'createdAt', direction: 'asc' };
sorts.DESC_RELEVANCE = { column: 'createdAt', direction: 'desc' };

const listTypes = ['file', 'file-version', 'folder', 'all'] as const;

export interface ListParams {
  type?: string;
  sort?: string;
  path?: string;
  searchQuery?: string;
  fileType?: string;
  limit?: string;
  skip?: string;
}

/** Validates `GET /v1/files` parameters with ImageKit's own messages. */
export function parseListParams(params: ListParams): ListQuery {
  const type = params.type ?? 'file';
  if (!(listTypes as readonly string[]).includes(type)) {
    throw badRequest(
      'Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.',
    );
  }
  const sort = sorts[params.sort ?? 'ASC_CREATED'];
  if (!sort) throw badRequest('Your request contains invalid value for sort parameters.');
  const fileType = params.fileType ?? 'all';
  if (!['all', 'image', 'non-image'].includes(fileType)) {
    throw badRequest(
      'Your request contains invalid value for fileType parameter. Use all, image or non-image.',
    );
  }
  const limit = integer('limit', params.limit, 1000);
  if (limit < 1) throw badRequest(`Minimum value of limit parameter is 1. Value sent is ${params.limit}.`);
  if (limit > 1000)
    throw badRequest(`Maximum value of limit parameter is 1000. Value sent is ${params.limit}.`);
  const skip = integer('skip', params.skip, 0);
  if (skip < 0) {
    throw badRequest(
      `The value of skip parameter should be greater than or equal to 0. Value sent is ${params.skip}.`,
    );
  }
  if (params.searchQuery !== undefined && params.searchQuery.trim() !== '') {
    throw badRequest(
      'searchQuery is not supported by this server yet. List with path, type, fileType and sort instead.',
      {
        reason: 'NOT_SUPPORTED',
      },
    );
  }
  const query: ListQuery = { type: type as ListQuery['type'], sort, limit, skip };
  if (params.path !== undefined && params.path !== '') query.folder = normalizeFolder(params.path);
  if (fileType !== 'all') query.fileType = fileType as 'image' | 'non-image';
  return query;
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw))
    throw badRequest(`Your request contains invalid value for ${name} parameter. Value sent is ${raw}.`);
  return Number(raw);
}

export const fileRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.get<{ Querystring: ListParams }>(
    '/v1/files',
    { config: { access: 'read', rateGroup: 'files.list', session: true } },
    async (request) => {
      const query = limitListToScope(request.principal, parseListParams(request.query));
      const records = await ctx.store.list(query);
      const urlEndpoint = urlEndpointFor(ctx, request);
      return records.map((r) => (isFolderRecord(r) ? toMediaFolder(r) : toMediaFile(r, urlEndpoint)));
    },
  );

  /** The file, when this caller may see it (a session sees only its folder). */
  const visibleFile = async (request: FastifyRequest, fileId: string) => {
    const file = await requireFile(ctx.store, fileId);
    assertFileVisible(request.principal, file);
    return file;
  };

  app.get<{ Params: { fileId: string } }>(
    '/v1/files/:fileId/details',
    { config: { access: 'read', rateGroup: 'files.read', session: true } },
    async (request) =>
      toMediaFile(await visibleFile(request, request.params.fileId), urlEndpointFor(ctx, request)),
  );

  app.patch<{ Params: { fileId: string } }>(
    '/v1/files/:fileId/details',
    { config: { access: 'write', rateGroup: 'files.write', session: true } },
    async (request) => {
      await visibleFile(request, request.params.fileId);
      return toMediaFile(
        await updateFileDetails(ctx, request.params.fileId, request.body),
        urlEndpointFor(ctx, request),
      );
    },
  );

  app.delete<{ Params: { fileId: string } }>(
    '/v1/files/:fileId',
    { config: { access: 'write', rateGroup: 'files.write', session: true } },
    async (request, reply) => {
      await visibleFile(request, request.params.fileId);
      await deleteFile(ctx, request.params.fileId);
      reply.code(204).send();
    },
  );
};
