import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { GrantedSet } from '../list-query.js';

/** Where duplicates are looked for: inside a session's folder and a member's grants. */
export interface DuplicateScope {
  within?: string;
  granted?: GrantedSet;
}

/** Rows per statement: well under both databases' limits on bound parameters. */
const batch = 500;

/** The SHA-256 of each uploaded version's bytes; current files sharing one are exact duplicates. */
export class ContentHashRepository extends Repository {
  async record(versionId: string, contentHash: string): Promise<void> {
    await this.c.db
      .insertInto('content_hashes')
      .values({ version_id: versionId, content_hash: contentHash })
      .onConflict((oc) => oc.column('version_id').doNothing())
      .execute();
  }

  /** The hash of the file's current version, if it was recorded. */
  async ofFile(fileId: string): Promise<string | undefined> {
    const row = await this.c.db
      .selectFrom('content_hashes as h')
      .innerJoin('file_versions as v', 'v.version_id', 'h.version_id')
      .select('h.content_hash')
      .where('v.file_id', '=', fileId)
      .where('v.is_current', '=', 1)
      .executeTakeFirst();
    return row?.content_hash;
  }

  /**
   * Current files whose bytes have one of these hashes, inside `scope`, at most `limit`: pairs of
   * hash and file id, oldest file first (the original before its copies).
   */
  async currentFilesWith(
    hashes: string[],
    scope: DuplicateScope,
    limit: number,
  ): Promise<Array<{ hash: string; fileId: string }>> {
    const found: Array<{ hash: string; fileId: string }> = [];
    for (let start = 0; start < hashes.length && found.length < limit; start += batch) {
      let q = this.c.db
        .selectFrom('content_hashes as h')
        .innerJoin('file_versions as v', 'v.version_id', 'h.version_id')
        .select(['h.content_hash as hash', 'v.file_id as fileId'])
        .where('h.content_hash', 'in', hashes.slice(start, start + batch))
        .where('v.is_current', '=', 1);
      if (scope.within !== undefined) q = q.where(inFolderTree('v.folder', scope.within));
      if (scope.granted !== undefined) {
        q = q.where(
          inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id'),
        );
      }
      const rows = await q
        .orderBy('v.created_at')
        .orderBy('v.file_id')
        .limit(limit - found.length)
        .execute();
      found.push(...rows);
    }
    return found;
  }
}
