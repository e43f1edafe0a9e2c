import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import type { FileAiStatus, MediaFile } from '../../shared/wire.js';
import { aiCapabilities } from './ai-capabilities.js';

/** The first look after a job starts, then each wait 1.5× the last, up to the longest. */
const firstDelayMs = 1000;
const longestDelayMs = 5000;
/** A watch gives up after this long (a stuck job, a busy server): the file shows its results when opened again. */
const watchLimitMs = 3 * 60_000;

/** Where the open file's AI work stands, for the details panel to say. */
export type AiWatchState =
  | { phase: 'idle' }
  /** Jobs wait or run: `removingBackground` when one of them is `remove-bg`. */
  | { phase: 'pending'; removingBackground: boolean }
  /** Every job ended; `failed` names the extensions that failed, `removedBackground` a new version. */
  | { phase: 'done'; failed: string[]; removedBackground: boolean }
  /** The watch ran out of time with jobs still pending. */
  | { phase: 'timed-out' };

const idle: AiWatchState = { phase: 'idle' };

/**
 * Watches the open file's AI jobs (`GET /_ml/files/{id}/ai`, docs/ai.md) while any is pending,
 * with a growing wait between looks, and hands the file as the server has it once they are done,
 * so its AI tags, a new version without background and its thumbnail show without a reload.
 * Stops when the file changes, the panel goes (the host disconnects) or after a few minutes.
 * Against a server without AI jobs (ImageKit) it never asks.
 */
export class AiJobWatch implements ReactiveController {
  state: AiWatchState = idle;
  readonly #host: ReactiveControllerHost;
  readonly #finished: (file: MediaFile) => void;
  /** `fileId versionId` of what was last looked at, so each version is asked about once. */
  #key = '';
  /** Bumped by every new watch and stop: a stale answer is dropped. */
  #run = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connected = false;
  /** The file the last watch was about. */
  #fileId = '';

  constructor(host: ReactiveControllerHost, finished: (file: MediaFile) => void) {
    this.#host = host;
    this.#finished = finished;
    host.addController(this);
  }

  /**
   * Looks once at the file's AI jobs when it (or its version) is new to the watch, and keeps
   * watching while they are pending. Cheap to call on every update.
   */
  follow(client: MediaClient | undefined, file: MediaFile | undefined): void {
    // A panel just closed may still update once: it must not start watching again.
    if (!this.#connected) return;
    const key = file && file.fileType === 'image' ? `${file.fileId} ${file.versionInfo.id}` : '';
    if (key === this.#key) return;
    this.#key = key;
    // The same file's next version (its background removed) keeps what the panel says about it.
    const before = file && this.#fileId === file.fileId ? this.state : idle;
    this.#stop(before.phase === 'timed-out' ? idle : before);
    const pending = before.phase === 'pending';
    if (client && file && key)
      this.#start(client, file.fileId, {
        now: true,
        pending,
        removing: pending && before.removingBackground,
      });
  }

  /** Watches now: a job was just asked for (`extensions` on an update). */
  started(client: MediaClient, fileId: string, removingBackground: boolean): void {
    if (!this.#connected) return;
    this.#stop({ phase: 'pending', removingBackground });
    this.#start(client, fileId, { now: false, pending: true, removing: removingBackground });
  }

  hostConnected(): void {
    this.#connected = true;
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#key = '';
    this.#stop(idle);
  }

  #stop(state: AiWatchState): void {
    this.#run++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#set(state);
  }

  #set(state: AiWatchState): void {
    this.state = state;
    this.#host.requestUpdate();
  }

  /** `now`: the first look at once (else after the first wait); `pending`: a job is known to be pending. */
  #start(
    client: MediaClient,
    fileId: string,
    from: { now: boolean; pending: boolean; removing: boolean },
  ): void {
    const run = ++this.#run;
    this.#fileId = fileId;
    const until = Date.now() + watchLimitMs;
    let delay = firstDelayMs;
    let seenPending = from.pending;
    let removingBackground = from.removing;
    const look = async (): Promise<void> => {
      if (run !== this.#run) return;
      let status: FileAiStatus | undefined;
      try {
        if (!(await aiCapabilities(client))) return run === this.#run ? this.#stop(idle) : undefined;
        status = await client.request<FileAiStatus>('GET', `/_ml/files/${encodeURIComponent(fileId)}/ai`);
      } catch (error) {
        // The file is gone or not ours to see, or no job is known to wait: nothing to watch.
        // A job that waits is looked at again after a failure (the network, a busy server).
        const code = (error as { status?: number }).status;
        if (run !== this.#run) return;
        if (code === 404 || code === 403) return this.#stop(idle);
        if (!seenPending) return this.#stop(this.state);
      }
      if (run !== this.#run) return;
      if (status && status.aiStatus !== 'pending') {
        // Nothing was pending: whatever the panel says (a background just removed) stays.
        if (!seenPending) return this.#stop(this.state);
        const failed = Object.entries(status.extensionStatus)
          .filter(([, outcome]) => outcome === 'failed')
          .map(([name]) => name);
        const removedBackground = removingBackground && !failed.includes('remove-bg');
        const file = await client.getFileDetails(fileId).catch(() => undefined);
        if (run !== this.#run) return;
        this.#stop({ phase: 'done', failed, removedBackground });
        if (file) this.#finished(file);
        return;
      }
      if (status) {
        seenPending = true;
        removingBackground ||= status.extensionStatus['remove-bg'] === 'pending';
        this.#set({ phase: 'pending', removingBackground });
      }
      if (Date.now() + delay > until) return this.#stop(seenPending ? { phase: 'timed-out' } : idle);
      this.#timer = setTimeout(() => void look(), delay);
      delay = Math.min(longestDelayMs, Math.round(delay * 1.5));
    };
    if (from.now) void look();
    else this.#timer = setTimeout(() => void look(), firstDelayMs);
  }
}
