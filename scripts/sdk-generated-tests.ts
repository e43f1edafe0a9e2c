// Runs @imagekit/nodejs's own generated tests (`tests/api-resources`, Stainless, written for a mock
// server and skipped there) against this server, un-skipped, with real ids in place of their
// placeholders. None of the SDK's code is copied into this repository: the tests are read from a
// checkout of github.com/imagekit-developer/imagekit-nodejs (a work tree or a bare git directory)
// into .cache/ (git-ignored), rewritten there and run with a small stand-in for jest's
// describe/test/expect. Every test gets a fresh server (on the same port) seeded with the files,
// folders and settings its placeholders stand for, so tests cannot disturb one another.
//
//   node --import tsx scripts/sdk-generated-tests.ts <imagekit-nodejs checkout> [--server <repo root>]
//
// `--server` runs the tests against another checkout's src/server (to compare with main); it
// prints one line per test and a summary: `passed N of M`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keys = { publicKey: 'public_sdk_tests', privateKey: 'private_sdk_tests' };

const args = process.argv.slice(2);
const serverAt = args.includes('--server') ? resolve(args[args.indexOf('--server') + 1]!) : root;
const sdk = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--server');
if (!sdk) {
  console.error(
    'usage: node --import tsx scripts/sdk-generated-tests.ts <imagekit-nodejs checkout> [--server <repo>]',
  );
  process.exit(2);
}

/** The generated test files, by path under tests/api-resources, from a work tree or a git directory. */
async function readSdkTests(from: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const tree = join(from, 'tests', 'api-resources');
  if (existsSync(tree)) {
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith('.test.ts'))
          files.set(relative(tree, path), await readFile(path, 'utf8'));
      }
    };
    await walk(tree);
    return files;
  }
  const git = (...command: string[]) =>
    execFileSync('git', ['--git-dir', from, ...command], { encoding: 'utf8' });
  for (const path of git('ls-tree', '-r', '--name-only', 'HEAD', 'tests/api-resources').split('\n')) {
    if (path.endsWith('.test.ts'))
      files.set(path.slice('tests/api-resources/'.length), git('show', `HEAD:${path}`));
  }
  return files;
}

/** Placeholder literals per test file, and the `ids` property each stands for. */
const placeholders: Record<string, Record<string, string>> = {
  'files/files.test.ts': { "'fileId'": 'fileId' },
  'files/metadata.test.ts': { "'fileId'": 'fileId', "'https://example.com'": 'fileUrl' },
  'files/versions.test.ts': { "'fileId'": 'fileId', "'versionId'": 'versionId' },
  'files/bulk.test.ts': { "'598821f949c0a938d57563bd'": 'bulkA', "'598821f949c0a938d57563be'": 'bulkB' },
  'folders/job.test.ts': { "'jobId'": 'jobId' },
  'cache/invalidation.test.ts': { "'requestId'": 'purgeRequestId' },
  'custom-metadata-fields.test.ts': { "'id'": 'customMetadataFieldId' },
  'named-transformations.test.ts': { "'6bZ9x2ZUx'": 'namedTransformationId' },
  'saved-extensions.test.ts': { "'id'": 'savedExtensionId' },
  'accounts/origins.test.ts': { "'id'": 'originId' },
  'accounts/url-endpoints.test.ts': { "'id'": 'urlEndpointId', "'origin-id-1'": 'originId' },
};

function rewrite(path: string, source: string, runtime: string): string {
  let text = source
    .replaceAll('test.skip(', 'test(')
    .replace("'My Private Key'", 'process.env.SDK_TEST_PRIVATE_KEY')
    .replace(
      /baseURL: process\.env\['TEST_API_BASE_URL'\][^,\n]*/,
      "baseURL: process.env['TEST_API_BASE_URL'], maxRetries: 0",
    );
  for (const [literal, id] of Object.entries(placeholders[path] ?? {}))
    text = text.replaceAll(literal, `ids.${id}`);
  return `import { describe, test, expect, ids } from ${JSON.stringify(runtime)};\n${text}`;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

type Api = (
  path: string,
  init?: { method?: string; json?: unknown; form?: FormData },
) => Promise<Record<string, unknown>>;

/** What the placeholders stand for: made through the API of a fresh server. */
async function seed(strictApi: Api, base: string): Promise<Record<string, unknown>> {
  // A server without some resource (an older checkout) leaves its id unset: its tests fail alone.
  const api: Api = (path, init) => strictApi(path, init).catch(() => ({}));
  const image = (shade: number) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: { r: shade, g: 80, b: 120 } } })
      .jpeg()
      .toBuffer();
  const put = async (folder: string, name: string, shade = 10) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(await image(shade))], { type: 'image/jpeg' }), name);
    form.set('fileName', name);
    form.set('folder', folder);
    form.set('useUniqueFileName', 'false');
    return api('/api/v1/files/upload', { method: 'POST', form });
  };
  const first = await put('/path/to', 'file.jpg', 10);
  if (!first.fileId) throw new Error('seeding: the upload failed');
  await put('/path/to', 'file.jpg', 200);
  const bulkA = await put('/bulk', 'a.jpg');
  const bulkB = await put('/bulk', 'b.jpg');
  for (const [parent, name] of [
    ['/folder/to', 'copy'],
    ['/folder/to/copy', 'into'],
    ['/folder/to', 'move'],
    ['/folder/to/move', 'into'],
    ['/folder/to', 'delete'],
    ['/product', 'images'],
    ['/path/of', 'destination'],
    ['/path/of/destination', 'folder'],
    ['/path/of', 'folder'],
  ]) {
    await api('/v1/folder', { method: 'POST', json: { folderName: name, parentFolderPath: parent } });
  }
  await put('/path/of/source/folder', 'inside.jpg');
  const job = await api('/v1/bulkJobs/copyFolder', {
    method: 'POST',
    json: { sourceFolderPath: '/bulk', destinationPath: '/product/images' },
  });
  const purge = await api('/v1/files/purge', { method: 'POST', json: { url: `${base}/path/to/file.jpg` } });
  const field = await api('/v1/customMetadataFields', {
    method: 'POST',
    json: { name: 'size', label: 'Size', schema: { type: 'Text' } },
  });
  const named = await api('/v1/named-transformations', {
    method: 'POST',
    json: { name: 'seeded', transformation: 'w-100' },
  });
  const extension = await api('/v1/saved-extensions', {
    method: 'POST',
    json: { name: 'Seeded', description: 'seeded', config: { name: 'ai-auto-description' } },
  });
  const origin = await api('/v1/accounts/origins', {
    method: 'POST',
    json: { type: 'WEB_FOLDER', name: 'Seeded', baseUrl: 'https://example.com/images' },
  });
  const endpoint = await api('/v1/accounts/url-endpoints', {
    method: 'POST',
    json: { description: 'Seeded', urlPrefix: 'seeded' },
  });
  return {
    fileId: first.fileId,
    versionId: (first.versionInfo as { id: string } | undefined)?.id,
    fileUrl: `${base}/path/to/file.jpg`,
    bulkA: bulkA.fileId,
    bulkB: bulkB.fileId,
    jobId: job.jobId,
    purgeRequestId: purge.requestId,
    customMetadataFieldId: field.id,
    namedTransformationId: named.id,
    savedExtensionId: extension.id,
    originId: origin.id,
    urlEndpointId: endpoint.id,
  };
}

async function main(): Promise<void> {
  const { startMediaServer } = (await import(
    pathToFileURL(join(serverAt, 'src/server/index.ts')).href
  )) as typeof import('../src/server/index.js');
  const work = join(root, '.cache', 'sdk-generated-tests');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const runtime = join(work, 'runtime.mjs');
  await writeFile(runtime, runtimeSource);
  const { cases, ids, currentFile } = (await import(pathToFileURL(runtime).href)) as {
    cases: Array<{ file: string; name: string; run: () => Promise<void> }>;
    ids: Record<string, unknown>;
    currentFile: { name: string };
  };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  process.env.SDK_TEST_PRIVATE_KEY = keys.privateKey;
  process.env.TEST_API_BASE_URL = base;
  // The test modules make their client when imported: the key and address are set first.
  const tests = await readSdkTests(resolve(sdk!));
  for (const [path, source] of [...tests].sort()) {
    const target = join(work, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, rewrite(path, source, runtime));
    currentFile.name = path;
    await import(pathToFileURL(target).href);
  }

  const auth = `Basic ${Buffer.from(`${keys.privateKey}:`).toString('base64')}`;
  const api: Api = async (path, init = {}) => {
    const response = await fetch(base + path, {
      method: init.method ?? 'GET',
      headers: {
        authorization: auth,
        ...(init.json !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) throw new Error(`seeding ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  let passed = 0;
  for (const { file, name, run } of cases) {
    const dataDir = await mkdtemp(join(tmpdir(), 'sdk-generated-tests-'));
    const server = await startMediaServer({
      port,
      host: '127.0.0.1',
      dataDir,
      initialKeys: keys,
      logLevel: 'silent',
      rateLimit: false,
      urlFetch: { timeoutMs: 5000, allowPrivateNetworks: true },
    });
    try {
      for (const key of Object.keys(ids)) delete ids[key];
      Object.assign(ids, await seed(api, base));
      await run();
      passed++;
      console.log(`ok   ${file} › ${name}`);
    } catch (error) {
      console.log(`FAIL ${file} › ${name}: ${String((error as Error).message ?? error).split('\n')[0]}`);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`passed ${passed} of ${cases.length}`);
}

/** jest's describe/test/expect, as much of them as the generated tests use. */
const runtimeSource = `
export const cases = [];
export const ids = {};
export const currentFile = { name: '' };
let prefix = [];
export function describe(name, body) { prefix.push(name); try { body(); } finally { prefix.pop(); } }
export function test(name, body) {
  cases.push({ file: currentFile.name, name: [...prefix, name].join(' › '), run: async () => { await body(); } });
}
test.skip = test;
function matchers(actual, negate) {
  const check = (ok, message) => { if (ok === negate) throw new Error((negate ? 'not: ' : '') + message); };
  const throws = (error, expected) => {
    if (!expected) return true;
    if (typeof expected === 'function') return error instanceof expected;
    if (expected instanceof RegExp) return expected.test(String(error?.message));
    return String(error?.message).includes(String(expected));
  };
  return {
    toBe: (expected) => check(Object.is(actual, expected), 'expected ' + String(actual) + ' to be ' + String(expected)),
    toEqual: (expected) => check(JSON.stringify(actual) === JSON.stringify(expected), 'expected equal values'),
    toBeInstanceOf: (type) => check(actual instanceof type, 'expected an instance of ' + type.name),
    toThrow: (expected) => {
      let error;
      try { actual(); } catch (e) { error = e; }
      check(error !== undefined && throws(error, expected), 'expected a throw' + (error ? ': ' + error.message : ''));
    },
  };
}
export function expect(actual) {
  const m = matchers(actual, false);
  m.not = matchers(actual, true);
  m.rejects = {
    toThrow: async (expected) => {
      let error;
      try { await actual; } catch (e) { error = e; }
      if (error === undefined) throw new Error('expected a rejection');
      if (expected && typeof expected === 'function' && !(error instanceof expected)) {
        throw new Error('rejected with ' + error?.constructor?.name + ': ' + error?.message);
      }
    },
  };
  return m;
}
`;

await main();
process.exit(0);
