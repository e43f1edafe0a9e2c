import { Type } from '@fastify/type-provider-typebox';
import { purgeCache, purgeStatus } from '../library/purge.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringEnum } from './schemas.js';

const PurgeBody = Type.Object({ url: Type.String() });

export const purgeRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/v1/files/purge',
    {
      schema: { body: PurgeBody, response: { 201: Type.Object({ requestId: Type.String() }) } },
      config: { access: 'write', rateGroup: 'purge' },
    },
    async (request, reply) => {
      const { requestId } = await purgeCache(ctx, await ctx.namedTransformations.current(), request.body.url);
      reply.code(201).send({ requestId });
    },
  );

  app.get(
    '/v1/files/purge/:requestId',
    {
      schema: {
        params: Type.Object({ requestId: Type.String() }),
        response: { 200: Type.Object({ status: StringEnum(['Pending', 'Completed']) }) },
      },
      config: { access: 'read', rateGroup: 'purge' },
    },
    async (request) => purgeStatus(ctx, request.params.requestId),
  );
};
