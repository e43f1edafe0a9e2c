import { Repository } from '../connection.js';
import { asIs, bigint, json, nullableBigint, RowMapper } from '../row-mapper.js';
import type { AiAnalysisTable, AiJobTable } from '../schema.js';
import { claimOldestJob, releaseAllJobClaims, renewJobLease } from './job-leases.js';

/** `analyse`: tags, OCR text and detections of a version; `remove-bg`: a new version without background. */
export type AiJobKind = 'analyse' | 'remove-bg';
export type AiJobStatus = 'Pending' | 'Done' | 'Failed';

/** AI work on one version, run in the background by whichever node claims it (docs/ai.md). */
export interface AiJobRecord {
  jobId: string;
  fileId: string;
  versionId: string;
  kind: AiJobKind;
  /** The extensions that asked for it, as the request gave them (`{name, minConfidence, …}`). */
  params: { extensions: Array<Record<string, unknown>> };
  status: AiJobStatus;
  error: string | null;
  /** Times a node has started it. */
  attempts: number;
  claimedBy: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

const jobRows = new RowMapper<AiJobRecord, AiJobTable>({
  jobId: asIs('job_id'),
  fileId: asIs('file_id'),
  versionId: asIs('version_id'),
  kind: asIs('kind'),
  params: json('params'),
  status: asIs('status'),
  error: asIs('error'),
  attempts: bigint('attempts'),
  claimedBy: asIs('claimed_by'),
  leaseUntil: nullableBigint('lease_until'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** A box in the analysed version's pixels. */
export interface StoredBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the local models found in a version. */
export interface AiAnalysisRecord {
  versionId: string;
  /** Words read by OCR (confident ones only), or null when the image has none. */
  text: string | null;
  detections: {
    faces: Array<{ confidence: number; box: StoredBox }>;
    objects: Array<{ label: string; confidence: number; box: StoredBox }>;
  };
  analysedAt: number;
}

const analysisRows = new RowMapper<AiAnalysisRecord, AiAnalysisTable>({
  versionId: asIs('version_id'),
  text: asIs('text'),
  detections: json('detections'),
  analysedAt: bigint('analysed_at'),
});

/** The AI job queue: each row held by one node at a time through a lease, like folder jobs. */
export class AiJobRepository extends Repository {
  async insert(jobs: AiJobRecord[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.c.db
      .insertInto('ai_jobs')
      .values(jobs.map((job) => jobRows.toRow(job)))
      .execute();
  }

  /** Takes the oldest pending job no live node holds (job-leases.ts). */
  claim(owner: string, now: number, leaseUntil: number): Promise<AiJobRecord | undefined> {
    return jobRows.first(claimOldestJob(this.c, 'ai_jobs', owner, now, leaseUntil));
  }

  /** Extends the lease; false when another node has taken the job. */
  renewLease(jobId: string, owner: string, leaseUntil: number): Promise<boolean> {
    return renewJobLease(this.c, 'ai_jobs', jobId, owner, leaseUntil);
  }

  /** Ends the owner's claim: Done, Failed, or Pending for another attempt; false when no longer its own. */
  async finish(
    jobId: string,
    owner: string,
    outcome: { status: AiJobStatus; error?: string },
    now: number,
  ): Promise<boolean> {
    const result = await this.c.db
      .updateTable('ai_jobs')
      .set({
        status: outcome.status,
        error: outcome.error ?? null,
        claimed_by: null,
        lease_until: null,
        updated_at: now,
      })
      .where('job_id', '=', jobId)
      .where('claimed_by', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The file's jobs, newest first (the file object's `extensionStatus` and `aiStatus`). */
  forFile(fileId: string): Promise<AiJobRecord[]> {
    return jobRows.all(
      this.c.db
        .selectFrom('ai_jobs')
        .selectAll()
        .where('file_id', '=', fileId)
        .orderBy('created_at', 'desc')
        .orderBy('job_id', 'desc')
        .limit(20),
    );
  }

  get(jobId: string): Promise<AiJobRecord | undefined> {
    return jobRows.first(this.c.db.selectFrom('ai_jobs').selectAll().where('job_id', '=', jobId));
  }

  /** Forgets every claim; only for a catalog no other node uses (SQLite), on start. */
  releaseAllClaims(): Promise<void> {
    return releaseAllJobClaims(this.c, 'ai_jobs');
  }
}

/** What the local models found per version, so delivery crops without running a model again. */
export class AiAnalysisRepository extends Repository {
  get(versionId: string): Promise<AiAnalysisRecord | undefined> {
    return analysisRows.first(
      this.c.db.selectFrom('ai_analyses').selectAll().where('version_id', '=', versionId),
    );
  }

  async put(record: AiAnalysisRecord): Promise<void> {
    const row = analysisRows.toRow(record);
    await this.c.db
      .insertInto('ai_analyses')
      .values(row)
      .onConflict((oc) =>
        oc.column('version_id').doUpdateSet({
          text: row.text,
          detections: row.detections,
          analysed_at: row.analysed_at,
        }),
      )
      .execute();
  }
}
