import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { assertFileVisible, assertLevel, assertMayManage, limitListToScope } from '../auth/scope.js';
import { actorOf } from '../library/audit.js';
import { toMediaFile, toMediaFolder } from '../library/file-object.js';
import { deleteFile, requireFile, updateFileDetails } from '../library/files.js';
import { listCatalog, listQueryFor } from '../library/listing.js';
import { isFolderRecord } from '../store/store.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import {
  FileIdParams,
  MediaFileSchema,
  MediaFolderSchema,
  Nullable,
  OpenObject,
  StringParams,
  withMessages,
} from './schemas.js';

/** `GET /v1/files`: checked by listQueryFor, with ImageKit's messages. */
const ListQuery = StringParams(
  'type',
  'sort',
  'path',
  'searchQuery',
  'fileType',
  'limit',
  'skip',
  'tags',
  'name',
  'includeFolder',
);

const DetailsBody = withMessages(
  Type.Object({
    tags: Type.Optional(Nullable(Type.Array(Type.String()))),
    customCoordinates: Type.Optional(Nullable(Type.String())),
    customMetadata: Type.Optional(OpenObject),
    description: Type.Optional(Type.String()),
    removeAITags: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Literal('all')])),
    extensions: Type.Optional(Type.Array(Type.Unknown())),
    webhookUrl: Type.Optional(Type.String()),
    publish: Type.Optional(
      Type.Object({ isPublished: Type.Boolean(), includeFileVersions: Type.Optional(Type.Boolean()) }),
    ),
  }),
  { type: 'Send a JSON object with the details to change.' },
);

export const fileRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/v1/files',
    {
      schema: {
        querystring: ListQuery,
        response: { 200: Type.Array(Type.Union([MediaFolderSchema, MediaFileSchema])) },
      },
      config: { access: 'read', rateGroup: 'files.list', session: true },
    },
    async (request) => {
      const query = limitListToScope(
        request.principal,
        await listQueryFor(ctx.store, request.query, ctx.config.search),
      );
      const records = await listCatalog(ctx.store, query);
      const urlEndpoint = urlEndpointFor(ctx, request);
      return records.map((r) => (isFolderRecord(r) ? toMediaFolder(r) : toMediaFile(r, urlEndpoint)));
    },
  );

  /** The file, when this caller may see it (a session sees only its folder). */
  const visibleFile = async (request: FastifyRequest, fileId: string) => {
    const file = await requireFile(ctx.store, fileId);
    assertFileVisible(request.principal, file);
    return file;
  };

  app.get(
    '/v1/files/:fileId/details',
    {
      schema: { params: FileIdParams, response: { 200: MediaFileSchema } },
      config: { access: 'read', rateGroup: 'files.read', session: true },
    },
    async (request) =>
      toMediaFile(await visibleFile(request, request.params.fileId), urlEndpointFor(ctx, request)),
  );

  app.patch(
    '/v1/files/:fileId/details',
    {
      schema: { params: FileIdParams, body: DetailsBody, response: { 200: MediaFileSchema } },
      config: { access: 'write', rateGroup: 'files.write', session: true },
    },
    async (request) => {
      const file = await visibleFile(request, request.params.fileId);
      assertLevel(request.principal, 'contribute', file.filePath, file.fileId);
      const updated = await updateFileDetails(
        ctx,
        request.params.fileId,
        request.body,
        actorOf(request.principal),
      );
      const answer = toMediaFile(updated, urlEndpointFor(ctx, request));
      if (updated.extensionStatus) answer.extensionStatus = updated.extensionStatus;
      return answer;
    },
  );

  app.delete(
    '/v1/files/:fileId',
    {
      schema: { params: FileIdParams },
      config: { access: 'write', rateGroup: 'files.write', session: true },
    },
    async (request, reply) => {
      const file = await visibleFile(request, request.params.fileId);
      assertMayManage(request.principal, file.filePath, file.fileId);
      await deleteFile(ctx, request.params.fileId, actorOf(request.principal));
      reply.code(204).send();
    },
  );
};
