import { Type } from '@fastify/type-provider-typebox';
import { assertFileVisible } from '../auth/scope.js';
import { duplicatesOf, filesWithHashes } from '../library/duplicates.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams, MediaFileSchema, withMessages } from './schemas.js';

const maxHashes = 100;

const HashesBody = Type.Object(
  {
    hashes: withMessages(
      Type.Array(
        withMessages(Type.String({ pattern: '^[0-9a-f]{64}$' }), {
          pattern: 'Each hash is the SHA-256 of a file’s bytes, as 64 lower-case hex digits.',
        }),
        { minItems: 1, maxItems: maxHashes },
      ),
      {
        minItems: 'Send at least one hash.',
        maxItems: `Send at most ${maxHashes} hashes at a time.`,
      },
    ),
  },
  { additionalProperties: false },
);

/**
 * Exact duplicates (docs/server.md "Duplicates"): files whose bytes, as uploaded, are the same.
 * The SHA-256 of every upload is recorded once as it is stored.
 */
export const duplicateRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'files.read', session: true } as const;

  app.get(
    '/_ml/files/:fileId/duplicates',
    {
      schema: {
        params: FileIdParams,
        response: { 200: Type.Object({ duplicates: Type.Array(MediaFileSchema) }) },
      },
      config: read,
    },
    async (request) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      const urlEndpoint = urlEndpointFor(ctx, request);
      const duplicates = await duplicatesOf(ctx.store, request.principal, file);
      return { duplicates: duplicates.map((d) => toMediaFile(d, urlEndpoint)) };
    },
  );

  // Before an upload: which of these files (by the SHA-256 of their bytes) the library has already.
  app.post(
    '/_ml/duplicates',
    {
      schema: {
        body: HashesBody,
        response: { 200: Type.Object({ matches: Type.Record(Type.String(), Type.Array(MediaFileSchema)) }) },
      },
      config: read,
    },
    async (request) => {
      const urlEndpoint = urlEndpointFor(ctx, request);
      const byHash = await filesWithHashes(ctx.store, request.principal, request.body.hashes);
      return {
        matches: Object.fromEntries(
          Object.entries(byHash).map(([hash, files]) => [
            hash,
            files.map((f) => toMediaFile(f, urlEndpoint)),
          ]),
        ),
      };
    },
  );
};
