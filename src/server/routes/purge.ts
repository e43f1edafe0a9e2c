import { Type } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import type { ServerContext } from '../context.js';
import { purgeCache, purgeStatus } from '../library/purge.js';
import { namedTransformsFrom } from '../media/transformation.js';

const PurgeBody = Type.Object({ url: Type.String() });

export const purgeRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;
  const named = namedTransformsFrom(ctx.config.namedTransforms);

  app.post(
    '/v1/files/purge',
    { schema: { body: PurgeBody }, config: { access: 'write', rateGroup: 'purge' } },
    async (request, reply) => {
      const { requestId } = await purgeCache(ctx, named, request.body.url);
      reply.code(201).send({ requestId });
    },
  );

  app.get<{ Params: { requestId: string } }>(
    '/v1/files/purge/:requestId',
    { config: { access: 'read', rateGroup: 'purge' } },
    async (request) => purgeStatus(ctx, request.params.requestId),
  );
};
