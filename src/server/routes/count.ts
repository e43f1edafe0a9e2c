import { Type } from '@fastify/type-provider-typebox';
import { limitListToScope } from '../auth/scope.js';
import { badRequest } from '../errors.js';
import { listQueryFor } from '../library/listing.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringParams } from './schemas.js';

/** `GET /_ml/count`: the list's filters, checked by listQueryFor with ImageKit's messages. */
const CountQuery = StringParams(
  'type',
  'path',
  'searchQuery',
  'fileType',
  'limit',
  'tags',
  'name',
  'includeFolder',
);

/** The most a count counts exactly: a grid sizes its scrollbar from it, so a million-file folder is counted. */
export const countLimitMax = 1_000_000;

/** The count's own `limit` (1 to countLimitMax, default 1000); the list's is at most 1000. */
function countLimit(value: string | undefined): number {
  if (value === undefined || value === '') return 1000;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > countLimitMax)
    throw badRequest(
      `The limit parameter must be a whole number from 1 to ${countLimitMax}. Value sent is ${value}.`,
      {
        help: 'limit is how far the count is exact; beyond it the answer is { count: limit, exact: false }.',
      },
    );
  return limit;
}

/** Answers kept per node: a grid asks again for every reload, and a million rows take 100+ ms. */
const cachedCounts = 500;
/** A query longer than this (a member's many grants, a long searchQuery) is counted, not kept. */
const keptKeyChars = 4096;

interface CountAnswer {
  count: number;
  exact: boolean;
  folders: number;
}

/**
 * `GET /_ml/count?path=&searchQuery=&type=&fileType=&limit=`: how many items `GET /v1/files`
 * lists with these parameters over all its pages (ImageKit's list has no total), as
 * `{ count, exact, folders }`: exact up to `limit` (1 to 1,000,000, default 1000), else
 * `{ count: limit, exact: false }`; `folders` is how many of them are folders (listed first).
 * Unlike the list, `type=file` or `type=folder` also narrows a searchQuery. An answer is kept for
 * the same query (scope and grants included) until the catalog changes (`store.catalogVersion`;
 * not kept where the store has no such version).
 */
export const countRoutes: RoutePlugin = async (app, { ctx }) => {
  // Least recently asked first: a Map keeps insertion order, and a hit is moved to the end.
  const kept = new Map<string, { version: string; answer: CountAnswer }>();
  app.get(
    '/_ml/count',
    {
      schema: {
        querystring: CountQuery,
        response: {
          200: Type.Object({ count: Type.Integer(), exact: Type.Boolean(), folders: Type.Integer() }),
        },
      },
      config: { access: 'read', rateGroup: 'files.list', session: true },
    },
    async (request) => {
      const { limit: asked, ...params } = request.query;
      const limit = countLimit(asked);
      const query = limitListToScope(
        request.principal,
        await listQueryFor(ctx.store, params, ctx.config.search),
      );
      const { include } = query;
      const narrowed =
        params.searchQuery && (params.type === 'file' || params.type === 'folder')
          ? { folders: params.type === 'folder', files: params.type === 'file', versions: false }
          : include;
      const counted = { ...query, include: narrowed };
      const key = JSON.stringify([counted, limit]);
      const version = await ctx.store.catalogVersion();
      const hit = kept.get(key);
      kept.delete(key);
      if (hit && version !== undefined && hit.version === version) {
        kept.set(key, hit);
        return hit.answer;
      }
      const folders = narrowed.folders ? await ctx.store.folders.count(counted) : 0;
      const files =
        narrowed.files || narrowed.versions
          ? await ctx.store.files.count(counted, Math.max(0, limit - folders) + 1)
          : 0;
      const total = folders + files;
      const answer = {
        count: Math.min(total, limit),
        exact: total <= limit,
        folders: Math.min(folders, limit),
      };
      if (version !== undefined && key.length <= keptKeyChars) {
        kept.set(key, { version, answer });
        if (kept.size > cachedCounts) kept.delete(kept.keys().next().value!);
      }
      return answer;
    },
  );
};
