import { ApiError } from '../errors.js';

export interface RenderQueueLimits {
  /** Renders running at once. */
  concurrency: number;
  /** Renders that may wait for a free slot. */
  queueLength: number;
}

/** Weight of the newest render in the running mean of render times (for Retry-After). */
const meanWeight = 0.2;

/**
 * Bounds the renders this process runs at once (each holds decoded pixels: memory, and a core),
 * with a short queue behind them. Past the queue, a render is refused at once with a 503 whose
 * Retry-After says when a slot is likely free, rather than piling up work nobody may wait for.
 */
export class RenderQueue {
  readonly #limits: RenderQueueLimits;
  readonly #waiting: Array<() => void> = [];
  #running = 0;
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
