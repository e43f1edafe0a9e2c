import { Type } from '@fastify/type-provider-typebox';
import {
  createNamedTransformation,
  deleteNamedTransformation,
  type NamedTransformation,
  requireNamedTransformation,
  toNamedTransformation,
  updateNamedTransformation,
} from '../library/named-transformations.js';
import type { RoutePlugin } from './route-plugin.js';
import { type Covers, withMessages } from './schemas.js';

const NamedTransformationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  transformation: Type.String(),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
});
true satisfies Covers<typeof NamedTransformationSchema, NamedTransformation>;

const IdParams = Type.Object({ id: Type.String() });
const CreateBody = Type.Object({
  name: withMessages(Type.String(), { required: 'Send the name, used in URLs as n-<name>.' }),
  transformation: withMessages(Type.String(), {
    required: 'Send the transformation string the name stands for, such as w-300,h-200.',
  }),
  enabled: Type.Optional(Type.Boolean()),
});
const UpdateBody = Type.Object({
  name: Type.Optional(Type.String()),
  transformation: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.Boolean()),
});

/**
 * ImageKit's named transformations (`/v1/named-transformations`, `@imagekit/nodejs`'s
 * `namedTransformations`): short names for transformation strings, used in URLs as `n-<name>`.
 * Account settings: any key with read access lists them; changing them needs a standard key.
 */
export const namedTransformationRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'settings' } as const;
  const admin = { access: 'admin', rateGroup: 'settings' } as const;
  const answer = { 200: NamedTransformationSchema };

  app.get(
    '/v1/named-transformations',
    { schema: { response: { 200: Type.Array(NamedTransformationSchema) } }, config: read },
    async () => (await ctx.store.namedTransformations.list()).map(toNamedTransformation),
  );

  app.post(
    '/v1/named-transformations',
    { schema: { body: CreateBody, response: { 201: NamedTransformationSchema } }, config: admin },
    async (request, reply) => {
      reply.code(201).send(await createNamedTransformation(ctx, request.principal, request.body));
    },
  );

  app.get(
    '/v1/named-transformations/:id',
    { schema: { params: IdParams, response: answer }, config: read },
    async (request) => toNamedTransformation(await requireNamedTransformation(ctx.store, request.params.id)),
  );

  app.patch(
    '/v1/named-transformations/:id',
    { schema: { params: IdParams, body: UpdateBody, response: answer }, config: admin },
    async (request) => updateNamedTransformation(ctx, request.principal, request.params.id, request.body),
  );

  app.delete(
    '/v1/named-transformations/:id',
    { schema: { params: IdParams }, config: admin },
    async (request, reply) => {
      await deleteNamedTransformation(ctx, request.principal, request.params.id);
      reply.code(204).send();
    },
  );
};
