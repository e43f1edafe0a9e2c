import { Type } from '@fastify/type-provider-typebox';
import {
  createCustomMetadataField,
  deleteCustomMetadataField,
  toCustomMetadataField,
  updateCustomMetadataField,
} from '../library/custom-metadata-fields.js';
import type { RoutePlugin } from './route-plugin.js';

const CreateFieldBody = Type.Object({
  name: Type.String(),
  label: Type.String(),
  schema: Type.Object({ type: Type.String() }, { additionalProperties: true }),
  description: Type.Optional(Type.String()),
});

export const customMetadataFieldRoutes: RoutePlugin = async (app, { ctx }) => {
  // Sessions may read the field definitions (to edit values) but not change them: they are account-wide.
  const read = { access: 'read', rateGroup: 'customMetadataFields', session: true } as const;
  const write = { access: 'write', rateGroup: 'customMetadataFields' } as const;

  app.get<{ Querystring: { includeDeleted?: string; folderPath?: string } }>(
    '/v1/customMetadataFields',
    { config: read },
    async (request) => {
      const fields = await ctx.store.customMetadataFields.list(request.query.includeDeleted === 'true');
      return fields.map(toCustomMetadataField);
    },
  );

  app.post(
    '/v1/customMetadataFields',
    { schema: { body: CreateFieldBody }, config: write },
    async (request, reply) => {
      reply.code(201).send(await createCustomMetadataField(ctx, request.body));
    },
  );

  app.patch<{ Params: { id: string } }>('/v1/customMetadataFields/:id', { config: write }, async (request) =>
    updateCustomMetadataField(ctx, request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/customMetadataFields/:id',
    { config: write },
    async (request, reply) => {
      await deleteCustomMetadataField(ctx, request.params.id);
      reply.code(204).send();
    },
  );
};
