import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Held by the node rendering a derived image, so other nodes wait for its result. */
export interface RenderLock {
  release(): Promise<void>;
}

/** Render locks across nodes; without them, single-flight is per process. */
export interface RenderLocks {
  /** How long a lock outlives a holder that died without releasing it. */
  readonly ttlMs: number;
  /** Takes the lock on `key`, or answers undefined when another node holds it. */
  acquire(key: string): Promise<RenderLock | undefined>;
  /** Whether any node holds the lock on `key`. */
  isHeld(key: string): Promise<boolean>;
}

/** Deletes the lock only if it is still the caller's (it may have expired and been taken). */
export const releaseScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Locks as Redis keys set with NX and an expiry, released by their token. */
export class RedisRenderLocks implements RenderLocks {
  readonly ttlMs: number;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string, ttlMs = 30_000) {
    this.#redis = redis;
    this.#prefix = `${prefix}render:`;
    this.ttlMs = ttlMs;
  }

  async acquire(key: string): Promise<RenderLock | undefined> {
    const name = this.#prefix + key;
    const token = randomUUID();
    if ((await this.#redis.set(name, token, 'PX', this.ttlMs, 'NX')) !== 'OK') return undefined;
    return {
      release: async () => {
        await this.#redis.eval(releaseScript, 1, name, token);
      },
    };
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.#redis.exists(this.#prefix + key)) === 1;
  }
}
