// What the security suite's tests share: the demo without its seed (a few ms instead of ~20 s).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoServer, startDemoServer } from '../../demo/server.js';
import type { ServerConfig } from '../../src/server/config.js';
import { startMediaServer } from '../../src/server/server.js';
import { png, uploadForm } from '../helpers/fixtures.js';
import { basicAuth, testKeys } from '../helpers/server.js';

export interface SecurityDemo {
  server: DemoServer;
  /** The demo as its banner prints it: `http://localhost:<port>`. */
  base: string;
  close(): Promise<void>;
}

/** `npm start`'s server over a library that already has a file, so the demo skips seeding. */
export async function startUnseededDemo(options: Partial<ServerConfig> = {}): Promise<SecurityDemo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'media-library-security-'));
  const first = await startMediaServer({ port: 0, dataDir, initialKeys: testKeys, logLevel: 'silent' });
  const uploaded = await fetch(`${first.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization: basicAuth(testKeys.privateKey) },
    body: uploadForm({
      file: { bytes: await png(), name: 'existing.png' },
      fields: { fileName: 'existing.png' },
    }),
  });
  await first.close();
  if (uploaded.status !== 200) throw new Error(`could not prepare the demo library: ${uploaded.status}`);
  const server = await startDemoServer({
    port: 0,
    dataDir,
    logLevel: 'silent',
    rateLimit: false,
    ...options,
  });
  return {
    server,
    base: server.url.replace('127.0.0.1', 'localhost'),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
