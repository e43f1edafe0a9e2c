// What a session token costs: verify throughput in-process, and request latency on the real
// server with Basic auth vs a Bearer session (and through the token endpoint's proxy).
// Prints one JSON line. Run with `node --import tsx bench/session-auth.mjs`.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signSessionToken, verifySessionToken } from '../src/shared/session-token.ts';
import { createTokenEndpoint, toNodeHandler } from '../src/token-endpoint/index.ts';
import { percentiles, startServer } from './support.mjs';

const samples = Number(process.env.BENCH_SAMPLES ?? 1000);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const basic = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

/** Median and 95th percentile of `samples` sequential calls, in milliseconds. */
async function latency(call) {
  for (let i = 0; i < 50; i++) await call();
  const times = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return percentiles(times, 3);
}

async function expectOk(response) {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

const scope = { folder: '/brand/', access: 'readwrite' };
const token = await signSessionToken({ ...keys, scope, ttlSeconds: 3600 });
const verifyCount = 5000;
let started = performance.now();
for (let i = 0; i < verifyCount; i++) await verifySessionToken(token, keys);
const verifyPerSecond = Math.round(verifyCount / ((performance.now() - started) / 1000));
started = performance.now();
for (let i = 0; i < verifyCount; i++) await signSessionToken({ ...keys, scope, ttlSeconds: 600 });
const signPerSecond = Math.round(verifyCount / ((performance.now() - started) / 1000));

const dataDir = await mkdtemp(join(tmpdir(), 'bench-session-'));
const server = await startServer(dataDir, keys);
const proxy = createServer(
  toNodeHandler(
    createTokenEndpoint({ ...keys, proxy: { upstream: server.url }, authorize: () => ({ allow: true }) }),
  ),
);
proxy.listen(0, '127.0.0.1');
await once(proxy, 'listening');
const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
try {
  await expectOk(
    await fetch(`${server.url}/v1/folder`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ folderName: 'brand', parentFolderPath: '/' }),
    }),
  );
  const list =
    (auth, base = server.url) =>
    () =>
      fetch(`${base}/v1/files?path=/brand/`, { headers: { authorization: auth } }).then(expectOk);
  const basicList = await latency(list(basic));
  const bearerList = await latency(list(`Bearer ${token}`));
  const proxiedList = await latency(list(`Bearer ${token}`, `${proxyUrl}/api`));
  console.log(
    JSON.stringify({
      bench: 'session-auth',
      samples,
      verifyPerSecond,
      signPerSecond,
      listMs: { basic: basicList, bearer: bearerList, proxied: proxiedList },
    }),
  );
} finally {
  proxy.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
