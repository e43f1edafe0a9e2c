import { editFile } from '../library/edits.js';
import { toMediaFile } from '../library/file-object.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';

/** `POST /_ml/files/{fileId}/edit`: the editing panel's crop, rotate, flip, resize and format change. */
export const editRoutes: RoutePlugin = async (app, { ctx }) => {
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
