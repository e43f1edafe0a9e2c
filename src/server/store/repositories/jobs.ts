import { Repository } from '../connection.js';
import { asIs, bigint, json, nullableBigint, RowMapper } from '../row-mapper.js';
import type { JobTable } from '../schema.js';
import { claimOldestJob, releaseAllJobClaims, renewJobLease } from './job-leases.js';

export type JobType = 'COPY_FOLDER' | 'MOVE_FOLDER' | 'RENAME_FOLDER';
export type JobStatus = 'Pending' | 'Completed' | 'Failed';

/** A folder copy, move or rename, run in the background and resumed after a restart. */
export interface JobRecord {
  jobId: string;
  type: JobType;
  status: JobStatus;
  params: Record<string, unknown>;
  error: string | null;
  /** Times a node has started it. */
  attempts: number;
  /** The node running it, while its lease holds. */
  claimedBy: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

const jobRows = new RowMapper<JobRecord, JobTable>({
  jobId: asIs('job_id'),
  type: asIs('type'),
  status: asIs('status'),
  params: json('params'),
  error: asIs('error'),
  attempts: bigint('attempts'),
  claimedBy: asIs('claimed_by'),
  leaseUntil: nullableBigint('lease_until'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Background jobs any node may claim, each held by one node at a time through a lease. */
export class JobRepository extends Repository {
  async insert(job: JobRecord): Promise<void> {
    await this.c.db.insertInto('jobs').values(jobRows.toRow(job)).execute();
  }

  async hasPending(): Promise<boolean> {
    const row = await this.c.db
      .selectFrom('jobs')
      .select('job_id')
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return row !== undefined;
  }

  get(jobId: string): Promise<JobRecord | undefined> {
    return jobRows.first(this.c.db.selectFrom('jobs').selectAll().where('job_id', '=', jobId));
  }

  /** Takes the oldest pending job no live node holds (job-leases.ts). */
  claim(owner: string, now: number, leaseUntil: number): Promise<JobRecord | undefined> {
    return jobRows.first(claimOldestJob(this.c, 'jobs', owner, now, leaseUntil));
  }

  /** Extends the lease; answers false when the job is no longer this owner's (another node took it). */
  renewLease(jobId: string, owner: string, leaseUntil: number): Promise<boolean> {
    return renewJobLease(this.c, 'jobs', jobId, owner, leaseUntil);
  }

  /**
   * Ends the owner's claim: `Completed` or `Failed` for good, or `Pending` to leave it for another
   * attempt. Answers false (and changes nothing) when the job is no longer this owner's.
   */
  async release(
    jobId: string,
    owner: string,
    outcome: { status: JobStatus; error?: string; updatedAt: number },
  ): Promise<boolean> {
    const result = await this.c.db
      .updateTable('jobs')
      .set({
        status: outcome.status,
        error: outcome.error ?? null,
        claimed_by: null,
        lease_until: null,
        updated_at: outcome.updatedAt,
      })
      .where('job_id', '=', jobId)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Forgets every claim; only for a catalog no other node uses (SQLite), on start. */
  releaseAllClaims(): Promise<void> {
    return releaseAllJobClaims(this.c, 'jobs');
  }
}
