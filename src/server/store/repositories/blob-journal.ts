import { Repository } from '../connection.js';

/** Blobs that may exist without a row, so a crash cannot leave them behind unnoticed. */
export class BlobJournalRepository extends Repository {
  async add(blobKeys: string[], now: number): Promise<void> {
    if (blobKeys.length === 0) return;
    await this.c.db
      .insertInto('blob_journal')
      .values(blobKeys.map((blob_key) => ({ blob_key, created_at: now })))
      .onConflict((oc) => oc.column('blob_key').doNothing())
      .execute();
  }

  async remove(blobKeys: string[]): Promise<void> {
    if (blobKeys.length === 0) return;
    await this.c.db.deleteFrom('blob_journal').where('blob_key', 'in', blobKeys).execute();
  }

  /** Journaled blobs older than `createdBefore`. */
  async olderThan(createdBefore: number): Promise<string[]> {
    const rows = await this.c.db
      .selectFrom('blob_journal')
      .select('blob_key')
      .where('created_at', '<', createdBefore)
      .execute();
    return rows.map((r) => r.blob_key);
  }
}
