// What a session token costs: verify throughput in-process, and request latency on the real
// server with Basic auth vs a Bearer session (and through the token endpoint's proxy).
// Prints one JSON line. Run with `node --import tsx bench/session-auth.mjs`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signSessionToken, verifySessionToken } from '../src/shared/session-token.ts';
import { createTokenEndpoint, toNodeHandler } from '../src/token-endpoint/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const samples = Number(process.env.BENCH_SAMPLES ?? 1000);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const basic = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

async function startServer(dataDir) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server/cli.ts', 'serve', '--port', '0', '--data', dataDir],
    {
      cwd: root,
      env: {
        ...process.env,
        MEDIA_LIBRARY_PUBLIC_KEY: keys.publicKey,
        MEDIA_LIBRARY_PRIVATE_KEY: keys.privateKey,
        MEDIA_LIBRARY_RATE_LIMIT: 'off',
        MEDIA_LIBRARY_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  for await (const chunk of child.stdout) {
    out += chunk;
    const match = /listening on (\S+)/.exec(out);
    if (match) return { child, url: match[1] };
  }
  throw new Error(`server did not start: ${out}`);
}

/** Median and 95th percentile of `samples` sequential calls, in milliseconds. */
async function latency(call) {
  for (let i = 0; i < 50; i++) await call();
  const times = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q) => Number(times[Math.floor(q * (times.length - 1))].toFixed(3));
  return { p50: at(0.5), p95: at(0.95) };
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
const server = await startServer(dataDir);
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
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
  await rm(dataDir, { recursive: true, force: true });
}
