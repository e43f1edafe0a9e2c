import type { Connection } from '../connection.js';

/**
 * Tables of background work any node claims through a lease (folder jobs, AI jobs): the same
 * `job_id`, `status`, `claimed_by`, `lease_until`, `attempts`, `created_at` and `updated_at` in
 * each, so one set of statements claims, renews and releases in all of them.
 */
export type LeasedJobTable = 'jobs' | 'ai_jobs';

/**
 * Takes the oldest pending job no live node holds: sets `owner` and a lease until `leaseUntil`
 * and counts an attempt. Two nodes asking at once never get the same job. Answers its row.
 */
export function claimOldestJob(
  c: Connection,
  table: LeasedJobTable,
  owner: string,
  now: number,
  leaseUntil: number,
) {
  return c.db
    .updateTable(table)
    .set((eb) => ({
      claimed_by: owner,
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('job_id', '=', (eb) => {
      const free = eb
        .selectFrom(table)
        .select('job_id')
        .where('status', '=', 'Pending')
        .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
        .orderBy('created_at')
        .orderBy('job_id')
        .limit(1);
      // Nodes asking at once each skip the row another is taking (SQLite has one writer anyway).
      return c.dialect.name === 'postgres' ? free.forUpdate().skipLocked() : free;
    })
    .returningAll();
}

/** Extends the lease; answers false when the job is no longer this owner's (another node took it). */
export async function renewJobLease(
  c: Connection,
  table: LeasedJobTable,
  jobId: string,
  owner: string,
  leaseUntil: number,
): Promise<boolean> {
  const result = await c.db
    .updateTable(table)
    .set({ lease_until: leaseUntil })
    .where('job_id', '=', jobId)
    .where('claimed_by', '=', owner)
    .where('status', '=', 'Pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Forgets every claim; only for a catalog no other node uses (SQLite), on start. */
export async function releaseAllJobClaims(
  c: Connection,
  table: LeasedJobTable | 'backup_jobs',
): Promise<void> {
  await c.db
    .updateTable(table)
    .set({ claimed_by: null, lease_until: null })
    .where('status', '=', 'Pending')
    .execute();
}
