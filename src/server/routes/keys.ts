import { Type } from '@fastify/type-provider-typebox';
import { type RollGracePeriod, rollGracePeriods } from '../auth/api-keys.js';
import type { RoutePlugin } from './route-plugin.js';

const CreateKeyBody = Type.Object({
  kind: Type.Union([Type.Literal('standard'), Type.Literal('restricted')]),
  permission: Type.Optional(
    Type.Union([Type.Literal('None'), Type.Literal('Read'), Type.Literal('ReadWrite')]),
  ),
  name: Type.Optional(Type.String({ maxLength: 100 })),
});

const RollKeyBody = Type.Optional(
  Type.Object({
    expireOldKeyIn: Type.Optional(Type.Union(Object.keys(rollGracePeriods).map((k) => Type.Literal(k)))),
  }),
);

/**
 * Keys admin API (ours, not ImageKit's): list, create, roll and delete key pairs.
 * Basic auth with a standard key; restricted keys cannot manage keys.
 */
export const keyRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'admin', rateGroup: 'keys' } as const;

  app.get('/_ml/keys', { config }, async () => ctx.keys.list());

  app.post('/_ml/keys', { schema: { body: CreateKeyBody }, config }, async (request, reply) => {
    const { kind, permission, name } = request.body;
    reply
      .code(201)
      .send(await ctx.keys.create({ kind, ...(permission && { permission }), ...(name && { name }) }));
  });

  app.post<{ Params: { publicKey: string } }>(
    '/_ml/keys/:publicKey/roll',
    { schema: { body: RollKeyBody }, config },
    async (request) => {
      const grace = ((request.body as { expireOldKeyIn?: string } | undefined)?.expireOldKeyIn ??
        '24h') as RollGracePeriod;
      return ctx.keys.roll(request.params.publicKey, grace);
    },
  );

  app.delete<{ Params: { publicKey: string } }>(
    '/_ml/keys/:publicKey',
    { config },
    async (request, reply) => {
      await ctx.keys.delete(request.params.publicKey);
      reply.code(204).send();
    },
  );
};
