import { Type } from '@fastify/type-provider-typebox';
import {
  createSavedExtension,
  deleteSavedExtension,
  requireSavedExtension,
  type SavedExtension,
  toSavedExtension,
  updateSavedExtension,
} from '../library/saved-extensions.js';
import type { RoutePlugin } from './route-plugin.js';
import { type Covers, OpenObject } from './schemas.js';

const SavedExtensionSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  config: OpenObject,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
true satisfies Covers<typeof SavedExtensionSchema, SavedExtension>;

const IdParams = Type.Object({ id: Type.String() });
const CreateBody = Type.Object({
  name: Type.String(),
  description: Type.String(),
  config: Type.Unknown(),
});
const UpdateBody = Type.Object({
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  config: Type.Optional(Type.Unknown()),
});

/**
 * ImageKit's saved extensions (`/v1/saved-extensions`, the SDK's `savedExtensions`): extension
 * configurations kept for reuse. Account settings: read keys list them, standard keys change them.
 */
export const savedExtensionRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'settings' } as const;
  const admin = { access: 'admin', rateGroup: 'settings' } as const;
  const answer = { 200: SavedExtensionSchema };

  app.get(
    '/v1/saved-extensions',
    { schema: { response: { 200: Type.Array(SavedExtensionSchema) } }, config: read },
    async () => (await ctx.store.savedExtensions.list()).map(toSavedExtension),
  );

  app.post(
    '/v1/saved-extensions',
    { schema: { body: CreateBody, response: { 201: SavedExtensionSchema } }, config: admin },
    async (request, reply) => {
      reply.code(201).send(await createSavedExtension(ctx, request.principal, request.body));
    },
  );

  app.get(
    '/v1/saved-extensions/:id',
    { schema: { params: IdParams, response: answer }, config: read },
    async (request) => toSavedExtension(await requireSavedExtension(ctx.store, request.params.id)),
  );

  app.patch(
    '/v1/saved-extensions/:id',
    { schema: { params: IdParams, body: UpdateBody, response: answer }, config: admin },
    async (request) => updateSavedExtension(ctx, request.principal, request.params.id, request.body),
  );

  app.delete(
    '/v1/saved-extensions/:id',
    { schema: { params: IdParams }, config: admin },
    async (request, reply) => {
      await deleteSavedExtension(ctx, request.principal, request.params.id);
      reply.code(204).send();
    },
  );
};
