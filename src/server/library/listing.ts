import { badRequest } from '../errors.js';
import { compileSearch } from '../search/compile.js';
import { type Filter, mentionsVersions } from '../search/filter.js';
import type { QueryLimits } from '../search/query-language.js';
import type { FileRecord, FolderRecord, ListQuery, SortColumn, Store } from '../store/store.js';
import { normalizeFolder } from './naming.js';

const sorts: Record<string, ListQuery['sort']> = {};
for (const [name, column] of Object.entries({
  NAME: 'name',
  CREATED: 'createdAt',
  UPDATED: 'updatedAt',
  HEIGHT: 'height',
  WIDTH: 'width',
  SIZE: 'size',
} as Record<string, SortColumn>)) {
  sorts[`ASC_${name}`] = { column, direction: 'asc' };
  sorts[`DESC_${name}`] = { column, direction: 'desc' };
}
// v7 lists relevance sorts; we rank by recency instead.
sorts.ASC_RELEVANCE = { column: 'createdAt', direction: 'asc' };
sorts.DESC_RELEVANCE = { column: 'createdAt', direction: 'desc' };

const includes: Record<string, ListQuery['include']> = {
  file: { folders: false, files: true, versions: false },
  'file-version': { folders: false, files: false, versions: true },
  folder: { folders: true, files: false, versions: false },
  all: { folders: true, files: true, versions: false },
};

/** `GET /v1/files` query parameters, including the legacy `tags`, `name` and `includeFolder`. */
export interface ListParams {
  type?: string;
  sort?: string;
  path?: string;
  searchQuery?: string;
  fileType?: string;
  limit?: string;
  skip?: string;
  tags?: string;
  name?: string;
  includeFolder?: string;
}

/**
 * Validates list parameters with ImageKit's own messages and compiles `searchQuery`. As ImageKit
 * documents, a searchQuery makes `type`, `tags` and `name` ignored: it searches files and
 * folders (and old versions only when it asks for `type = "file-version"`); `path`, `fileType`,
 * `sort`, `limit` and `skip` still apply.
 */
export async function listQueryFor(
  store: Store,
  params: ListParams,
  searchLimits?: QueryLimits,
): Promise<ListQuery> {
  const type = params.type ?? 'file';
  let include = includes[type];
  if (!include) {
    throw badRequest(
      'Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.',
    );
  }
  const sort = sorts[params.sort ?? 'ASC_CREATED'];
  if (!sort) throw badRequest('Your request contains invalid value for sort parameters.');
  const fileType = params.fileType ?? 'all';
  if (!['all', 'image', 'non-image'].includes(fileType)) {
    throw badRequest(
      'Your request contains invalid value for fileType parameter. Use all, image or non-image.',
    );
  }
  const limit = integer('limit', params.limit, 1000);
  if (limit < 1) throw badRequest(`Minimum value of limit parameter is 1. Value sent is ${params.limit}.`);
  if (limit > 1000)
    throw badRequest(`Maximum value of limit parameter is 1000. Value sent is ${params.limit}.`);
  const skip = integer('skip', params.skip, 0);
  if (skip < 0) {
    throw badRequest(
      `The value of skip parameter should be greater than or equal to 0. Value sent is ${params.skip}.`,
    );
  }

  let filter: Filter | undefined;
  if (params.searchQuery !== undefined && params.searchQuery.trim() !== '') {
    const fields = await store.customMetadataFields.list(false);
    filter = compileSearch(params.searchQuery, {
      now: Date.now(),
      customFields: new Map(fields.map((f) => [f.name, f.schema])),
      ...(searchLimits && { limits: searchLimits }),
    });
    include = { folders: true, files: true, versions: mentionsVersions(filter) };
  } else {
    filter = legacyFilter(params);
    if (params.includeFolder === 'true') include = { ...include, folders: true };
  }

  const query: ListQuery = { include, sort, limit, skip };
  if (filter) query.filter = filter;
  if (params.path !== undefined && params.path !== '') query.folder = normalizeFolder(params.path);
  if (fileType !== 'all') query.fileType = fileType as 'image' | 'non-image';
  return query;
}

/** Old SDKs filter with `tags=a,b` (any of them) and `name=` (exact). */
function legacyFilter(params: ListParams): Filter | undefined {
  const parts: Filter[] = [];
  const tags =
    params.tags
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean) ?? [];
  if (tags.length > 0) parts.push({ kind: 'tags', source: 'any', values: tags });
  if (params.name) parts.push({ kind: 'compare', column: 'name', op: '=', values: [params.name] });
  return parts.reduce<Filter | undefined>(
    (all, part) => (all ? { kind: 'and', left: all, right: part } : part),
    undefined,
  );
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw))
    throw badRequest(`Your request contains invalid value for ${name} parameter. Value sent is ${raw}.`);
  return Number(raw);
}

/**
 * One page of `query`: folders first, then files, each in the requested order, with skip and
 * limit running across both (docs/decisions.md, "`type=all` lists folders before files").
 */
export async function listCatalog(store: Store, query: ListQuery): Promise<Array<FileRecord | FolderRecord>> {
  const { include, skip, limit } = query;
  const wantsFiles = include.files || include.versions;
  if (!include.folders) return wantsFiles ? store.files.list(query, skip, limit) : [];
  const folders = await store.folders.list(query, skip, limit);
  if (folders.length === limit || !wantsFiles) return folders;
  const filesSkip = folders.length === 0 ? Math.max(0, skip - (await store.folders.count(query))) : 0;
  return [...folders, ...(await store.files.list(query, filesSkip, limit - folders.length))];
}
