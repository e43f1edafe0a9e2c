import { Type } from '@fastify/type-provider-typebox';
import { purgeCache, purgeStatus } from '../library/purge.js';
import { namedTransformsFrom } from '../media/transformation.js';
import type { RoutePlugin } from './route-plugin.js';

const PurgeBody = Type.Object({ url: Type.String() });

export const purgeRoutes: RoutePlugin = async (app, { ctx }) => {
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
