import { randomUUID } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { Redis } from 'ioredis';
import { releaseScript } from './render-locks.js';

const ttlMs = 30_000;
/** Extends the lock only while it is still the holder's (it may have expired and been taken). */
const renewScript = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const retryMs = 50;

/**
 * tus's per-upload lock across nodes: a Redis key set with NX, renewed while the request holding
 * it runs, so two PATCHes of one upload never write at once, whichever nodes they reach. A request
 * waits for the lock up to `acquireTimeoutMs` (then tus answers 500 "lock timeout"); a holder whose
 * node died frees it after 30 s. Unlike tus's in-process locker, a waiter cannot ask a holder on
 * another node to give up early: a half-open connection holds the lock until the socket times out.
 */
export class RedisResumableLocker implements Locker {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #acquireTimeoutMs: number;

  constructor(redis: Redis, prefix: string, acquireTimeoutMs = 30_000) {
    this.#redis = redis;
    this.#prefix = `${prefix}tus-lock:`;
    this.#acquireTimeoutMs = acquireTimeoutMs;
  }

  newLock(id: string): Lock {
    const redis = this.#redis;
    const name = this.#prefix + id;
    const token = randomUUID();
    const acquireTimeoutMs = this.#acquireTimeoutMs;
    let renewal: NodeJS.Timeout | undefined;
    return {
      async lock(signal: AbortSignal, _requestRelease: RequestRelease): Promise<void> {
        const deadline = Date.now() + acquireTimeoutMs;
        while ((await redis.set(name, token, 'PX', ttlMs, 'NX')) !== 'OK') {
          if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
          await new Promise((resolve) => setTimeout(resolve, retryMs));
        }
        renewal = setInterval(() => {
          void redis.eval(renewScript, 1, name, token, ttlMs).catch(() => undefined);
        }, ttlMs / 3);
        renewal.unref();
      },
      async unlock(): Promise<void> {
        clearInterval(renewal);
        await redis.eval(releaseScript, 1, name, token);
      },
    };
  }
}
