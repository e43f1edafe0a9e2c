import { Type } from '@fastify/type-provider-typebox';
import { createOrigin, deleteOrigin, replaceOrigin, requireOrigin, toOrigin } from '../library/origins.js';
import type { RoutePlugin } from './route-plugin.js';

/** An origin as answered: its settings without secrets; every other property kept as stored. */
const OriginSchema = Type.Object(
  { id: Type.String(), name: Type.String(), type: Type.String(), includeCanonicalHeader: Type.Boolean() },
  { additionalProperties: true },
);
const IdParams = Type.Object({ id: Type.String() });
const Definition = Type.Object({ type: Type.String(), name: Type.String() }, { additionalProperties: true });

/**
 * ImageKit's origins (`/v1/accounts/origins`, the SDK's `accounts.origins`): S3 buckets and web
 * folders files are served from through URL endpoints. Account settings: read keys list them
 * (never their secrets), standard keys change them.
 */
export const originRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'settings' } as const;
  const admin = { access: 'admin', rateGroup: 'settings' } as const;

  app.get(
    '/v1/accounts/origins',
    { schema: { response: { 200: Type.Array(OriginSchema) } }, config: read },
    async () => (await ctx.store.origins.list()).map(toOrigin),
  );
  app.post(
    '/v1/accounts/origins',
    { schema: { body: Definition, response: { 201: OriginSchema } }, config: admin },
    async (request, reply) => {
      reply.code(201).send(await createOrigin(ctx, request.principal, request.body));
    },
  );
  app.get(
    '/v1/accounts/origins/:id',
    { schema: { params: IdParams, response: { 200: OriginSchema } }, config: read },
    async (request) => toOrigin(await requireOrigin(ctx.store, request.params.id)),
  );
  app.put(
    '/v1/accounts/origins/:id',
    { schema: { params: IdParams, body: Definition, response: { 200: OriginSchema } }, config: admin },
    async (request) => replaceOrigin(ctx, request.principal, request.params.id, request.body),
  );
  app.delete(
    '/v1/accounts/origins/:id',
    { schema: { params: IdParams }, config: admin },
    async (request, reply) => {
      await deleteOrigin(ctx, request.principal, request.params.id);
      reply.code(204).send();
    },
  );
};
