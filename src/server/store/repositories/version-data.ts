import { Repository } from '../connection.js';

/**
 * The tables that hold rows about one version, keyed by its id and written beside it: what the
 * models found (OCR text, faces, objects), the AI jobs on it, its similarity signature and its
 * duplicate hashes. A version in the trash keeps them (a restore brings them back with it).
 */
const perVersionTables = [
  'ai_analyses',
  'ai_jobs',
  'image_signatures',
  'perceptual_hashes',
  'content_hashes',
] as const;

/** Ids per statement: well under both databases' limits on bound parameters. */
const batch = 500;

/** What is derived from a version's bytes, removed when the version goes for good. */
export class VersionDataRepository extends Repository {
  /** Deletes every per-version row of these versions (a purge, a version or file deleted for good). */
  async forget(versionIds: string[]): Promise<void> {
    for (let start = 0; start < versionIds.length; start += batch) {
      const ids = versionIds.slice(start, start + batch);
      for (const table of perVersionTables) {
        await this.c.db.deleteFrom(table).where('version_id', 'in', ids).execute();
      }
    }
  }
}
