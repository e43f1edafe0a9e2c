import { ApiError, badRequest } from '../errors.js';
import type { RenderMemory } from '../media/render.js';

export interface RenderQueueLimits {
  /** Renders running at once. */
  concurrency: number;
  /** Renders that may wait for a free slot. */
  queueLength: number;
  /** Memory the renders running at once may hold between them, by their estimates. */
  memoryBytes: number;
}

const megabytes = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)} MB`;

/** Weight of the newest render in the running mean of render times (for Retry-After). */
const meanWeight = 0.2;

/**
 * Bounds the renders this process runs at once (each holds decoded pixels: memory, and a core),
 * with a short queue behind them. Past the queue, a render is refused at once with a 503 whose
 * Retry-After says when a slot is likely free, rather than piling up work nobody may wait for.
 * Within its slot a render also reserves the memory it estimates it needs, waiting while the
 * renders running hold too much; one that could never fit is refused.
 */
export class RenderQueue implements RenderMemory {
  readonly #limits: RenderQueueLimits;
  readonly #waiting: Array<() => void> = [];
  readonly #waitingForMemory = new Set<() => void>();
  #running = 0;
  #memoryInUse = 0;
  #meanMs = 1000;

  constructor(limits: RenderQueueLimits) {
    this.#limits = limits;
  }

  /** Renders running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  async run<T>(render: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limits.concurrency) {
      if (this.#waiting.length >= this.#limits.queueLength) throw this.#busy();
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    const started = performance.now();
    try {
      return await render();
    } finally {
      this.#meanMs += meanWeight * (performance.now() - started - this.#meanMs);
      const next = this.#waiting.shift();
      // The slot passes straight to the next in line, so a newcomer cannot take it in between.
      if (next) next();
      else this.#running--;
    }
  }

  async reserve(bytes: number): Promise<() => void> {
    if (bytes > this.#limits.memoryBytes) {
      throw badRequest(
        `This transformation needs about ${megabytes(bytes)} to render; this server gives renders ${megabytes(this.#limits.memoryBytes)} (MEDIA_LIBRARY_RENDER_MEMORY). Ask for a smaller image, or a format such as JPEG or PNG.`,
        { reason: 'TRANSFORMATION_TOO_LARGE' },
      );
    }
    while (this.#memoryInUse + bytes > this.#limits.memoryBytes) {
      await new Promise<void>((resolve) => this.#waitingForMemory.add(resolve));
    }
    this.#memoryInUse += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#memoryInUse -= bytes;
      // Everyone waiting looks again; whoever fits goes, the rest wait on.
      const waiting = [...this.#waitingForMemory];
      this.#waitingForMemory.clear();
      for (const wake of waiting) wake();
    };
  }

  #busy(): ApiError {
    const ahead = this.#running + this.#waiting.length;
    const seconds = Math.max(1, Math.ceil((ahead / this.#limits.concurrency) * (this.#meanMs / 1000)));
    return new ApiError(
      503,
      `The server is rendering as many images as it can (${this.#running} running, ${this.#waiting.length} waiting). Retry in ${seconds} s.`,
      { reason: 'RENDER_QUEUE_FULL' },
      { 'retry-after': String(seconds) },
    );
  }
}
