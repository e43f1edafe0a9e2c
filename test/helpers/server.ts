import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfig } from '../../src/server/config.js';
import { type MediaServer, startMediaServer } from '../../src/server/server.js';

export const testKeys = { publicKey: 'public_test_key', privateKey: 'private_test_key' };

export interface TestServer {
  url: string;
  dataDir: string;
  server: MediaServer;
  /** `fetch` against the server with the standard key (or the given private key) as Basic auth. */
  api(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export function basicAuth(privateKey: string, password = ''): string {
  return `Basic ${Buffer.from(`${privateKey}:${password}`).toString('base64')}`;
}

/** Starts the real server on a random port over a fresh temporary data directory. */
export async function startTestServer(options: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'media-library-test-')));
  const server = await startMediaServer({
    port: 0,
    dataDir,
    initialKeys: testKeys,
    logLevel: 'silent',
    rateLimit: false,
    urlFetch: { timeoutMs: 5000, allowPrivateNetworks: true },
    ...options,
  });
  return {
    url: server.url,
    dataDir,
    server,
    api(path, init = {}) {
      const { key = testKeys.privateKey, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null) headers.set('authorization', basicAuth(key));
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(server.url + path, {
        ...rest,
        headers,
        ...(json !== undefined && { body: JSON.stringify(json) }),
      });
    },
    async close() {
      await server.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
