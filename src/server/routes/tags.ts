import { Type } from '@fastify/type-provider-typebox';
import { listTags } from '../library/tags.js';
import type { RoutePlugin } from './route-plugin.js';

const TagsQuery = Type.Object({
  prefix: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.String()),
});

/** `GET /_ml/tags?prefix=&limit=`: tags already in the library, for the element's tag suggestions. */
export const tagRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/tags',
    {
      schema: { querystring: TagsQuery, response: { 200: Type.Array(Type.String()) } },
      config: { access: 'read', rateGroup: 'files.list', session: true },
    },
    async (request) => listTags(ctx, request.principal, request.query),
  );
};
