// Permissions at 100k files: list and search p50/p95 for an unrestricted key, a signed-in admin,
// and a signed-in member whose 50 folder grants the server turns into SQL (goal: the member within
// 1.5× of the key), plus sign-in time and the password hash alone (goal: 50–250 ms).
// Prints one JSON line. Run with `npm run bench:permissions` (BENCH_FILES, BENCH_SAMPLES override).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../src/server/auth/passwords.ts';
import { openSqliteStore } from '../src/server/store/sqlite.ts';
import { percentiles, searchShapes, seedSearchCatalog, startServer } from './support.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const files = Number(process.env.BENCH_FILES ?? 100_000);
const samples = Number(process.env.BENCH_SAMPLES ?? 60);
const grantCount = 50;
const keys = { publicKey: 'public_bench', privateKey: 'private_bench' };
const keyAuth = { authorization: `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}` };
const password = 'bench password that is long enough';

const paths = {
  list: '/v1/files?limit=100',
  listFolder: '/v1/files?limit=100&path=/harbor/golden/',
  searchName: `/v1/files?limit=100&searchQuery=${encodeURIComponent(searchShapes.namePrefix)}`,
  searchTags: `/v1/files?limit=100&searchQuery=${encodeURIComponent(searchShapes.tagIn)}`,
  searchThree: `/v1/files?limit=100&searchQuery=${encodeURIComponent(searchShapes.threeClauses)}`,
};

/**
 * `samples` timings of `url` per principal (after a few unmeasured ones), the principals taking
 * turns request by request in a rotating order, so a busy spell on a shared machine falls on all.
 */
async function timedInTurns(url, principals) {
  const names = Object.keys(principals);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  const hits = {};
  for (let i = 0; i < samples + 5; i++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(i + turn) % names.length];
      const started = performance.now();
      const response = await fetch(url, { headers: principals[name] });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
      if (i >= 5) times[name].push(performance.now() - started);
      hits[name] = body.length;
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { ...percentiles(times[name], 1), hits: hits[name] }]),
  );
}

async function signIn(url, email) {
  const started = performance.now();
  const response = await fetch(`${url}/_ml/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in ${email}: ${response.status} ${await response.text()}`);
  return { ms: performance.now() - started, cookie: response.headers.get('set-cookie').split(';')[0] };
}

const dataDir = await mkdtemp(join(root, '.bench-permissions-'));
try {
  const store = await openSqliteStore(join(dataDir, 'library.db'));
  await seedSearchCatalog(store, files);
  // Folders as rows (grants are on folders that exist), and the member's 50 grants.
  const folders = (
    await store.files.list(
      {
        include: { folders: false, files: true, versions: false },
        sort: { column: 'name', direction: 'asc' },
        limit: files,
        skip: 0,
      },
      0,
      files,
    )
  )
    .map((f) => f.folder)
    .filter((folder, i, all) => all.indexOf(folder) === i)
    .sort();
  await store.close();
  const server = await startServer(dataDir, keys, {
    MEDIA_LIBRARY_ADMIN_EMAIL: 'admin@bench.example',
    MEDIA_LIBRARY_ADMIN_PASSWORD: password,
  });
  try {
    const api = (path, method, json) =>
      fetch(server.url + path, {
        method,
        headers: { ...keyAuth, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
    for (const folder of new Set(folders.flatMap((f) => [`/${f.split('/')[1]}/`, f]))) {
      const [parent, name] = [folder.split('/').slice(0, -2).join('/') || '/', folder.split('/').at(-2)];
      await api('/v1/folder', 'POST', { folderName: name, parentFolderPath: parent });
    }
    const member = await (
      await api('/_ml/users', 'POST', { email: 'member@bench.example', role: 'member', password })
    ).json();
    const granted = folders
      .filter((_, i) => i % Math.ceil(folders.length / grantCount) === 0)
      .slice(0, grantCount);
    if (!granted.includes('/harbor/golden/')) granted[granted.length - 1] = '/harbor/golden/';
    for (const folder of granted) {
      const response = await api('/_ml/grants', 'PUT', {
        principal: { type: 'user', id: member.id },
        target: { type: 'folder', path: folder },
        level: 'view',
      });
      if (response.status !== 200) throw new Error(`grant ${folder}: ${await response.text()}`);
    }

    const signIns = [];
    for (let i = 0; i < 10; i++) signIns.push((await signIn(server.url, 'member@bench.example')).ms);
    const admin = await signIn(server.url, 'admin@bench.example');
    const memberSession = await signIn(server.url, 'member@bench.example');
    const hashes = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await hashPassword(password);
      hashes.push(performance.now() - started);
    }

    const result = { bench: 'permissions', files, grants: granted.length, samples, folders: folders.length };
    for (const [name, path] of Object.entries(paths)) {
      const {
        key,
        admin: adminFigures,
        member: memberFigures,
      } = await timedInTurns(server.url + path, {
        key: keyAuth,
        admin: { cookie: admin.cookie },
        member: { cookie: memberSession.cookie },
      });
      result[name] = {
        key,
        admin: adminFigures,
        member: memberFigures,
        memberOverKeyP50: Number((memberFigures.p50 / key.p50).toFixed(2)),
        memberOverAdminP50: Number((memberFigures.p50 / adminFigures.p50).toFixed(2)),
      };
    }
    result.signInMs = percentiles(signIns, 1);
    result.hashMs = percentiles(hashes, 1);
    console.log(JSON.stringify(result));
  } finally {
    await server.stop();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
