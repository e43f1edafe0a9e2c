import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditActor } from '../../shared/audit.js';
import type { Scope } from '../../shared/session-token.js';
import type { Principal } from '../auth/principal.js';
import { assertFolderVisible, assertMayManage, assertPathInScope, isPathInScope } from '../auth/scope.js';
import { ApiError, badRequest, conflict, messages, notFound } from '../errors.js';
import type { JobRecord, JobType, Store } from '../store/store.js';
import { actorOf, appendAudit, systemActor } from './audit.js';
import { type BlobContext, commitWithBlobs } from './blobs.js';
import { type CopyPlan, commitCopy, copyPlannedBlobs, planCopy, relocateFile } from './file-operations.js';
import { ensureFolderChain } from './folders.js';
import { newId } from './ids.js';
import { lastSegment, parentOf, requiredFolder, sanitizeFolderName, toWireFolderPath } from './naming.js';

/** What a job needs to run, fixed when it is accepted: source folder and where it goes. */
interface FolderJobParams {
  source: string;
  targetRoot: string;
  includeVersions?: boolean;
  /** The scope of the session that asked for a copy: each copied file is held to it. */
  scope?: Scope;
  /** Who asked, for the audit log (absent on jobs queued before it existed). */
  actor?: AuditActor;
}

const auditActionOf: Record<JobType, AuditAction> = {
  COPY_FOLDER: 'folder.copy',
  MOVE_FOLDER: 'folder.move',
  RENAME_FOLDER: 'folder.rename',
};

/** Where a folder goes: into `destinationPath`, keeping its name. */
export interface FolderDestinationInput {
  sourceFolderPath: string;
  destinationPath: string;
}

/** `GET /v1/bulkJobs/{jobId}` answer; `error` (ours) says why a job failed. */
export interface JobStatus {
  jobId: string;
  type: JobType;
  status: JobRecord['status'];
  error?: string;
}

const maxAttempts = 3;

/** When and how long a node holds the jobs it runs. */
export interface JobTiming {
  /** How long a claim holds unless renewed; a job whose node died is taken by another after it. */
  leaseMs: number;
  /** How often an idle node looks for jobs it was not woken for (those of other nodes); none: never. */
  pollMs?: number;
}

/** The job was taken over by another node (this one's lease lapsed): its work here is void. */
class JobLostError extends Error {}

/** An existing folder the caller may see (a session sees only its own folder tree). */
async function requireFolder(
  store: Store,
  principal: Principal | null,
  raw: string,
  parameter: string,
): Promise<string> {
  const folder = requiredFolder(raw, parameter);
  if (folder === '/')
    throw badRequest(`The root folder cannot be the ${parameter}.`, { reason: 'INVALID_FOLDER_PATH' });
  assertFolderVisible(principal, folder, toWireFolderPath(folder));
  if (!(await store.folders.get(folder))) {
    throw notFound(messages.folderNotFound(toWireFolderPath(folder)), { reason: 'FOLDER_NOT_FOUND' });
  }
  return folder;
}

/** Where `source` lands when copied or moved into `destination`, refusing a folder inside itself. */
function targetInside(source: string, destination: string): string {
  if (destination.startsWith(source)) {
    throw badRequest('A folder cannot be copied or moved into itself or one of its subfolders.', {
      reason: 'INVALID_DESTINATION',
    });
  }
  return `${destination}${lastSegment(source)}/`;
}

/**
 * Folder copies, moves and renames, ImageKit's bulk jobs. A job is a row first (so it survives a
 * crash) and runs in the background; moves and renames are one transaction, a copy copies bytes
 * (journaled) and then commits every row at once, so no folder is ever half in two places.
 *
 * Any node may run any job: a node claims one (a lease in the row, renewed while it runs) and
 * completes it in the same transaction as its work, only if the claim is still its own. A job
 * whose node died is claimed by another once the lease lapses and runs again from the start.
 */
export class FolderJobs {
  readonly #ctx: BlobContext;
  readonly #timing: JobTiming;
  /** This process, as the jobs table names it. */
  readonly #node = randomUUID();
  #running: Promise<void> | undefined;
  #poll: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(ctx: BlobContext, timing: JobTiming) {
    this.#ctx = ctx;
    this.#timing = timing;
  }

  async copy(
    principal: Principal | null,
    body: FolderDestinationInput & { includeVersions?: boolean },
  ): Promise<{ jobId: string }> {
    const source = await requireFolder(this.#ctx.store, principal, body.sourceFolderPath, 'sourceFolderPath');
    const targetRoot = targetInside(source, requiredFolder(body.destinationPath, 'destinationPath'));
    if (targetRoot === source) {
      throw badRequest('The folder is already in that destination; copy it somewhere else.', {
        reason: 'INVALID_DESTINATION',
      });
    }
    assertPathInScope(principal, targetRoot);
    return this.#enqueue('COPY_FOLDER', {
      source,
      targetRoot,
      includeVersions: body.includeVersions === true,
      ...(principal?.scope && { scope: principal.scope }),
      actor: actorOf(principal),
    });
  }

  async move(principal: Principal | null, body: FolderDestinationInput): Promise<{ jobId: string }> {
    const source = await requireFolder(this.#ctx.store, principal, body.sourceFolderPath, 'sourceFolderPath');
    assertMayManage(principal, source);
    const targetRoot = targetInside(source, requiredFolder(body.destinationPath, 'destinationPath'));
    assertPathInScope(principal, targetRoot);
    return this.#enqueue('MOVE_FOLDER', { source, targetRoot, actor: actorOf(principal) });
  }

  async rename(
    principal: Principal | null,
    body: { folderPath: string; newFolderName: string },
  ): Promise<{ jobId: string }> {
    const source = await requireFolder(this.#ctx.store, principal, body.folderPath, 'folderPath');
    assertMayManage(principal, source);
    const name = sanitizeFolderName(body.newFolderName);
    const targetRoot = `${parentOf(source)}${name}/`;
    if (targetRoot === source)
      throw badRequest('The new folder name is the same as the old one.', { reason: 'SAME_NAME' });
    if (await this.#ctx.store.folders.get(targetRoot)) {
      throw conflict(`A folder named ${name} already exists in ${parentOf(source)}.`, {
        reason: 'FOLDER_ALREADY_EXISTS',
      });
    }
    assertPathInScope(principal, targetRoot);
    return this.#enqueue('RENAME_FOLDER', { source, targetRoot, actor: actorOf(principal) });
  }

  /** A job's state, for a caller who may see both folders it touches (a session, only inside its own). */
  async status(principal: Principal | null, jobId: string): Promise<JobStatus> {
    const job = await this.#ctx.store.jobs.get(jobId);
    const params = job?.params as FolderJobParams | undefined;
    const visible =
      params !== undefined &&
      isPathInScope(principal, params.source) &&
      isPathInScope(principal, params.targetRoot);
    if (!job || !visible) throw notFound('The requested job does not exist.');
    return { jobId: job.jobId, type: job.type, status: job.status, ...(job.error && { error: job.error }) };
  }

  async #enqueue(type: JobType, params: FolderJobParams): Promise<{ jobId: string }> {
    const now = Date.now();
    const jobId = newId(now);
    await this.#ctx.store.jobs.insert({
      jobId,
      type,
      status: 'Pending',
      params: { ...params },
      error: null,
      attempts: 0,
      claimedBy: null,
      leaseUntil: null,
      createdAt: now,
      updatedAt: now,
    });
    this.wake();
    return { jobId };
  }

  /** Starts running jobs: those pending now, then each as it is enqueued or (when polling) found. */
  start(): void {
    if (this.#timing.pollMs !== undefined) {
      this.#poll = setInterval(() => this.wake(), this.#timing.pollMs);
      this.#poll.unref();
    }
    this.wake();
  }

  /** Runs pending jobs until none are left; a call while running is a no-op. */
  wake(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Lets the job in progress finish and runs no more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    await this.#running;
  }

  async #drain(): Promise<void> {
    const { store } = this.#ctx;
    while (!this.#stopped) {
      const now = Date.now();
      const job = await store.jobs.claim(this.#node, now, now + this.#timing.leaseMs);
      if (!job) return;
      if (job.attempts > maxAttempts) {
        await store.jobs.release(job.jobId, this.#node, {
          status: 'Failed',
          error: `The job was interrupted ${maxAttempts} times and was given up.`,
          updatedAt: now,
        });
        continue;
      }
      await this.#runHoldingLease(job);
    }
  }

  async #runHoldingLease(job: JobRecord): Promise<void> {
    const { store } = this.#ctx;
    const renew = setInterval(() => {
      store.jobs.renewLease(job.jobId, this.#node, Date.now() + this.#timing.leaseMs).catch(() => {});
    }, this.#timing.leaseMs / 3);
    try {
      await this.#run(job);
    } catch (error) {
      if (error instanceof JobLostError) return;
      const final = error instanceof ApiError || job.attempts >= maxAttempts;
      await store.jobs.release(job.jobId, this.#node, {
        status: final ? 'Failed' : 'Pending',
        ...(final && { error: (error as Error).message }),
        updatedAt: Date.now(),
      });
    } finally {
      clearInterval(renew);
    }
  }

  async #run(job: JobRecord): Promise<void> {
    const params = job.params as unknown as FolderJobParams;
    const complete = async (store: Store) => {
      const ours = await store.jobs.release(job.jobId, this.#node, {
        status: 'Completed',
        updatedAt: Date.now(),
      });
      if (!ours) throw new JobLostError(`job ${job.jobId} was taken over by another node`);
      await appendAudit(store, params.actor ?? systemActor, {
        action: auditActionOf[job.type],
        path: params.targetRoot,
        target: { jobId: job.jobId },
        changes: { path: { before: params.source, after: params.targetRoot } },
      });
    };
    if (job.type === 'COPY_FOLDER') return this.#copyTree(params, complete);
    await this.#ctx.store.transaction(async (store) => {
      await moveTree(store, params.source, params.targetRoot, Date.now());
      await complete(store);
    });
  }

  async #copyTree(params: FolderJobParams, complete: (store: Store) => Promise<void>): Promise<void> {
    const { store } = this.#ctx;
    const now = Date.now();
    const folders = await store.folders.listTree(params.source);
    const plans: CopyPlan[] = [];
    for (const file of await store.files.listInTree(params.source)) {
      const folder = params.targetRoot + file.folder.slice(params.source.length);
      plans.push(await planCopy(store, file, folder, file.name, params.includeVersions === true, now));
    }
    await commitWithBlobs(
      this.#ctx,
      plans.flatMap((p) => p.blobs.map((b) => b.to)),
      () => copyPlannedBlobs(this.#ctx, plans),
      async (tx) => {
        for (const folder of folders)
          await ensureFolderChain(tx, params.targetRoot + folder.path.slice(params.source.length), now);
        for (const plan of plans)
          await commitCopy(tx, plan, now, params.scope ? { scope: params.scope } : null);
        await complete(tx);
      },
    );
  }
}

/**
 * Moves the folder tree at `source` so it sits at `targetRoot`: folder rows are re-pathed (merged
 * into folders already there) and files relocated (joining the history of a file already at the
 * same path). Only rows change; blobs are keyed by version and stay where they are.
 */
async function moveTree(store: Store, source: string, targetRoot: string, now: number): Promise<void> {
  if (source === targetRoot) return;
  await ensureFolderChain(store, parentOf(targetRoot), now);
  for (const folder of await store.folders.listTree(source)) {
    const path = targetRoot + folder.path.slice(source.length);
    if (await store.folders.get(path)) await store.folders.delete(folder.folderId);
    else
      await store.folders.update(folder.folderId, {
        path,
        parent: parentOf(path),
        name: lastSegment(path),
        updatedAt: now,
      });
  }
  for (const file of await store.files.listInTree(source)) {
    await relocateFile(store, file, targetRoot + file.folder.slice(source.length), file.name, now);
  }
  // Who may reach the folder goes with it.
  await store.grants.moveFolderTargets(source, targetRoot);
}
