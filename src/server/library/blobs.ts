import type { ServerContext } from '../context.js';

/**
 * Removes blobs whose rows are gone. They were journaled in the same transaction that deleted
 * the rows, so if this process dies half-way the startup sweep finishes the job.
 */
export async function deleteBlobs(ctx: ServerContext, blobKeys: string[]): Promise<void> {
  for (const key of blobKeys) {
    await ctx.storage.delete(key);
    await ctx.store.unjournalBlobs([key]);
  }
}

/**
 * Deletes every journaled blob no row points at, from before `before`: bytes of uploads that
 * never committed, and leftovers of deletes that never finished.
 */
export async function sweepOrphanBlobs(ctx: ServerContext, before: number): Promise<number> {
  let removed = 0;
  for (const key of await ctx.store.journaledBlobs(before)) {
    if (!(await ctx.store.isBlobReferenced(key))) {
      await ctx.storage.delete(key);
      removed++;
    }
    await ctx.store.unjournalBlobs([key]);
  }
  return removed;
}
