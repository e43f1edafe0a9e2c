import { Type } from '@fastify/type-provider-typebox';
import { editFile } from '../library/edits.js';
import { toMediaFile } from '../library/file-object.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams, MediaFileSchema, Nullable, withMessages } from './schemas.js';

const SaveAs = withMessages(
  Type.Object({
    fileName: withMessages(Type.String(), { required: "saveAs.fileName is required: the new file's name." }),
    folder: withMessages(Type.Optional(Type.String()), {
      type: 'saveAs.folder must be a folder path such as /brand/.',
    }),
  }),
  { type: 'saveAs must be an object: {"fileName": "copy.jpg", "folder"?: "/where/"}.' },
);

const EditBody = withMessages(
  Type.Object({
    operations: Type.Optional(Type.Unknown()),
    saveAs: Type.Optional(Nullable(SaveAs)),
    versionId: Type.Optional(Type.String()),
  }),
  { type: 'Send a JSON object: {"operations": [...], "saveAs"?: {"fileName": "...", "folder"?: "..."}}.' },
);

/** `POST /_ml/files/{fileId}/edit`: the editing panel's crop, rotate, flip, resize, format change and layers. */
export const editRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/_ml/files/:fileId/edit',
    {
      schema: { params: FileIdParams, body: EditBody, response: { 200: MediaFileSchema } },
      config: { access: 'write', rateGroup: 'files.write', session: true },
    },
    async (request) =>
      toMediaFile(
        await editFile(ctx, request.principal, request.params.fileId, request.body),
        urlEndpointFor(ctx, request),
      ),
  );
};
