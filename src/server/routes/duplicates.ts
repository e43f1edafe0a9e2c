import { Type } from '@fastify/type-provider-typebox';
import { assertFileVisible } from '../auth/scope.js';
import {
  duplicateGroups,
  duplicatesOf,
  filesNearHashes,
  filesWithHashes,
  type NearFile,
} from '../library/duplicates.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { normalizeFolder } from '../library/naming.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams, MediaFileSchema, Nullable, withMessages } from './schemas.js';

const maxHashes = 100;

const pHashesMessage = `Each pHash is a 64-bit perceptual hash as 16 lower-case hex digits; send at most ${maxHashes}.`;

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
    pHashes: Type.Optional(
      withMessages(
        Type.Array(withMessages(Type.String({ pattern: '^[0-9a-f]{16}$' }), { pattern: pHashesMessage }), {
          maxItems: maxHashes,
        }),
        { maxItems: pHashesMessage },
      ),
    ),
  },
  { additionalProperties: false },
);

const NearFileSchema = Type.Object({ file: MediaFileSchema, distance: Type.Integer() });

const GroupsQuery = Type.Object({
  path: Type.Optional(Type.String({ maxLength: 1024 })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(
    withMessages(Type.Integer({ minimum: 1, maximum: 50 }), {
      minimum: 'limit is a whole number from 1 to 50.',
      maximum: 'limit is a whole number from 1 to 50.',
      type: 'limit is a whole number from 1 to 50.',
    }),
  ),
});

/**
 * Duplicates (docs/server.md "Duplicates"): exact ones, whose bytes as uploaded are the same (the
 * SHA-256 of every upload is recorded as it is stored), and near ones, images whose pHashes differ
 * in at most the `nearDuplicateDistance` setting's bits.
 */
export const duplicateRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'files.read', session: true } as const;

  app.get(
    '/_ml/files/:fileId/duplicates',
    {
      schema: {
        params: FileIdParams,
        response: {
          200: Type.Object({ duplicates: Type.Array(MediaFileSchema), near: Type.Array(NearFileSchema) }),
        },
      },
      config: read,
    },
    async (request) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      const urlEndpoint = urlEndpointFor(ctx, request);
      const { exact, near } = await duplicatesOf(ctx, request.principal, file);
      return {
        duplicates: exact.map((d) => toMediaFile(d, urlEndpoint)),
        near: near.map((n) => nearOut(n, urlEndpoint)),
      };
    },
  );

  // Before an upload: which of these files (by the SHA-256 of their bytes) the library has already.
  app.post(
    '/_ml/duplicates',
    {
      schema: {
        body: HashesBody,
        response: {
          200: Type.Object({
            matches: Type.Record(Type.String(), Type.Array(MediaFileSchema)),
            near: Type.Record(Type.String(), Type.Array(NearFileSchema)),
          }),
        },
      },
      config: read,
    },
    async (request) => {
      const urlEndpoint = urlEndpointFor(ctx, request);
      const byHash = await filesWithHashes(ctx.store, request.principal, request.body.hashes);
      const near = await filesNearHashes(ctx, request.principal, request.body.pHashes ?? []);
      return {
        near: Object.fromEntries(
          Object.entries(near).map(([pHash, files]) => [pHash, files.map((n) => nearOut(n, urlEndpoint))]),
        ),
        matches: Object.fromEntries(
          Object.entries(byHash).map(([hash, files]) => [
            hash,
            files.map((f) => toMediaFile(f, urlEndpoint)),
          ]),
        ),
      };
    },
  );

  // The "Find duplicates" view: groups of exact and near duplicates, a page at a time.
  app.get(
    '/_ml/duplicates',
    {
      schema: {
        querystring: GroupsQuery,
        response: {
          200: Type.Object({
            groups: Type.Array(Type.Object({ files: Type.Array(NearFileSchema) })),
            cursor: Nullable(Type.String()),
          }),
        },
      },
      config: read,
    },
    async (request) => {
      const urlEndpoint = urlEndpointFor(ctx, request);
      const path = normalizeFolder(request.query.path);
      const { groups, cursor } = await duplicateGroups(
        ctx,
        request.principal,
        path,
        request.query.cursor,
        request.query.limit ?? 20,
      );
      return { groups: groups.map((g) => ({ files: g.files.map((n) => nearOut(n, urlEndpoint)) })), cursor };
    },
  );
};

function nearOut(n: NearFile, urlEndpoint: string) {
  return { file: toMediaFile(n.file, urlEndpoint), distance: n.distance };
}
