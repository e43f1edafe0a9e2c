import type { MediaCollection } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import { assertLevel, isPathInScope, limitListToScope } from '../auth/scope.js';
import { reaches } from '../auth/user-access.js';
import type { ServerContext } from '../context.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { QueryLimits } from '../search/query-language.js';
import type { CollectionRecord, FileRecord, ListQuery, Store } from '../store/store.js';
import { hasNul, invalidParameter, noNul } from './attributes.js';
import { actorOf, appendAudit } from './audit.js';
import { newId } from './ids.js';
import { listQueryFor } from './listing.js';

/** Longest name and description, and most file ids one request may name. */
export const collectionLimits = { name: 100, description: 1000, fileIds: 1000 } as const;

/** Items counted per collection at most (the sidebar shows "1000+"). */
const countCap = 10_000;

/** Whether the caller's view is narrowed by grants (a member): it then sees only some items. */
const narrowedBy = (principal: Principal | null) => principal?.user?.reach;

/** The collection as the API answers it, with the number of its files this caller may see. */
async function toMediaCollection(
  store: Store,
  principal: Principal | null,
  record: CollectionRecord,
  itemCount?: number,
): Promise<MediaCollection> {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    itemCount: itemCount ?? (await store.files.count(itemsQuery(principal, record.id, false), countCap)),
    createdBy: record.createdBy,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

/** A collection's files this caller may see: its session's folder and its grants, in SQL. */
function itemsQuery(
  principal: Principal | null,
  id: string,
  inItsOrder: boolean,
  base?: ListQuery,
): ListQuery {
  const query: ListQuery = base ?? {
    include: { folders: false, files: true, versions: false },
    sort: { column: 'createdAt', direction: 'asc' },
    limit: countCap,
    skip: 0,
  };
  return limitListToScope(principal, {
    ...query,
    include: { folders: false, files: true, versions: false },
    collection: { id, inItsOrder },
  });
}

/**
 * A member sees the collections it made and those holding a file it may see; everyone else sees
 * every collection. Others' are not found, so their names do not leak.
 */
async function isVisible(store: Store, principal: Principal | null, record: CollectionRecord) {
  const reach = narrowedBy(principal);
  if (!reach || record.createdBy === principal?.user?.id || reach.collections.has(record.id)) return true;
  return (await store.files.count(itemsQuery(principal, record.id, false), 1)) > 0;
}

const collectionNotFound = (id: string) =>
  notFound(`There is no collection with id ${id}.`, { reason: 'COLLECTION_NOT_FOUND' });

/** The collection, when it exists and this caller may see it; 404 otherwise. */
export async function requireCollection(
  store: Store,
  principal: Principal | null,
  id: string,
): Promise<CollectionRecord> {
  const record = await store.collections.get(id);
  if (!record || !(await isVisible(store, principal, record))) throw collectionNotFound(id);
  return record;
}

export async function listCollections(store: Store, principal: Principal | null): Promise<MediaCollection[]> {
  const out: MediaCollection[] = [];
  // Every collection's count in one query, narrowed as its items listing is.
  const counts = await store.collections.visibleCounts(
    limitListToScope(principal, itemsQuery(null, '', false)),
  );
  for (const record of await store.collections.list()) {
    const collection = await toMediaCollection(store, principal, record, counts.get(record.id) ?? 0);
    const reach = narrowedBy(principal);
    if (
      !reach ||
      record.createdBy === principal?.user?.id ||
      reach.collections.has(record.id) ||
      collection.itemCount > 0
    ) {
      out.push(collection);
    }
  }
  return out;
}

export async function getCollection(store: Store, principal: Principal | null, id: string) {
  return toMediaCollection(store, principal, await requireCollection(store, principal, id));
}

/** A member needs `contribute` somewhere to make collections; keys, admins and managers may. */
function assertMayContributeSomewhere(principal: Principal | null): void {
  const reach = narrowedBy(principal);
  if (!reach) return;
  const levels = [...reach.folders.values(), ...reach.files.values()];
  if (levels.some((level) => reaches(level, 'contribute'))) return;
  throw forbidden(
    'Making or changing collections needs contribute access to some folder or file; you can only view. Ask someone who manages a folder for more.',
    { reason: 'PERMISSION_DENIED' },
  );
}

/** A member changes or deletes only the collections it made; keys, admins and managers any. */
function assertMayChange(principal: Principal | null, record: CollectionRecord): void {
  assertMayContributeSomewhere(principal);
  if (!narrowedBy(principal) || record.createdBy === principal?.user?.id) return;
  throw forbidden(
    'Only the member who made this collection, an admin or a manager can rename or delete it.',
    {
      reason: 'PERMISSION_DENIED',
    },
  );
}

function readName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalidParameter('name', 'Send a name of 1 to 100 characters.');
  if (trimmed.length > collectionLimits.name) {
    throw invalidParameter('name', `A collection name has at most ${collectionLimits.name} characters.`);
  }
  if (hasNul(trimmed)) throw invalidParameter('name', noNul);
  return trimmed;
}

function readDescription(description: string): string {
  if (description.length > collectionLimits.description) {
    throw invalidParameter(
      'description',
      `A collection description has at most ${collectionLimits.description} characters.`,
    );
  }
  if (hasNul(description)) throw invalidParameter('description', noNul);
  return description;
}

/** Names are unique whatever their case: a second "Spring launch" is refused with 409. */
async function assertNameFree(store: Store, name: string, except?: string): Promise<void> {
  const existing = await store.collections.findByName(name);
  if (existing && existing.id !== except) {
    throw conflict(`A collection named "${existing.name}" exists already. Choose another name.`, {
      reason: 'COLLECTION_NAME_TAKEN',
    });
  }
}

const event = (record: Pick<CollectionRecord, 'id' | 'name'>) => ({
  target: { id: record.id, name: record.name },
});

export async function createCollection(
  ctx: ServerContext,
  principal: Principal | null,
  input: { name: string; description?: string | undefined },
): Promise<MediaCollection> {
  assertMayContributeSomewhere(principal);
  const name = readName(input.name);
  const description = readDescription(input.description ?? '');
  const now = Date.now();
  const record: CollectionRecord = {
    id: newId(now),
    name,
    description,
    createdBy: principal?.user?.id ?? null,
    createdAt: now,
    updatedAt: now,
  };
  return ctx.store.transaction(async (store) => {
    await assertNameFree(store, name);
    await store.collections.insert(record);
    await appendAudit(store, actorOf(principal), { action: 'collection.create', ...event(record) }, now);
    return toMediaCollection(store, principal, record);
  });
}

export async function updateCollection(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  input: { name?: string | undefined; description?: string | undefined },
): Promise<MediaCollection> {
  const name = input.name === undefined ? undefined : readName(input.name);
  const description = input.description === undefined ? undefined : readDescription(input.description);
  return ctx.store.transaction(async (store) => {
    const before = await requireCollection(store, principal, id);
    assertMayChange(principal, before);
    if (name !== undefined) await assertNameFree(store, name, id);
    const now = Date.now();
    const patch = {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      updatedAt: now,
    };
    await store.collections.update(id, patch);
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    if (name !== undefined && name !== before.name) changes.name = { before: before.name, after: name };
    if (description !== undefined && description !== before.description) {
      changes.description = { before: before.description, after: description };
    }
    await appendAudit(
      store,
      actorOf(principal),
      { action: 'collection.update', ...event(before), changes },
      now,
    );
    return toMediaCollection(store, principal, { ...before, ...patch });
  });
}

export async function deleteCollection(ctx: ServerContext, principal: Principal | null, id: string) {
  await ctx.store.transaction(async (store) => {
    const record = await requireCollection(store, principal, id);
    assertMayChange(principal, record);
    await store.collections.delete(id);
    await appendAudit(store, actorOf(principal), { action: 'collection.delete', ...event(record) });
  });
}

/** One page of a collection's files: in its order, or by `sort`; `searchQuery` searches inside it. */
export async function listCollectionItems(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  params: { limit?: string; skip?: string; searchQuery?: string; sort?: string },
  searchLimits?: QueryLimits,
): Promise<FileRecord[]> {
  await requireCollection(ctx.store, principal, id);
  const base = await listQueryFor(ctx.store, { ...params, type: 'file' }, searchLimits);
  const query = itemsQuery(principal, id, params.sort === undefined || params.sort === '', base);
  return ctx.store.files.list(query, query.skip, query.limit);
}

/** 1 to 1000 distinct file ids. */
function readFileIds(name: string, fileIds: string[]): string[] {
  if (fileIds.length === 0) throw invalidParameter(name, 'Send at least one file id.');
  if (fileIds.length > collectionLimits.fileIds) {
    throw invalidParameter(
      name,
      `Send at most ${collectionLimits.fileIds} file ids at once (${fileIds.length} were sent); split the request.`,
    );
  }
  return fileIds;
}

/**
 * The files named, each visible to the caller and one it may contribute to (a member with view
 * access changes no collection); the missing or invisible ones are named in one 404.
 */
async function requireFilesToChange(
  store: Store,
  principal: Principal | null,
  fileIds: string[],
): Promise<FileRecord[]> {
  const found = new Map((await store.files.getMany(fileIds)).map((f) => [f.fileId, f]));
  const missing = fileIds.filter((fileId) => {
    const file = found.get(fileId);
    return !file || !isPathInScope(principal, file.filePath, file.fileId);
  });
  if (missing.length > 0) {
    throw notFound(
      `These files do not exist: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? '…' : ''}.`,
      { reason: 'FILES_MISSING', missingFileIds: missing },
    );
  }
  const files = [...found.values()];
  for (const file of files) assertLevel(principal, 'contribute', file.filePath, file.fileId);
  return files;
}

/** Adds files at the end; files already in it stay where they are (no duplicates). */
export async function addCollectionItems(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  fileIds: string[],
): Promise<{ addedFileIds: string[] }> {
  const ids = readFileIds('fileIds', [...new Set(fileIds)]);
  return ctx.store.transaction(async (store) => {
    const record = await requireCollection(store, principal, id);
    assertMayContributeSomewhere(principal);
    await requireFilesToChange(store, principal, ids);
    const now = Date.now();
    const added = await store.collections.addItems(id, ids, now);
    if (added.length > 0) {
      await store.collections.update(id, { updatedAt: now });
      await appendAudit(
        store,
        actorOf(principal),
        { action: 'collection.items.add', ...event(record), changes: { fileIds: { after: added } } },
        now,
      );
    }
    return { addedFileIds: added };
  });
}

/** Takes files out of the collection (never out of the library). */
export async function removeCollectionItems(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  fileIds: string[],
): Promise<{ removedFileIds: string[] }> {
  const ids = readFileIds('fileIds', [...new Set(fileIds)]);
  return ctx.store.transaction(async (store) => {
    const record = await requireCollection(store, principal, id);
    assertMayContributeSomewhere(principal);
    await requireFilesToChange(store, principal, ids);
    const removed = await store.collections.removeItems(id, ids);
    if (removed.length > 0) {
      const now = Date.now();
      await store.collections.update(id, { updatedAt: now });
      await appendAudit(
        store,
        actorOf(principal),
        { action: 'collection.items.remove', ...event(record), changes: { fileIds: { before: removed } } },
        now,
      );
    }
    return { removedFileIds: removed };
  });
}

/**
 * Puts the files named in this order, in the places they hold between them; the caller names
 * files of the collection it may see (a member's hidden items keep their places).
 */
export async function reorderCollectionItems(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  order: string[],
): Promise<void> {
  const ids = readFileIds('order', order);
  if (new Set(ids).size !== ids.length) {
    throw invalidParameter('order', 'Name each file once.');
  }
  await ctx.store.transaction(async (store) => {
    const record = await requireCollection(store, principal, id);
    assertMayContributeSomewhere(principal);
    const held = await store.collections.holding(id, ids);
    const outside = ids.filter((fileId) => !held.has(fileId));
    if (outside.length > 0) {
      throw badRequest(`These files are not in the collection: ${outside.slice(0, 20).join(', ')}.`, {
        reason: 'NOT_IN_COLLECTION',
      });
    }
    await requireFilesToChange(store, principal, ids);
    await store.collections.reorder(id, ids);
    await appendAudit(store, actorOf(principal), {
      action: 'collection.items.reorder',
      ...event(record),
      changes: { order: { after: ids } },
    });
  });
}
