import { Redis } from 'ioredis';

/**
 * Connects to the Redis that nodes share (rate-limit counters, render locks) and checks it answers,
 * so a wrong URL stops the server at start rather than on the first request. Commands issued while
 * the connection is down fail fast (callers fall back) instead of queueing.
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5000,
  });
  // ioredis reconnects by itself; without a listener an outage would crash the process.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis: ${(error as Error).message}`);
  }
  return redis;
}
