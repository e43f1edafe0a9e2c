import { Type } from '@fastify/type-provider-typebox';
import { assertFileVisible } from '../auth/scope.js';
import { downloadUrl } from '../library/download-url.js';
import { requireFile } from '../library/files.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams } from './schemas.js';

const DownloadUrlSchema = Type.Object({
  url: Type.String(),
  expiresAt: Type.Optional(Type.String()),
});

/**
 * `GET /_ml/files/:fileId/download-url`: a URL that downloads the file's original under its name,
 * signed for a short while when the file is private or unpublished (the element cannot sign). A
 * session sees only files inside its folder; others are 404 as everywhere.
 */
export const downloadRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/files/:fileId/download-url',
    {
      schema: { params: FileIdParams, response: { 200: DownloadUrlSchema } },
      config: { access: 'read', rateGroup: 'files.read', session: true },
    },
    async (request) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      return downloadUrl(ctx.store, file, urlEndpointFor(ctx, request));
    },
  );
};
