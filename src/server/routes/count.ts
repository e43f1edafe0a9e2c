import { Type } from '@fastify/type-provider-typebox';
import { limitListToScope } from '../auth/scope.js';
import { listQueryFor } from '../library/listing.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringParams } from './schemas.js';

/** `GET /_ml/count`: the list's filters, checked by listQueryFor with ImageKit's messages. */
const CountQuery = StringParams(
  'type',
  'path',
  'searchQuery',
  'fileType',
  'limit',
  'tags',
  'name',
  'includeFolder',
);

/**
 * `GET /_ml/count?path=&searchQuery=&type=&fileType=&limit=`: how many items `GET /v1/files`
 * lists with these parameters over all its pages (ImageKit's list has no total), as
 * `{ count, exact }`: exact up to `limit` (1 to 1000, default 1000), else `{ count: limit,
 * exact: false }`. Unlike the list, `type=file` or `type=folder` also narrows a searchQuery.
 */
export const countRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/count',
    {
      schema: {
        querystring: CountQuery,
        response: { 200: Type.Object({ count: Type.Integer(), exact: Type.Boolean() }) },
      },
      config: { access: 'read', rateGroup: 'files.list', session: true },
    },
    async (request) => {
      const params = request.query;
      const query = limitListToScope(
        request.principal,
        await listQueryFor(ctx.store, params, ctx.config.search),
      );
      const { include, limit } = query;
      const narrowed =
        params.searchQuery && (params.type === 'file' || params.type === 'folder')
          ? { folders: params.type === 'folder', files: params.type === 'file', versions: false }
          : include;
      const counted = { ...query, include: narrowed };
      const folders = narrowed.folders ? await ctx.store.folders.count(counted) : 0;
      const files = narrowed.files || narrowed.versions ? await ctx.store.files.count(counted, limit + 1) : 0;
      const total = folders + files;
      return { count: Math.min(total, limit), exact: total <= limit };
    },
  );
};
