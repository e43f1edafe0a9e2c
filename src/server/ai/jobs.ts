import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { appendAudit, fileTarget, metadataChanges, systemActor, versionChanges } from '../library/audit.js';
import { blobKeyFor, commitWithBlobs } from '../library/blobs.js';
import { newId } from '../library/ids.js';
import { StagedFile } from '../library/staging.js';
import { appendVersion } from '../library/versions.js';
import { probeFile } from '../media/probe.js';
import { readBlob } from '../storage/blob-storage.js';
import type { AiJobRecord, FileRecord } from '../store/store.js';
import { LocalTagger, labelsOf } from './local/analyser.js';
import { assertMaySend } from './privacy.js';
import type { AiImage, DetectedLabel, ImageAnalysis, TaggingExtension } from './providers.js';

const maxAttempts = 3;

type AiJobContext = Pick<ServerContext, 'store' | 'storage' | 'config' | 'ai' | 'stagingDir'>;

/** The version's bytes, decoded once: what every provider is handed. */
async function loadImage(ctx: AiJobContext, version: FileRecord): Promise<AiImage> {
  const bytes = await readBlob(ctx.storage, version.blobKey);
  const meta = await sharp(bytes, { limitInputPixels: ctx.config.maxImagePixels }).metadata();
  const upright = (meta.orientation ?? 1) >= 5;
  return {
    bytes,
    mime: version.mime,
    width: (upright ? meta.height : meta.width) ?? version.width ?? 0,
    height: (upright ? meta.width : meta.height) ?? version.height ?? 0,
  };
}

/**
 * Runs the local analysis of a version (faces, objects, text) and stores it, so search and
 * `fo-face` find it; answers what was found. Delivery calls it for a version never analysed.
 */
export async function analyseVersion(ctx: AiJobContext, version: FileRecord): Promise<ImageAnalysis> {
  const analyser = ctx.ai.analyser;
  if (!analyser) throw new ApiError(400, ctx.ai.unavailable ?? 'This server runs no AI models.');
  // On local disk the model process reads the original itself: the server neither reads nor copies it.
  const path = ctx.storage.localPath?.(version.blobKey);
  const analysis = await analyser.analyse(
    path !== undefined ? { path } : { bytes: await readBlob(ctx.storage, version.blobKey) },
  );
  await ctx.store.aiAnalyses.put({
    versionId: version.versionId,
    text: analysis.words.length > 0 ? analysis.words.map((w) => w.text).join(' ') : null,
    detections: { faces: analysis.faces, objects: analysis.objects },
    analysedAt: Date.now(),
  });
  return analysis;
}

/**
 * The AI job queue (docs/ai.md): rows any node claims with a lease, at most `aiConcurrency` at a
 * time in this process (each holds a model's working memory). A job whose node died is taken by
 * another once its lease lapses, or by this node on restart, and runs again from the start: its
 * writes are idempotent (tags replaced by source, analysis keyed by version).
 *
 * Foreground first (docs/decisions.md): a worker claims no job while this node serves requests or
 * served one less than `aiQuietMs` ago, except once it has waited `aiMaxDeferMs`, so a node under
 * constant traffic still runs a job that often per worker. The server reports its requests with
 * `requestStarted` and `requestEnded`.
 */
export class AiJobs {
  readonly #ctx: AiJobContext;
  readonly #leaseMs: number;
  readonly #pollMs: number | undefined;
  readonly #node = randomUUID();
  readonly #workers = new Set<Promise<void>>();
  #poll: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Requests this node is serving, and when the last one ended. */
  #inFlight = 0;
  #lastRequestEnded = 0;
  /** Workers waiting for the node to be quiet. */
  readonly #sleepers = new Set<() => void>();
  /** Called when a job ends, for logs and tests. */
  onError: (error: unknown) => void = () => {};

  constructor(ctx: AiJobContext, timing: { leaseMs: number; pollMs?: number }) {
    this.#ctx = ctx;
    this.#leaseMs = timing.leaseMs;
    this.#pollMs = timing.pollMs;
  }

  /** Queues the jobs (already inserted by the caller's transaction) to run now. */
  start(): void {
    if (
      !this.#ctx.ai.analyser &&
      !this.#ctx.ai.backgroundRemover &&
      !Object.keys(this.#ctx.ai.taggers).length
    )
      return;
    if (this.#pollMs !== undefined) {
      this.#poll = setInterval(() => this.wake(), this.#pollMs);
      this.#poll.unref();
    }
    this.wake();
  }

  /** Starts workers up to the concurrency; each runs jobs until none is left. */
  wake(): void {
    if (this.#stopped) return;
    while (this.#workers.size < this.#ctx.config.aiConcurrency) {
      const worker: Promise<void> = this.#drain()
        .catch((error) => this.onError(error))
        .finally(() => this.#workers.delete(worker));
      this.#workers.add(worker);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    for (const wake of [...this.#sleepers]) wake();
    await Promise.all([...this.#workers]);
  }

  /** A request that AI jobs yield to has started on this node. */
  requestStarted(): void {
    this.#inFlight++;
  }

  /** That request has ended (answered or abandoned). */
  requestEnded(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#lastRequestEnded = Date.now();
  }

  /** Waits until the node has been quiet for `aiQuietMs`, or `aiMaxDeferMs` has passed, or it stops. */
  async #yieldToRequests(): Promise<void> {
    const { aiQuietMs, aiMaxDeferMs } = this.#ctx.config;
    if (aiQuietMs <= 0) return;
    const since = Date.now();
    while (!this.#stopped) {
      const now = Date.now();
      const quietFor = this.#inFlight > 0 ? 0 : now - this.#lastRequestEnded;
      const deferredFor = now - since;
      if (quietFor >= aiQuietMs || deferredFor >= aiMaxDeferMs) return;
      const wait = Math.min(aiQuietMs - quietFor, aiMaxDeferMs - deferredFor);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#sleepers.delete(done);
          resolve();
        };
        // A waiting worker does not keep the process alive; `stop` wakes it at once.
        const timer = setTimeout(done, wait).unref();
        this.#sleepers.add(done);
      });
    }
  }

  /** Resolves once no worker is running (tests). */
  async idle(): Promise<void> {
    while (this.#workers.size > 0) await Promise.all([...this.#workers]);
  }

  async #drain(): Promise<void> {
    const { store } = this.#ctx;
    while (!this.#stopped) {
      await this.#yieldToRequests();
      if (this.#stopped) return;
      const now = Date.now();
      const job = await store.aiJobs.claim(this.#node, now, now + this.#leaseMs);
      if (!job) return;
      if (job.attempts > maxAttempts) {
        await store.aiJobs.finish(
          job.jobId,
          this.#node,
          { status: 'Failed', error: `The job was interrupted ${maxAttempts} times and was given up.` },
          now,
        );
        continue;
      }
      const renew = setInterval(() => {
        store.aiJobs.renewLease(job.jobId, this.#node, Date.now() + this.#leaseMs).catch(() => {});
      }, this.#leaseMs / 3);
      try {
        await this.#run(job);
        await store.aiJobs.finish(job.jobId, this.#node, { status: 'Done' }, Date.now());
      } catch (error) {
        this.onError(error);
        const final = error instanceof ApiError || job.attempts >= maxAttempts;
        await store.aiJobs.finish(
          job.jobId,
          this.#node,
          { status: final ? 'Failed' : 'Pending', ...(final && { error: (error as Error).message }) },
          Date.now(),
        );
      } finally {
        clearInterval(renew);
      }
    }
  }

  async #run(job: AiJobRecord): Promise<void> {
    const version = (await this.#ctx.store.files.versions(job.fileId)).find(
      (v) => v.versionId === job.versionId,
    );
    // The file or version was deleted since: nothing to do.
    if (!version) return;
    if (job.kind === 'remove-bg') return this.#removeBackground(version, job.params.extensions[0] ?? {});
    return this.#tag(version, job.params.extensions);
  }

  async #tag(version: FileRecord, extensions: Array<Record<string, unknown>>): Promise<void> {
    const ctx = this.#ctx;
    const local = ctx.ai.analyser ? await analyseVersion(ctx, version) : undefined;
    let image: AiImage | undefined;
    const found: Array<{ name: string; confidence: number; source: string }> = [];
    for (const extension of extensions) {
      const name = String(extension.name) as TaggingExtension;
      const options = {
        ...(typeof extension.minConfidence === 'number' && { minConfidence: extension.minConfidence }),
        ...(typeof extension.maxTags === 'number' && { maxTags: extension.maxTags }),
      };
      const tagger = ctx.ai.taggers[name];
      if (!tagger) throw new ApiError(400, `The extension '${name}' is not available on this server.`);
      // The local tagger reads the analysis just made rather than running the models twice.
      let labels: DetectedLabel[];
      if (local && tagger instanceof LocalTagger) labels = labelsOf(local, options);
      else {
        // A private or unpublished file goes to a third party only where the operator allowed it.
        assertMaySend(tagger, version);
        image ??= await loadImage(ctx, version);
        labels = await tagger.tag(image, options);
      }
      for (const l of labels) found.push({ name: l.name, confidence: l.confidence, source: tagger.source });
    }
    const sources = new Set(found.map((t) => t.source));
    await ctx.store.transaction(async (store) => {
      const current = (await store.files.versions(version.fileId)).find(
        (v) => v.versionId === version.versionId,
      );
      if (!current) return;
      // A tagger's new labels replace its old ones; other sources' (and hand-kept) tags stay.
      const kept = (current.aiTags ?? []).filter((t) => !sources.has(t.source));
      const aiTags = [...kept, ...found];
      await store.files.updateVersions([current.versionId], { aiTags: aiTags.length > 0 ? aiTags : null });
      const updated = (await store.files.versions(version.fileId)).find(
        (v) => v.versionId === version.versionId,
      )!;
      await appendAudit(store, systemActor, {
        action: 'file.update',
        ...fileTarget(updated),
        changes: metadataChanges(current, updated),
      });
    });
  }

  async #removeBackground(version: FileRecord, extension: Record<string, unknown>): Promise<void> {
    const ctx = this.#ctx;
    const remover = ctx.ai.backgroundRemover;
    if (!remover) throw new ApiError(400, ctx.ai.unavailable ?? 'No background remover is configured.');
    assertMaySend(remover, version);
    const cutOut = await remover.removeBackground(await loadImage(ctx, version));
    const options = (extension.options ?? {}) as Record<string, unknown>;
    const background = (options.bg_color ?? options.bg_colour) as string | undefined;
    // The file keeps its format: one with an alpha channel keeps the cut-out, a JPEG gets a background.
    const format = version.mime === 'image/png' ? 'png' : version.mime === 'image/webp' ? 'webp' : 'jpeg';
    let image = sharp(cutOut);
    if (background || format === 'jpeg')
      image = image.flatten({ background: cssColour(background ?? 'white') });
    const bytes = await image.toFormat(format).toBuffer();
    const staged = new StagedFile(ctx.stagingDir);
    try {
      await staged.writeBuffer(bytes, ctx.config.maxUploadBytes);
      const probed = await probeFile(staged.path, staged.head, version.name, ctx.config.maxImagePixels);
      const now = Date.now();
      const versionId = newId(now);
      const blobKey = blobKeyFor(versionId);
      await commitWithBlobs(
        ctx,
        [blobKey],
        () => ctx.storage.putFile(blobKey, staged.path),
        async (store) => {
          const base = (await store.files.versions(version.fileId)).find((v) => v.isCurrent);
          if (!base) return;
          const record: FileRecord = {
            ...base,
            versionId,
            blobKey,
            size: bytes.length,
            ...probed,
            createdAt: now,
            updatedAt: now,
          };
          const appended = await appendVersion(store, ctx.config, base, record, null);
          await appendAudit(store, systemActor, {
            action: 'file.edit',
            ...fileTarget(appended),
            changes: { ...versionChanges(base, appended), operations: { after: [{ type: 'remove-bg' }] } },
          });
        },
      );
    } finally {
      await staged.discard();
    }
  }
}

/** A colour as ImageKit's remove-bg option gives it: a name (`green`) or hex without `#` (`FF0000`). */
function cssColour(value: string): string {
  return /^[0-9a-f]{3}([0-9a-f]{3})?$/i.test(value) ? `#${value}` : value;
}
