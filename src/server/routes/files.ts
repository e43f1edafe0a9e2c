import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { urlEndpointFor } from '../app.js';
import { assertFileVisible, limitListToScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { toMediaFile, toMediaFolder } from '../library/file-object.js';
import { deleteFile, requireFile, updateFileDetails } from '../library/files.js';
import { type ListParams, listQueryFor } from '../library/listing.js';
import { isFolderRecord } from '../store/store.js';

export const fileRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.get<{ Querystring: ListParams }>(
    '/v1/files',
    { config: { access: 'read', rateGroup: 'files.list', session: true } },
    async (request) => {
      const query = limitListToScope(
        request.principal,
        await listQueryFor(ctx.store, request.query, ctx.config.search),
      );
      const records = await ctx.store.list(query);
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

  app.get<{ Params: { fileId: string } }>(
    '/v1/files/:fileId/details',
    { config: { access: 'read', rateGroup: 'files.read', session: true } },
    async (request) =>
      toMediaFile(await visibleFile(request, request.params.fileId), urlEndpointFor(ctx, request)),
  );

  app.patch<{ Params: { fileId: string } }>(
    '/v1/files/:fileId/details',
    { config: { access: 'write', rateGroup: 'files.write', session: true } },
    async (request) => {
      await visibleFile(request, request.params.fileId);
      return toMediaFile(
        await updateFileDetails(ctx, request.params.fileId, request.body),
        urlEndpointFor(ctx, request),
      );
    },
  );

  app.delete<{ Params: { fileId: string } }>(
    '/v1/files/:fileId',
    { config: { access: 'write', rateGroup: 'files.write', session: true } },
    async (request, reply) => {
      await visibleFile(request, request.params.fileId);
      await deleteFile(ctx, request.params.fileId);
      reply.code(204).send();
    },
  );
};
