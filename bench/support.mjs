// What every benchmark needs: the real server as a child process, and percentiles.
import { once } from 'node:events';
import { serveCli } from '../test/helpers/cli.ts';

/** Starts `media-library serve` on a free port over `dataDir`, rate limits off, with the given first key pair. */
export async function startServer(dataDir, keys) {
  const running = await serveCli(['--data', dataDir], {
    MEDIA_LIBRARY_PUBLIC_KEY: keys.publicKey,
    MEDIA_LIBRARY_PRIVATE_KEY: keys.privateKey,
    MEDIA_LIBRARY_RATE_LIMIT: 'off',
    MEDIA_LIBRARY_LOG_LEVEL: 'error',
  });
  return {
    url: running.url,
    async stop() {
      running.child.kill('SIGTERM');
      await once(running.child, 'exit');
    },
  };
}

/** p50 and p95 of millisecond samples, rounded to `digits`. */
export function percentiles(samples, digits = 2) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(digits));
  return { p50: at(0.5), p95: at(0.95) };
}
