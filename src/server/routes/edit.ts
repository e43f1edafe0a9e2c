import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import { urlEndpointFor } from '../app.js';
import type { ServerContext } from '../context.js';
import { editFile } from '../library/edits.js';
import { toMediaFile } from '../library/file-object.js';

/** `POST /_ml/files/{fileId}/edit`: the editing panel's crop, rotate, flip, resize and format change. */
export const editRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.post<{ Params: { fileId: string } }>(
    '/_ml/files/:fileId/edit',
    { config: { access: 'write', rateGroup: 'files.write', session: true } },
    async (request) =>
      toMediaFile(
        await editFile(ctx, request.principal, request.params.fileId, request.body),
        urlEndpointFor(ctx, request),
      ),
  );
};
