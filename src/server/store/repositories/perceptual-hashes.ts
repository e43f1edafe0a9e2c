import { type Expression, type SqlBool, sql } from 'kysely';
import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { DuplicateScope } from './content-hashes.js';

/** Bands a 64-bit hash is split into; each is 16 bits and has its own index. */
const bandCount = 4;
const bands = ['band0', 'band1', 'band2', 'band3'] as const;

/** The four 16-bit bands of a 16-hex-digit pHash, high first. */
export function bandsOf(pHash: string): number[] {
  return Array.from({ length: bandCount }, (_, i) => Number.parseInt(pHash.slice(i * 4, i * 4 + 4), 16));
}

/** The hex pHash from its bands. */
export function pHashOf(bandValues: number[]): string {
  return bandValues.map((b) => b.toString(16).padStart(4, '0')).join('');
}

function popcount16(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

/** The Hamming distance of two band lists. */
export function bandDistance(a: number[], b: number[]): number {
  let d = 0;
  for (let i = 0; i < bandCount; i++) d += popcount16((a[i]! ^ b[i]!) & 0xffff);
  return d;
}

/** Every 16-bit value within `radius` bits of `value` (radius 0: itself; 1: 17 values; 2: 137). */
function neighbours(value: number, radius: number): number[] {
  const out = [value];
  if (radius >= 1) for (let i = 0; i < 16; i++) out.push(value ^ (1 << i));
  if (radius >= 2) {
    for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) out.push(value ^ (1 << i) ^ (1 << j));
  }
  return out;
}

/** The largest distance a lookup answers: a band radius of 2 (137 values a band). */
export const maxNearDistance = 11;

/** Candidates read before the distance check; far more than any real cluster of near copies. */
const maxCandidates = 5_000;

export interface NearMatch {
  fileId: string;
  versionId: string;
  distance: number;
}

/** One current file as the duplicate walk reads it: its hashes, if recorded. */
export interface HashedFile {
  fileId: string;
  contentHash: string | undefined;
  pHash: string | undefined;
}

/** The pHash of each image version; current files within a small Hamming distance are near duplicates. */
export class PerceptualHashRepository extends Repository {
  async record(versionId: string, pHash: string): Promise<void> {
    const [band0, band1, band2, band3] = bandsOf(pHash) as [number, number, number, number];
    await this.c.db
      .insertInto('perceptual_hashes')
      .values({ version_id: versionId, band0, band1, band2, band3 })
      .onConflict((oc) => oc.column('version_id').doNothing())
      .execute();
  }

  /** The pHash of the file's current version, if it was recorded. */
  async ofFile(fileId: string): Promise<{ versionId: string; pHash: string | undefined } | undefined> {
    const row = await this.c.db
      .selectFrom('file_versions as v')
      .leftJoin('perceptual_hashes as p', 'p.version_id', 'v.version_id')
      .select(['v.version_id', 'p.band0', 'p.band1', 'p.band2', 'p.band3'])
      .where('v.file_id', '=', fileId)
      .where('v.is_current', '=', 1)
      .executeTakeFirst();
    if (!row) return undefined;
    const { band0, band1, band2, band3 } = row;
    return {
      versionId: row.version_id,
      pHash:
        band0 === null || band1 === null || band2 === null || band3 === null
          ? undefined
          : pHashOf([band0, band1, band2, band3]),
    };
  }

  /**
   * Current files whose pHash is within `maxDistance` bits of `pHash`, inside `scope`, nearest first
   * (then oldest), at most `limit`. Probes each band's index for the values within
   * ⌊maxDistance/4⌋ bits of the hash's band, then checks the whole distance of those candidates.
   */
  async near(pHash: string, maxDistance: number, scope: DuplicateScope, limit: number): Promise<NearMatch[]> {
    const target = bandsOf(pHash);
    const radius = Math.floor(Math.min(maxDistance, maxNearDistance) / bandCount);
    const probes: Expression<SqlBool>[] = bands.map(
      (band, i) => sql<SqlBool>`${sql.ref(`p.${band}`)} in (${sql.join(neighbours(target[i]!, radius))})`,
    );
    // The distance is checked on the bands alone, so only the matches' versions are read: at 1M
    // images the probes find about a thousand candidates, each a random read of file_versions.
    const candidates = await this.c.db
      .selectFrom('perceptual_hashes as p')
      .select(['p.version_id', 'p.band0', 'p.band1', 'p.band2', 'p.band3'])
      .where(sql<SqlBool>`(${sql.join(probes, sql` or `)})`)
      .limit(maxCandidates)
      .execute();
    const distances = new Map<string, number>();
    for (const r of candidates) {
      const distance = bandDistance(target, [r.band0, r.band1, r.band2, r.band3]);
      if (distance <= maxDistance) distances.set(r.version_id, distance);
    }
    const matches: Array<NearMatch & { createdAt: number }> = [];
    const ids = [...distances.keys()];
    for (let start = 0; start < ids.length; start += 500) {
      let q = this.c.db
        .selectFrom('file_versions as v')
        .select(['v.version_id', 'v.file_id', 'v.created_at'])
        .where('v.version_id', 'in', ids.slice(start, start + 500))
        .where('v.is_current', '=', 1);
      if (scope.within !== undefined) q = q.where(inFolderTree('v.folder', scope.within));
      if (scope.granted !== undefined) {
        q = q.where(
          inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id'),
        );
      }
      for (const r of await q.execute()) {
        matches.push({
          fileId: r.file_id,
          versionId: r.version_id,
          createdAt: Number(r.created_at),
          distance: distances.get(r.version_id)!,
        });
      }
    }
    return matches
      .sort((a, b) => a.distance - b.distance || a.createdAt - b.createdAt || (a.fileId < b.fileId ? -1 : 1))
      .slice(0, limit)
      .map(({ fileId, versionId, distance }) => ({ fileId, versionId, distance }));
  }

  /** Current files inside `scope` after `afterFileId` in file id order, with their hashes: the duplicate groups' walk. */
  async walk(scope: DuplicateScope, afterFileId: string | undefined, limit: number): Promise<HashedFile[]> {
    let q = this.c.db
      .selectFrom('file_versions as v')
      .leftJoin('content_hashes as h', 'h.version_id', 'v.version_id')
      .leftJoin('perceptual_hashes as p', 'p.version_id', 'v.version_id')
      .select(['v.file_id', 'h.content_hash', 'p.band0', 'p.band1', 'p.band2', 'p.band3'])
      .where('v.is_current', '=', 1);
    if (afterFileId !== undefined) q = q.where('v.file_id', '>', afterFileId);
    if (scope.within !== undefined) q = q.where(inFolderTree('v.folder', scope.within));
    if (scope.granted !== undefined) {
      q = q.where(
        inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id'),
      );
    }
    const rows = await q.orderBy('v.file_id').limit(limit).execute();
    return rows.map((r) => ({
      fileId: r.file_id,
      contentHash: r.content_hash ?? undefined,
      pHash:
        r.band0 === null || r.band1 === null || r.band2 === null || r.band3 === null
          ? undefined
          : pHashOf([r.band0, r.band1, r.band2, r.band3]),
    }));
  }
}
