import type { ServerContext } from '../context.js';
import type { Store } from '../store/store.js';
import { newId } from './ids.js';

/** What moving bytes in and out of the library needs. */
export type BlobContext = Pick<ServerContext, 'store' | 'storage'>;

/** Where a version's original bytes live; sharded by the id's random tail. */
export const blobKeyFor = (versionId: string) => `originals/${versionId.slice(-2)}/${versionId}`;

/** Where the images derived from a blob (transformations, thumbnails) live; they go when it goes. */
export const derivedTreeFor = (blobKey: string) => `derived/${blobKey}`;

/** Deletes a blob and everything derived from it. */
async function deleteBlobAndDerived(ctx: BlobContext, blobKey: string): Promise<void> {
  await ctx.storage.deleteTree(derivedTreeFor(blobKey));
  await ctx.store.renditions.forgetOf([blobKey]);
  await ctx.storage.delete(blobKey);
}

/**
 * Deletes what was derived from blobs whose rows went to the trash: the blobs stay for a restore,
 * their renditions are made again on the next request after it.
 */
export async function deleteDerived(ctx: BlobContext, blobKeys: string[]): Promise<void> {
  for (const key of blobKeys) await ctx.storage.deleteTree(derivedTreeFor(key));
  await ctx.store.renditions.forgetOf(blobKeys);
}

/**
 * A new version's id and blob key, journaled ahead of its bytes: an upload's journal commit (and
 * its sync) then runs while the body is still arriving, not between the judged bytes and the
 * move into storage. Hand it to `commitWithBlobs`, or `release` it when the bytes never come.
 */
export interface ReservedBlob {
  versionId: string;
  blobKey: string;
  /** Resolves once the journal entry is durable. */
  journaled: Promise<void>;
}

export function reserveBlob(ctx: BlobContext, now = Date.now()): ReservedBlob {
  const versionId = newId(now);
  const blobKey = blobKeyFor(versionId);
  const journaled = ctx.store.blobJournal.add([blobKey], now);
  // Awaited by whoever uses or releases it; a failure must not go unhandled meanwhile.
  journaled.catch(() => undefined);
  return { versionId, blobKey, journaled };
}

/**
 * Drops the journal entry of a reservation whose upload was refused or failed. Safe whatever
 * happened: `commitWithBlobs` has already cleared it, with the blob, if it got that far.
 */
export async function releaseBlob(ctx: BlobContext, reserved: ReservedBlob): Promise<void> {
  await reserved.journaled.catch(() => undefined);
  await ctx.store.blobJournal.remove([reserved.blobKey]);
}

/**
 * The one crash-safe way to add bytes to the library: journal the keys (or wait for the journal
 * entries `journaled` made ahead, see `reserveBlob`), `place` the blobs (move or copy them into
 * storage), then `commit` the rows in a transaction that also clears the journal entries. If
 * placing or committing fails the blobs are removed; if the process dies, the startup sweep
 * removes them. Either way no row ever points at missing bytes.
 */
export async function commitWithBlobs<T>(
  ctx: BlobContext,
  blobKeys: string[],
  place: () => Promise<void>,
  commit: (store: Store) => Promise<T>,
  journaled?: Promise<void>,
): Promise<T> {
  await (journaled ?? ctx.store.blobJournal.add(blobKeys, Date.now()));
  try {
    await place();
    return await ctx.store.transaction(async (store) => {
      const result = await commit(store);
      await store.blobJournal.remove(blobKeys);
      return result;
    });
  } catch (error) {
    for (const key of blobKeys) await ctx.storage.delete(key);
    await ctx.store.blobJournal.remove(blobKeys);
    throw error;
  }
}

/**
 * Removes blobs whose rows are gone. They were journaled in the same transaction that deleted
 * the rows, so if this process dies half-way the startup sweep finishes the job.
 */
export async function deleteBlobs(ctx: BlobContext, blobKeys: string[]): Promise<void> {
  for (const key of blobKeys) {
    await deleteBlobAndDerived(ctx, key);
    await ctx.store.blobJournal.remove([key]);
  }
}

/**
 * Deletes every journaled blob no row points at, from before `before`: bytes of uploads that
 * never committed, and leftovers of deletes that never finished.
 */
export async function sweepOrphanBlobs(ctx: ServerContext, before: number): Promise<number> {
  let removed = 0;
  for (const key of await ctx.store.blobJournal.olderThan(before)) {
    if (!(await ctx.store.files.isBlobReferenced(key))) {
      await deleteBlobAndDerived(ctx, key);
      removed++;
    }
    await ctx.store.blobJournal.remove([key]);
  }
  return removed;
}
