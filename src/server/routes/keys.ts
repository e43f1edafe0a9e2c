import { Type } from '@fastify/type-provider-typebox';
import { type RollGracePeriod, rollGracePeriods } from '../auth/api-keys.js';
import { actorOf } from '../library/audit.js';
import type { RoutePlugin } from './route-plugin.js';
import { ApiKeyPairSchema, Nullable, StringEnum } from './schemas.js';

const CreateKeyBody = Type.Object({
  kind: StringEnum(['standard', 'restricted']),
  permission: Type.Optional(StringEnum(['None', 'Read', 'ReadWrite'])),
  name: Type.Optional(Type.String({ maxLength: 100 })),
});

const RollKeyBody = Nullable(
  Type.Object({
    expireOldKeyIn: Type.Optional(StringEnum(Object.keys(rollGracePeriods) as RollGracePeriod[])),
  }),
);

const KeyParams = Type.Object({ publicKey: Type.String() });

/**
 * Keys admin API (ours, not ImageKit's): list, create, roll and delete key pairs.
 * Basic auth with a standard key; restricted keys cannot manage keys.
 */
export const keyRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'admin', rateGroup: 'keys' } as const;

  app.get('/_ml/keys', { schema: { response: { 200: Type.Array(ApiKeyPairSchema) } }, config }, async () =>
    ctx.keys.list(),
  );

  app.post(
    '/_ml/keys',
    { schema: { body: CreateKeyBody, response: { 201: ApiKeyPairSchema } }, config },
    async (request, reply) => {
      const { kind, permission, name } = request.body;
      reply
        .code(201)
        .send(
          await ctx.keys.create(
            { kind, ...(permission && { permission }), ...(name && { name }) },
            actorOf(request.principal),
          ),
        );
    },
  );

  app.post(
    '/_ml/keys/:publicKey/roll',
    { schema: { params: KeyParams, body: RollKeyBody, response: { 200: ApiKeyPairSchema } }, config },
    async (request) =>
      ctx.keys.roll(
        request.params.publicKey,
        request.body?.expireOldKeyIn ?? '24h',
        actorOf(request.principal),
      ),
  );

  app.delete('/_ml/keys/:publicKey', { schema: { params: KeyParams }, config }, async (request, reply) => {
    await ctx.keys.delete(request.params.publicKey, actorOf(request.principal));
    reply.code(204).send();
  });
};
