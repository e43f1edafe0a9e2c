import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import { urlEndpointFor } from '../app.js';
import { assertFileVisible } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { deleteVersion, listVersions, requireVersion, restoreVersion } from '../library/versions.js';

type VersionParams = { Params: { fileId: string; versionId: string } };

export const versionRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;
  const read = { access: 'read', rateGroup: 'files.read', session: true } as const;
  const write = { access: 'write', rateGroup: 'files.write', session: true } as const;

  // Every version route first checks the file is one the caller may see.
  app.addHook('preHandler', async (request) => {
    const { fileId } = request.params as { fileId?: string };
    if (fileId) assertFileVisible(request.principal, await requireFile(ctx.store, fileId));
  });

  app.get<{ Params: { fileId: string } }>('/v1/files/:fileId/versions', { config: read }, async (request) => {
    const urlEndpoint = urlEndpointFor(ctx, request);
    return (await listVersions(ctx.store, request.params.fileId)).map((v) => toMediaFile(v, urlEndpoint));
  });

  app.get<VersionParams>('/v1/files/:fileId/versions/:versionId', { config: read }, async (request) =>
    toMediaFile(
      await requireVersion(ctx.store, request.params.fileId, request.params.versionId),
      urlEndpointFor(ctx, request),
    ),
  );

  app.delete<VersionParams>(
    '/v1/files/:fileId/versions/:versionId',
    { config: write },
    async (request, reply) => {
      await deleteVersion(ctx, request.params.fileId, request.params.versionId);
      reply.code(204).send();
    },
  );

  app.put<VersionParams>(
    '/v1/files/:fileId/versions/:versionId/restore',
    { config: write },
    async (request) =>
      toMediaFile(
        await restoreVersion(ctx, request.principal, request.params.fileId, request.params.versionId),
        urlEndpointFor(ctx, request),
      ),
  );
};
