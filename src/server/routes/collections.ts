import { Type } from '@fastify/type-provider-typebox';
import type { MediaCollection } from '../../shared/wire.js';
import {
  addCollectionItems,
  collectionLimits,
  createCollection,
  deleteCollection,
  getCollection,
  listCollectionItems,
  listCollections,
  removeCollectionItems,
  reorderCollectionItems,
  updateCollection,
} from '../library/collections.js';
import { toMediaFile } from '../library/file-object.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { type Covers, MediaFileSchema, Nullable, StringParams, withMessages } from './schemas.js';

const CollectionSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  itemCount: Type.Integer(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
true satisfies Covers<typeof CollectionSchema, MediaCollection>;

const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const CreateBody = Type.Object(
  {
    name: withMessages(Type.String(), { required: 'Send the collection name, such as "Spring launch".' }),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  { name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const FileIds = withMessages(
  Type.Array(Type.String({ maxLength: 100 }), { maxItems: collectionLimits.fileIds }),
  {
    maxItems: `Send at most ${collectionLimits.fileIds} file ids at once; split the request.`,
    type: 'Send fileIds as an array of file ids.',
  },
);
const FileIdsBody = Type.Object(
  { fileIds: withMessages(FileIds, { required: 'Send fileIds: the ids of the files.' }) },
  { additionalProperties: false },
);
const OrderBody = Type.Object(
  { order: withMessages(FileIds, { required: 'Send order: the file ids in their new order.' }) },
  { additionalProperties: false },
);

/**
 * `/_ml/collections`: named, ordered sets of files from any folders (docs/server.md). Anyone who may
 * read lists them (members only what their grants reach); changing them needs write access, and a
 * member `contribute` access to the files it adds or removes.
 */
export const collectionRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'collections', session: true } as const;
  const write = { access: 'write', rateGroup: 'collections', session: true } as const;

  app.get(
    '/_ml/collections',
    { schema: { response: { 200: Type.Array(CollectionSchema) } }, config: read },
    async (request) => listCollections(ctx.store, request.principal),
  );

  app.post(
    '/_ml/collections',
    { schema: { body: CreateBody, response: { 201: CollectionSchema } }, config: write },
    async (request, reply) => {
      reply.code(201).send(await createCollection(ctx, request.principal, request.body));
    },
  );

  app.get(
    '/_ml/collections/:id',
    { schema: { params: IdParams, response: { 200: CollectionSchema } }, config: read },
    async (request) => getCollection(ctx.store, request.principal, request.params.id),
  );

  app.patch(
    '/_ml/collections/:id',
    { schema: { params: IdParams, body: UpdateBody, response: { 200: CollectionSchema } }, config: write },
    async (request) => updateCollection(ctx, request.principal, request.params.id, request.body),
  );

  app.delete(
    '/_ml/collections/:id',
    { schema: { params: IdParams }, config: write },
    async (request, reply) => {
      await deleteCollection(ctx, request.principal, request.params.id);
      reply.code(204).send();
    },
  );

  app.get(
    '/_ml/collections/:id/items',
    {
      schema: {
        params: IdParams,
        querystring: StringParams('limit', 'skip', 'searchQuery', 'sort'),
        response: { 200: Type.Array(MediaFileSchema) },
      },
      config: read,
    },
    async (request) => {
      const files = await listCollectionItems(
        ctx,
        request.principal,
        request.params.id,
        request.query,
        ctx.config.search,
      );
      const urlEndpoint = urlEndpointFor(ctx, request);
      return files.map((file) => toMediaFile(file, urlEndpoint));
    },
  );

  app.post(
    '/_ml/collections/:id/items',
    {
      schema: {
        params: IdParams,
        body: FileIdsBody,
        response: { 200: Type.Object({ addedFileIds: Type.Array(Type.String()) }) },
      },
      config: write,
    },
    async (request) => addCollectionItems(ctx, request.principal, request.params.id, request.body.fileIds),
  );

  app.delete(
    '/_ml/collections/:id/items',
    {
      schema: {
        params: IdParams,
        body: FileIdsBody,
        response: { 200: Type.Object({ removedFileIds: Type.Array(Type.String()) }) },
      },
      config: write,
    },
    async (request) => removeCollectionItems(ctx, request.principal, request.params.id, request.body.fileIds),
  );

  app.patch(
    '/_ml/collections/:id/items',
    { schema: { params: IdParams, body: OrderBody }, config: write },
    async (request, reply) => {
      await reorderCollectionItems(ctx, request.principal, request.params.id, request.body.order);
      reply.code(204).send();
    },
  );
};
