import { Type } from '@fastify/type-provider-typebox';
import { actorOf } from '../library/audit.js';
import {
  createCustomMetadataField,
  deleteCustomMetadataField,
  toCustomMetadataField,
  updateCustomMetadataField,
} from '../library/custom-metadata-fields.js';
import type { RoutePlugin } from './route-plugin.js';
import { CustomMetadataFieldSchema, Nullable, OpenObject, StringParams, withMessages } from './schemas.js';

const FieldParams = Type.Object({ id: Type.String() });
const ListFieldsQuery = StringParams('includeDeleted', 'folderPath');

const CreateFieldBody = Type.Object({
  name: Type.String(),
  label: Type.String(),
  schema: Type.Object({ type: Type.String() }, { additionalProperties: true }),
  description: Type.Optional(Type.String()),
});

const UpdateFieldBody = withMessages(
  Type.Object({
    name: Type.Optional(Type.Unknown()),
    label: Type.Optional(Type.String()),
    schema: Type.Optional(
      withMessages(OpenObject, { type: 'Invalid schema object. schema must be an object.' }),
    ),
    description: Type.Optional(Nullable(Type.String())),
  }),
  { type: 'Send a JSON object.' },
);

export const customMetadataFieldRoutes: RoutePlugin = async (app, { ctx }) => {
  // Sessions may read the field definitions (to edit values) but not change them: they are account-wide.
  const read = { access: 'read', rateGroup: 'customMetadataFields', session: true } as const;
  const write = { access: 'write', rateGroup: 'customMetadataFields' } as const;
  const answer = { 200: CustomMetadataFieldSchema };

  app.get(
    '/v1/customMetadataFields',
    {
      schema: { querystring: ListFieldsQuery, response: { 200: Type.Array(CustomMetadataFieldSchema) } },
      config: read,
    },
    async (request) => {
      const fields = await ctx.store.customMetadataFields.list(request.query.includeDeleted === 'true');
      return fields.map(toCustomMetadataField);
    },
  );

  app.post(
    '/v1/customMetadataFields',
    { schema: { body: CreateFieldBody, response: { 201: CustomMetadataFieldSchema } }, config: write },
    async (request, reply) => {
      reply.code(201).send(await createCustomMetadataField(ctx, request.body, actorOf(request.principal)));
    },
  );

  app.patch(
    '/v1/customMetadataFields/:id',
    { schema: { params: FieldParams, body: UpdateFieldBody, response: answer }, config: write },
    async (request) =>
      updateCustomMetadataField(ctx, request.params.id, request.body, actorOf(request.principal)),
  );

  app.delete(
    '/v1/customMetadataFields/:id',
    { schema: { params: FieldParams }, config: write },
    async (request, reply) => {
      await deleteCustomMetadataField(ctx, request.params.id, actorOf(request.principal));
      reply.code(204).send();
    },
  );
};
