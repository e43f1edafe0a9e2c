import { Repository } from '../connection.js';
import { releaseAllJobClaims } from './job-leases.js';

/** One write to the backup bucket: a library path and the version whose bytes go there. */
export interface BackupJobRecord {
  filePath: string;
  versionId: string;
  blobKey: string;
  attempts: number;
}

/** What `GET /_ml/backup` counts. */
export interface BackupCounts {
  pending: number;
  failed: number;
  lastError: string | null;
  lastSuccessAt: number | null;
}

/**
 * The backup queue: one row per library path, holding the newest version to write there. A new
 * version of the path replaces the row's version (and resets its attempts), so the bucket ends
 * with the newest bytes; a node claims a row through a lease, like folder jobs.
 */
export class BackupJobRepository extends Repository {
  /** Queues `version` for its path, replacing whatever was queued (or written) there before. */
  async enqueue(job: { filePath: string; versionId: string; blobKey: string }, now: number): Promise<void> {
    const values = {
      version_id: job.versionId,
      blob_key: job.blobKey,
      status: 'Pending',
      attempts: 0,
      next_at: now,
      claimed_by: null,
      lease_until: null,
      error: null,
      updated_at: now,
    };
    await this.c.db
      .insertInto('backup_jobs')
      .values({ file_path: job.filePath, done_at: null, ...values })
      .onConflict((oc) => oc.column('file_path').doUpdateSet(values))
      .execute();
  }

  /** Takes the next due row no live node holds, counting an attempt. */
  async claim(owner: string, now: number, leaseUntil: number): Promise<BackupJobRecord | undefined> {
    const row = await this.c.db
      .updateTable('backup_jobs')
      .set((eb) => ({ claimed_by: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('file_path', '=', (eb) => {
        const free = eb
          .selectFrom('backup_jobs')
          .select('file_path')
          .where('status', '=', 'Pending')
          .where('next_at', '<=', now)
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
          .orderBy('next_at')
          .limit(1);
        return this.c.dialect.name === 'postgres' ? free.forUpdate().skipLocked() : free;
      })
      .returning(['file_path', 'version_id', 'blob_key', 'attempts'])
      .executeTakeFirst();
    return (
      row && {
        filePath: row.file_path,
        versionId: row.version_id,
        blobKey: row.blob_key,
        attempts: Number(row.attempts),
      }
    );
  }

  /**
   * Ends the owner's claim on this version of the path: written (`retryAt` absent), or failed with
   * `error`, due again at `retryAt` (or given up when `retryAt` is null). Changes nothing when the
   * path has a newer version queued or another node took the row.
   */
  async finish(
    job: BackupJobRecord,
    owner: string,
    now: number,
    failure?: { error: string; retryAt: number | null },
  ): Promise<void> {
    await this.c.db
      .updateTable('backup_jobs')
      .set(
        failure
          ? {
              status: failure.retryAt === null ? 'Failed' : 'Pending',
              next_at: failure.retryAt ?? now,
              error: failure.error,
              claimed_by: null,
              lease_until: null,
              updated_at: now,
            }
          : {
              status: 'Done',
              error: null,
              done_at: now,
              claimed_by: null,
              lease_until: null,
              updated_at: now,
            },
      )
      .where('file_path', '=', job.filePath)
      .where('version_id', '=', job.versionId)
      .where('claimed_by', '=', owner)
      .execute();
  }

  /** Counts what is outstanding; done rows (one per path ever backed up) are read through an index only. */
  async counts(): Promise<BackupCounts> {
    const outstanding = await this.c.db
      .selectFrom('backup_jobs')
      .select(['status', 'error', 'updated_at'])
      .where('status', 'in', ['Pending', 'Failed'])
      .execute();
    const lastDone = await this.c.db
      .selectFrom('backup_jobs')
      .select('done_at')
      .where('done_at', 'is not', null)
      .orderBy('done_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    // A written row has no error: the last error is among those still outstanding.
    const lastError = outstanding
      .filter((r) => r.error !== null)
      .sort((a, b) => Number(b.updated_at) - Number(a.updated_at))[0];
    return {
      pending: outstanding.filter((r) => r.status === 'Pending').length,
      failed: outstanding.filter((r) => r.status === 'Failed').length,
      lastError: lastError?.error ?? null,
      lastSuccessAt: lastDone?.done_at == null ? null : Number(lastDone.done_at),
    };
  }

  /** Forgets every claim; only for a catalog no other node uses (SQLite), on start. */
  releaseAllClaims(): Promise<void> {
    return releaseAllJobClaims(this.c, 'backup_jobs');
  }
}
