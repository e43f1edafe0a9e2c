// Notifications: mention-to-bell latency p50/p95 with 200 connected SSE clients (goal: p95 ≤ 500 ms),
// from the POST that mentions a user to that user's stream receiving the notification, and the
// server's memory per idle SSE client (its RSS before and after the streams open, over their count).
// Prints one JSON line. Run with `npm run bench:notify` (BENCH_CLIENTS, BENCH_SAMPLES override).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signSessionToken } from '../src/shared/session-token.ts';
import { png } from '../test/helpers/fixtures.ts';
import { percentiles, startServer, uploadFile } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const clients = Number(process.env.BENCH_CLIENTS ?? 200);
const samples = Number(process.env.BENCH_SAMPLES ?? 100);
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const keyAuth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;

/** The server process's resident memory, in bytes (Linux). */
async function rss(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

/** A session token acting for a DAM user: no password hashing per client. */
const tokenFor = (user) =>
  signSessionToken({ ...keys, scope: { folder: '/', access: 'readwrite' }, ttlSeconds: 3600, user });

/** Opens a stream and calls `onEvent(name, data, at)` for each event until aborted. */
async function openStream(url, token, onEvent, signal) {
  const response = await fetch(`${url}/_ml/notifications/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal,
  });
  if (response.status !== 200) throw new Error(`stream: ${response.status} ${await response.text()}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) onEvent(event, JSON.parse(data), performance.now());
        }
      }
    } catch {
      // Aborted at the end.
    }
  })();
}

const dataDir = await mkdtemp(join(root, '.bench-notify-'));
const server = await startServer(dataDir, keys);
const abort = new AbortController();
try {
  const api = async (path, method, json, authorization = keyAuth) => {
    const response = await fetch(server.url + path, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const body = await response.json();
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const file = await uploadFile(server.url, keyAuth, await png(64, 48), 'bench.png', { folder: '/bench' });
  const author = await api('/_ml/users', 'POST', {
    email: 'author@bench.example',
    role: 'manager',
    name: 'Author',
  });
  const authorAuth = `Bearer ${await tokenFor(author.id)}`;
  const users = [];
  for (let i = 0; i < clients; i++) {
    users.push(
      await api('/_ml/users', 'POST', {
        email: `reader-${i}@bench.example`,
        role: 'manager',
        name: `Reader ${i}`,
      }),
    );
  }

  const before = await rss(server.pid);
  /** Per user: resolves the next notification's arrival time. */
  const waiting = new Map();
  for (const user of users) {
    const token = await tokenFor(user.id);
    let opened;
    const first = new Promise((resolve) => {
      opened = resolve;
    });
    await openStream(
      server.url,
      token,
      (event, _data, at) => {
        if (event === 'unread') opened();
        if (event === 'notification') waiting.get(user.id)?.(at);
      },
      abort.signal,
    );
    await first;
  }
  // Let the streams settle (buffers, timers) before reading memory.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await rss(server.pid);

  const latencies = [];
  for (let i = 0; i < samples + 5; i++) {
    const target = users[i % users.length];
    const arrived = new Promise((resolve) => waiting.set(target.id, resolve));
    const started = performance.now();
    await api(
      `/_ml/files/${file.fileId}/comments`,
      'POST',
      { text: `Sample ${i}`, mentions: [{ type: 'user', id: target.id }] },
      authorAuth,
    );
    const at = await Promise.race([
      arrived,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no notification within 10 s')), 10_000)),
    ]);
    waiting.delete(target.id);
    if (i >= 5) latencies.push(at - started);
  }
  const figures = percentiles(latencies, 1);
  console.log(
    JSON.stringify({
      bench: 'notify',
      clients,
      samples,
      mentionToBellMs: figures,
      goalP95Ms: 500,
      memoryPerIdleClientKiB: Math.round((after - before) / clients / 102.4) / 10,
      serverRssMiB: { before: Math.round(before / 1048576), after: Math.round(after / 1048576) },
    }),
  );
} finally {
  abort.abort();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
