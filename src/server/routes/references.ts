import { Type } from '@fastify/type-provider-typebox';
import { assertFileVisible } from '../auth/scope.js';
import { actorOf } from '../library/audit.js';
import { requireFile } from '../library/files.js';
import {
  maxReferencedFiles,
  maxReferencesListed,
  replaceReferences,
  toFileReference,
} from '../library/references.js';
import type { RoutePlugin } from './route-plugin.js';
import { FileIdParams, withMessages } from './schemas.js';

const Source = Type.String({ minLength: 1, maxLength: 200 });
const Key = Type.String({ minLength: 1, maxLength: 500 });
const FileId = Type.String({ minLength: 1, maxLength: 100 });

const PlaceBody = Type.Object({ source: Source, key: Key }, { additionalProperties: false });

const ReferencesBody = Type.Object(
  {
    source: Source,
    key: Key,
    title: Type.String({ minLength: 1, maxLength: 500 }),
    url: Type.Optional(Type.String({ maxLength: 2048 })),
    fileIds: withMessages(Type.Array(FileId, { maxItems: maxReferencedFiles }), {
      maxItems: `Your request contains invalid fileIds parameter: one place may use at most ${maxReferencedFiles} files.`,
    }),
  },
  { additionalProperties: false },
);

const Reference = Type.Object({
  source: Type.String(),
  key: Type.String(),
  title: Type.String(),
  url: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
});

const CountsQuery = Type.Object({
  fileIds: withMessages(Type.String({ minLength: 1, maxLength: 30_000 }), {
    minLength: 'Your request is missing the fileIds parameter: a comma-separated list of file ids.',
    maxLength: 'Your request contains too many fileIds; ask for at most 1000 at a time.',
  }),
});

/**
 * Where files are used (docs/server.md "Where used"): CMS plugins report the files each entry uses
 * with `PUT /_ml/references`, and the element shows them before a delete, move or rename.
 */
export const referenceRoutes: RoutePlugin = async (app, { ctx }) => {
  const write = { access: 'write', rateGroup: 'references', session: true } as const;
  const read = { access: 'read', rateGroup: 'references', session: true } as const;

  app.put(
    '/_ml/references',
    {
      schema: {
        body: ReferencesBody,
        response: {
          200: Type.Object({ source: Type.String(), key: Type.String(), fileIds: Type.Array(Type.String()) }),
        },
      },
      config: write,
    },
    async (request) => {
      const fileIds = await replaceReferences(
        ctx,
        request.principal,
        request.body,
        actorOf(request.principal),
      );
      return { source: request.body.source, key: request.body.key, fileIds };
    },
  );

  app.delete('/_ml/references', { schema: { body: PlaceBody }, config: write }, async (request, reply) => {
    const { source, key } = request.body;
    await replaceReferences(
      ctx,
      request.principal,
      { source, key, title: key, fileIds: [] },
      actorOf(request.principal),
    );
    reply.code(204).send();
  });

  app.get(
    '/_ml/files/:fileId/references',
    {
      schema: {
        params: FileIdParams,
        response: { 200: Type.Object({ references: Type.Array(Reference) }) },
      },
      config: read,
    },
    async (request) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      const records = await ctx.store.references.forFile(file.fileId, maxReferencesListed);
      return { references: records.map(toFileReference) };
    },
  );

  // How many places use each file of a page of the grid: one grouped query.
  app.get(
    '/_ml/references/counts',
    {
      schema: {
        querystring: CountsQuery,
        response: { 200: Type.Object({ counts: Type.Record(Type.String(), Type.Integer()) }) },
      },
      config: read,
    },
    async (request) => {
      const ids = [...new Set(request.query.fileIds.split(',').filter(Boolean))].slice(0, 1000);
      const counts = await ctx.store.references.countFor(ids);
      return { counts: Object.fromEntries(counts) };
    },
  );
};
