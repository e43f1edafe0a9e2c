import type { SelectQueryBuilder } from 'kysely';
import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { Database } from '../schema.js';
import type { DuplicateScope } from './content-hashes.js';

/** A signature as stored, with the current file it belongs to. */
export interface StoredSignature {
  versionId: string;
  fileId: string;
  phash: string;
  histogram: string;
  embeddingModel: string | null;
  embedding: string | null;
}

export interface NewSignature {
  phash: string;
  bands: [number, number, number, number];
  colour: number;
  histogram: string;
  embeddingModel?: string;
  embedding?: string;
}

/** Candidate rows per way of finding them: small enough to rank in memory in a few ms. */
const perSource = { bands: 400, colour: 400, recent: 200 };

type Query = SelectQueryBuilder<
  Database & { s: Database['image_signatures']; v: Database['file_versions'] },
  's' | 'v',
  StoredSignature
>;

/** Similarity signatures of image versions (migration 018); a failed decode is stored with an empty pHash. */
export class ImageSignatureRepository extends Repository {
  async record(versionId: string, signature: NewSignature | null): Promise<void> {
    await this.c.db
      .insertInto('image_signatures')
      .values({
        version_id: versionId,
        phash: signature?.phash ?? '',
        band0: signature?.bands[0] ?? -1,
        band1: signature?.bands[1] ?? -1,
        band2: signature?.bands[2] ?? -1,
        band3: signature?.bands[3] ?? -1,
        colour: signature?.colour ?? -1,
        histogram: signature?.histogram ?? '',
        embedding_model: signature?.embeddingModel ?? null,
        embedding: signature?.embedding ?? null,
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.column('version_id').doNothing())
      .execute();
  }

  /** The signature of a version (by its key); undefined when none was computed yet. */
  async ofVersion(versionId: string): Promise<Omit<StoredSignature, 'fileId'> | undefined> {
    return this.c.db
      .selectFrom('image_signatures')
      .select([
        'version_id as versionId',
        'phash',
        'histogram',
        'embedding_model as embeddingModel',
        'embedding',
      ])
      .where('version_id', '=', versionId)
      .executeTakeFirst();
  }

  /**
   * Current images inside `scope` worth ranking against `target`: those sharing a pHash band (near
   * duplicates), those whose most common colour is the same, and the newest, each capped.
   */
  async candidates(
    target: NewSignature,
    scope: DuplicateScope,
    excludeFileId: string,
  ): Promise<StoredSignature[]> {
    const scoped = () =>
      this.inScope(this.select().where('v.is_current', '=', 1), scope)
        .where('v.file_id', '<>', excludeFileId)
        .where('s.phash', '<>', '');
    // One statement per band, so each walks its own index (an OR of four would not, on SQLite).
    const lists = await Promise.all([
      ...target.bands.map((band, i) =>
        scoped()
          .where(`s.band${i as 0 | 1 | 2 | 3}`, '=', band)
          .limit(perSource.bands / 4)
          .execute(),
      ),
      scoped()
        .where('s.colour', '=', target.colour)
        .orderBy('s.created_at', 'desc')
        .limit(perSource.colour)
        .execute(),
      scoped().orderBy('s.created_at', 'desc').limit(perSource.recent).execute(),
    ]);
    const byVersion = new Map<string, StoredSignature>();
    for (const row of lists.flat()) byVersion.set(row.versionId, row);
    return [...byVersion.values()];
  }

  /** Current images inside `scope` with a vector from `model`, newest first, at most `limit`. */
  async withEmbeddings(model: string, scope: DuplicateScope, excludeFileId: string, limit: number) {
    return this.inScope(this.select().where('v.is_current', '=', 1), scope)
      .where('v.file_id', '<>', excludeFileId)
      .where('s.embedding_model', '=', model)
      .orderBy('s.created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Current images inside `scope` that have no signature yet (uploaded before migration 018). */
  async missing(
    scope: DuplicateScope,
    limit: number,
  ): Promise<Array<{ versionId: string; blobKey: string }>> {
    let q = this.c.db
      .selectFrom('file_versions as v')
      .leftJoin('image_signatures as s', 's.version_id', 'v.version_id')
      .select(['v.version_id as versionId', 'v.blob_key as blobKey'])
      .where('v.is_current', '=', 1)
      .where('v.file_type', '=', 'image')
      .where('s.version_id', 'is', null);
    if (scope.within !== undefined) q = q.where(inFolderTree('v.folder', scope.within));
    if (scope.granted !== undefined) {
      q = q.where(
        inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id'),
      );
    }
    return q.orderBy('v.created_at', 'desc').limit(limit).execute();
  }

  /** Signatures first, then their file row (SQLite keeps a CROSS JOIN's order: the signature's index leads). */
  private select(): Query {
    return this.c.db
      .selectFrom('image_signatures as s')
      .crossJoin('file_versions as v')
      .whereRef('v.version_id', '=', 's.version_id')
      .select([
        's.version_id as versionId',
        'v.file_id as fileId',
        's.phash',
        's.histogram',
        's.embedding_model as embeddingModel',
        's.embedding',
      ]) as unknown as Query;
  }

  private inScope(q: Query, scope: DuplicateScope): Query {
    let scoped = q;
    if (scope.within !== undefined) scoped = scoped.where(inFolderTree('v.folder', scope.within));
    if (scope.granted !== undefined) {
      scoped = scoped.where(
        inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id'),
      );
    }
    return scoped;
  }
}
