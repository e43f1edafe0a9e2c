// A real Strapi v5 app with plugins/strapi in it. Strapi is too big for the root install, so the
// app's packages (test/strapi/app/package-lock.json) are installed into a git-ignored cache once;
// each run copies the app and the plugin into a temporary directory, builds its admin and starts it.
// The app lives outside the repository because Strapi takes any tsconfig.json above it for its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const appSource = join(root, 'test/strapi/app');
const pluginSource = join(root, 'plugins/strapi');
/** Override with STRAPI_TEST_CACHE to share one install between checkouts. */
export const cacheDir = process.env.STRAPI_TEST_CACHE ?? join(root, '.cache/strapi-test-app');
const strapiBin = (dir: string) => join(dir, 'node_modules/@strapi/strapi/bin/strapi.js');

/** Runs a command, streaming its output to ours only when it fails. */
async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${code}) in ${cwd}:\n${output.slice(-6000)}`);
}

/** A digest of files' contents (directories walked, node_modules skipped). */
async function digest(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (path: string): Promise<void> => {
    if (!existsSync(path)) return;
    const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      hash.update(relative(root, path));
      hash.update(await readFile(path));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules') continue;
      await walk(join(path, entry.name));
    }
  };
  for (const path of paths) await walk(path);
  return hash.digest('hex');
}

/** Installs the app's pinned Strapi into the cache (700 MB), unless it has this lockfile's install already. */
export async function installApp(): Promise<void> {
  const manifests = ['package.json', 'package-lock.json'];
  const wanted = await digest(manifests.map((name) => join(appSource, name)));
  const stamp = join(cacheDir, '.installed');
  if ((await readFile(stamp, 'utf8').catch(() => '')) === wanted && existsSync(strapiBin(cacheDir))) return;
  await mkdir(cacheDir, { recursive: true });
  await rm(join(cacheDir, 'node_modules'), { recursive: true, force: true });
  for (const name of manifests) await cp(join(appSource, name), join(cacheDir, name));
  // No install scripts: better-sqlite3 (the only native one) comes from the root install, built already.
  await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], cacheDir);
  await writeFile(stamp, wanted);
}

/**
 * A fresh copy of the app in a temporary directory: its config and code, the plugin where
 * `resolve` finds it, and the cached packages, `media-library` and the plugin's package name.
 */
export async function prepareApp(): Promise<string> {
  const appDir = await mkdtemp(join(tmpdir(), 'media-library-strapi-'));
  for (const name of ['config', 'src', 'package.json', 'favicon.png']) {
    await cp(join(appSource, name), join(appDir, name), { recursive: true });
  }
  const plugin = join(appDir, 'src/plugins/media-library');
  await cp(pluginSource, plugin, { recursive: true, filter: (path) => !path.includes('node_modules') });
  await symlink(join(cacheDir, 'node_modules'), join(appDir, 'node_modules'), 'dir');
  // As after `npm install media-library @media-library/strapi` (the provider is found by package name),
  // and the repository's better-sqlite3 for Strapi's SQLite client.
  const links: Array<[string, string]> = [
    [join(cacheDir, 'node_modules/better-sqlite3'), join(root, 'node_modules/better-sqlite3')],
    [join(cacheDir, 'node_modules/media-library'), root],
    [join(cacheDir, 'node_modules/@media-library/strapi'), pluginSource],
  ];
  for (const [link, target] of links) {
    await rm(link, { recursive: true, force: true });
    await mkdir(join(link, '..'), { recursive: true });
    await symlink(target, link, 'dir');
  }
  return appDir;
}

/** Builds the admin (about a minute, 2 GB), with the element bundle and the token endpoint it uses. */
export async function buildApp(appDir: string): Promise<void> {
  if (!existsSync(join(root, 'dist/token-endpoint/index.js'))) {
    await run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      root,
    );
  }
  if (!existsSync(join(root, 'dist/media-library.js'))) await run('npm', ['run', 'build:browser'], root);
  await run(process.execPath, [strapiBin(appDir), 'build'], appDir, { NODE_ENV: 'production' });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface StrapiApp {
  url: string;
  /** The server's output so far (for failure messages). */
  log(): string;
  /** Stops the server; the caller removes the app directory. */
  stop(): Promise<void>;
}

const secret = () => createHash('sha256').update(Math.random().toString()).digest('base64');

/** Starts `strapi start` on a fresh SQLite database and waits until it answers. */
export async function startApp(appDir: string, env: Record<string, string>): Promise<StrapiApp> {
  const port = await freePort();
  const dataDir = join(appDir, '.tmp');
  await mkdir(dataDir, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [strapiBin(appDir), 'start'], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_KEYS: `${secret()},${secret()}`,
      ADMIN_JWT_SECRET: secret(),
      API_TOKEN_SALT: secret(),
      TRANSFER_TOKEN_SALT: secret(),
      JWT_SECRET: secret(),
      ENCRYPTION_KEY: secret(),
      DATABASE_FILENAME: join(dataDir, 'data.db'),
      STRAPI_TELEMETRY_DISABLED: 'true',
      BROWSER: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Strapi exited (${child.exitCode}):\n${output.slice(-6000)}`);
    const health = await fetch(`${url}/_health`).catch(() => undefined);
    if (health?.status === 204) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`Strapi did not start in 2 minutes:\n${output.slice(-6000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
