import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import { limitListToScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { type ListParams, listQueryFor } from '../library/listing.js';

/**
 * `GET /_ml/count?path=&searchQuery=&type=&fileType=&limit=`: how many items `GET /v1/files`
 * lists with these parameters over all its pages (ImageKit's list has no total), as
 * `{ count, exact }`: exact up to `limit` (1 to 1000, default 1000), else `{ count: limit,
 * exact: false }`. Unlike the list, `type=file` or `type=folder` also narrows a searchQuery.
 */
export const countRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.get<{ Querystring: ListParams }>(
    '/_ml/count',
    { config: { access: 'read', rateGroup: 'files.list', session: true } },
    async (request) => {
      const { skip: _skip, sort: _sort, ...params } = request.query;
      const query = limitListToScope(
        request.principal,
        await listQueryFor(ctx.store, params, ctx.config.search),
      );
      const include =
        params.searchQuery && (params.type === 'file' || params.type === 'folder')
          ? { folders: params.type === 'folder', files: params.type === 'file', versions: false }
          : query.include;
      const rows = await ctx.store.list({ ...query, include, limit: query.limit + 1 });
      return { count: Math.min(rows.length, query.limit), exact: rows.length <= query.limit };
    },
  );
};
