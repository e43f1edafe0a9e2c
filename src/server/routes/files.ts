import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import { urlEndpointFor } from '../app.js';
import type { ServerContext } from '../context.js';
import { toMediaFile, toMediaFolder } from '../library/file-object.js';
import { deleteFile, requireFile, updateFileDetails } from '../library/files.js';
import { type ListParams, listQueryFor } from '../library/listing.js';
import { isFolderRecord } from '../store/store.js';

export const fileRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.get<{ Querystring: ListParams }>(
    '/v1/files',
    { config: { access: 'read', rateGroup: 'files.list' } },
    async (request) => {
      const records = await ctx.store.list(await listQueryFor(ctx.store, request.query));
      const urlEndpoint = urlEndpointFor(ctx, request);
      return records.map((r) => (isFolderRecord(r) ? toMediaFolder(r) : toMediaFile(r, urlEndpoint)));
    },
  );

  app.get<{ Params: { fileId: string } }>(
    '/v1/files/:fileId/details',
    { config: { access: 'read', rateGroup: 'files.read' } },
    async (request) =>
      toMediaFile(await requireFile(ctx.store, request.params.fileId), urlEndpointFor(ctx, request)),
  );

  app.patch<{ Params: { fileId: string } }>(
    '/v1/files/:fileId/details',
    { config: { access: 'write', rateGroup: 'files.write' } },
    async (request) =>
      toMediaFile(
        await updateFileDetails(ctx, request.params.fileId, request.body),
        urlEndpointFor(ctx, request),
      ),
  );

  app.delete<{ Params: { fileId: string } }>(
    '/v1/files/:fileId',
    { config: { access: 'write', rateGroup: 'files.write' } },
    async (request, reply) => {
      await deleteFile(ctx, request.params.fileId);
      reply.code(204).send();
    },
  );
};
