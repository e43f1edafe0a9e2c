import { Type } from '@fastify/type-provider-typebox';
import { assertFileVisible, assertMayManage } from '../auth/scope.js';
import { actorOf } from '../library/audit.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { deleteVersion, listVersions, requireVersion, restoreVersion } from '../library/versions.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams, MediaFileSchema } from './schemas.js';

const VersionParams = Type.Object({ fileId: Type.String(), versionId: Type.String() });

export const versionRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'files.read', session: true } as const;
  const write = { access: 'write', rateGroup: 'files.write', session: true } as const;

  // Every version route first checks the file is one the caller may see.
  app.addHook('preHandler', async (request) => {
    const { fileId } = request.params as { fileId?: string };
    if (fileId) assertFileVisible(request.principal, await requireFile(ctx.store, fileId));
  });

  app.get(
    '/v1/files/:fileId/versions',
    { schema: { params: FileIdParams, response: { 200: Type.Array(MediaFileSchema) } }, config: read },
    async (request) => {
      const urlEndpoint = urlEndpointFor(ctx, request);
      return (await listVersions(ctx.store, request.params.fileId)).map((v) => toMediaFile(v, urlEndpoint));
    },
  );

  app.get(
    '/v1/files/:fileId/versions/:versionId',
    { schema: { params: VersionParams, response: { 200: MediaFileSchema } }, config: read },
    async (request) =>
      toMediaFile(
        await requireVersion(ctx.store, request.params.fileId, request.params.versionId),
        urlEndpointFor(ctx, request),
      ),
  );

  app.delete(
    '/v1/files/:fileId/versions/:versionId',
    { schema: { params: VersionParams }, config: write },
    async (request, reply) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertMayManage(request.principal, file.filePath, file.fileId);
      await deleteVersion(ctx, request.params.fileId, request.params.versionId, actorOf(request.principal));
      reply.code(204).send();
    },
  );

  app.put(
    '/v1/files/:fileId/versions/:versionId/restore',
    { schema: { params: VersionParams, response: { 200: MediaFileSchema } }, config: write },
    async (request) =>
      toMediaFile(
        await restoreVersion(
          ctx,
          request.principal,
          request.params.fileId,
          request.params.versionId,
          actorOf(request.principal),
        ),
        urlEndpointFor(ctx, request),
      ),
  );
};
