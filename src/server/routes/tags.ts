import { Type } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import type { ServerContext } from '../context.js';
import { listTags } from '../library/tags.js';

const TagsQuery = Type.Object({
  prefix: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.String()),
});

/** `GET /_ml/tags?prefix=&limit=`: tags already in the library, for the element's tag suggestions. */
export const tagRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.get(
    '/_ml/tags',
    {
      schema: { querystring: TagsQuery },
      config: { access: 'read', rateGroup: 'files.list', session: true },
    },
    async (request) => listTags(ctx, request.principal, request.query),
  );
};
