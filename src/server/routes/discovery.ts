import { Type } from '@fastify/type-provider-typebox';
import { assertFileVisible } from '../auth/scope.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { maxSimilar, similarTo } from '../library/similar.js';
import { maxSuggestions, suggest } from '../library/suggestions.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { FileIdParams, MediaFileSchema, withMessages } from './schemas.js';

const SuggestQuery = Type.Object({
  q: withMessages(Type.String({ minLength: 1, maxLength: 200 }), {
    minLength: 'Send q, the text typed so far (at least one character).',
    maxLength: 'q is at most 200 characters.',
  }),
  limit: Type.Optional(
    withMessages(Type.Integer({ minimum: 1, maximum: maxSuggestions }), {
      minimum: 'limit is at least 1.',
      maximum: `limit is at most ${maxSuggestions}.`,
    }),
  ),
});

const SuggestionSchema = Type.Object({
  kind: Type.Union([
    Type.Literal('name'),
    Type.Literal('tag'),
    Type.Literal('aiTag'),
    Type.Literal('folder'),
    Type.Literal('metadata'),
  ]),
  label: Type.String(),
  searchQuery: Type.String(),
  path: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
});

const SimilarQuery = Type.Object({
  limit: Type.Optional(
    withMessages(Type.Integer({ minimum: 1, maximum: maxSimilar }), {
      minimum: 'limit is at least 1.',
      maximum: `limit is at most ${maxSimilar}.`,
    }),
  ),
});

/**
 * Discovery (docs/search-suggestions.md): what the search box suggests as a person types, and the
 * images that look like one. Both answer only from what the caller may see, checked in SQL.
 */
export const discoveryRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'files.read', session: true } as const;

  app.get(
    '/_ml/suggest',
    {
      schema: {
        querystring: SuggestQuery,
        response: { 200: Type.Object({ suggestions: Type.Array(SuggestionSchema) }) },
      },
      config: read,
    },
    async (request) => {
      const typed = request.query.q.trim();
      if (typed === '') return { suggestions: [] };
      return { suggestions: await suggest(ctx.store, request.principal, typed, request.query.limit ?? 8) };
    },
  );

  app.get(
    '/_ml/files/:fileId/similar',
    {
      schema: {
        params: FileIdParams,
        querystring: SimilarQuery,
        response: {
          200: Type.Object({
            method: Type.Union([Type.Literal('signature'), Type.Literal('embedding')]),
            similar: Type.Array(Type.Object({ file: MediaFileSchema, distance: Type.Number() })),
          }),
        },
      },
      config: read,
    },
    async (request) => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      const urlEndpoint = urlEndpointFor(ctx, request);
      const { method, similar } = await similarTo(ctx, request.principal, file, request.query.limit ?? 20);
      return {
        method,
        similar: similar.map(({ file: f, distance }) => ({ file: toMediaFile(f, urlEndpoint), distance })),
      };
    },
  );
};
