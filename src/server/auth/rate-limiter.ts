import type { Redis } from 'ioredis';

/** The outcome of counting one request against a limit. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
  intervalMs: number;
}

export interface RateLimitSetting {
  limit: number;
  intervalMs: number;
}

/** Counts requests per key in fixed windows: in this process, or in Redis for many nodes. */
export interface RateLimiter {
  hit(key: string, now?: number): Promise<RateDecision>;
  /** The decision the next hit would meet, without counting one (a lock checked before the work). */
  peek(key: string, now?: number): Promise<RateDecision>;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #setting: RateLimitSetting;
  readonly #windows = new Map<string, { start: number; count: number }>();
  #lastSweep = 0;

  constructor(setting: RateLimitSetting) {
    this.#setting = setting;
  }

  async hit(key: string, now = Date.now()): Promise<RateDecision> {
    const { limit, intervalMs } = this.#setting;
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || now - window.start >= intervalMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    return { allowed: window.count <= limit, limit, resetMs: window.start + intervalMs - now, intervalMs };
  }

  async peek(key: string, now = Date.now()): Promise<RateDecision> {
    const { limit, intervalMs } = this.#setting;
    const window = this.#windows.get(key);
    if (!window || now - window.start >= intervalMs)
      return { allowed: true, limit, resetMs: intervalMs, intervalMs };
    return { allowed: window.count < limit, limit, resetMs: window.start + intervalMs - now, intervalMs };
  }

  /** Forgets finished windows now and then, so idle keys do not pile up. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#setting.intervalMs * 10) return;
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#setting.intervalMs) this.#windows.delete(key);
    }
  }
}

/** Counts, and starts the window on the first hit; answers the count and the window's time left. */
const hitScript = `
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}`;

/**
 * The same fixed windows, counted in Redis so every node sees one count per key. If Redis cannot
 * be reached the request is let through (and `onError` told): an outage of the limiter should not
 * become an outage of the library.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #setting: RateLimitSetting;
  onError: (error: unknown) => void = () => {};

  constructor(redis: Redis, prefix: string, setting: RateLimitSetting) {
    this.#redis = redis;
    this.#prefix = `${prefix}rate:`;
    this.#setting = setting;
  }

  async hit(key: string): Promise<RateDecision> {
    const { limit, intervalMs } = this.#setting;
    try {
      const [count, left] = (await this.#redis.eval(hitScript, 1, this.#prefix + key, intervalMs)) as [
        number,
        number,
      ];
      return { allowed: count <= limit, limit, resetMs: left, intervalMs };
    } catch (error) {
      this.onError(error);
      return { allowed: true, limit, resetMs: intervalMs, intervalMs };
    }
  }

  async peek(key: string): Promise<RateDecision> {
    const { limit, intervalMs } = this.#setting;
    try {
      const [count, left] = (await this.#redis.eval(peekScript, 1, this.#prefix + key)) as [number, number];
      return { allowed: count < limit, limit, resetMs: left < 0 ? intervalMs : left, intervalMs };
    } catch (error) {
      this.onError(error);
      return { allowed: true, limit, resetMs: intervalMs, intervalMs };
    }
  }
}

/** Reads a window's count and time left without counting. */
const peekScript = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = redis.call('PTTL', KEYS[1])
return {count, left}`;

/** Parses `1000/10s`, `50/1m` or `off`. */
export function parseRateLimit(text: string): RateLimitSetting | false {
  if (text.trim() === 'off') return false;
  const match = /^\s*(\d+)\s*\/\s*(\d+)?\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) throw new Error(`rate limit "${text}" should look like 1000/10s, 50/1m or off`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[3] as 'ms' | 's' | 'm' | 'h'];
  return { limit: Number(match[1]), intervalMs: Number(match[2] ?? 1) * unit };
}
