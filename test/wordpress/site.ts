// A real WordPress for the plugin's tests: MariaDB on a private socket, PHP's built-in server,
// the install completed over HTTP, the plugin activated by a PHP CLI script. The database and
// site files are cached in .wordpress-test/ (git-ignored), so a warm run only starts processes.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cacheDir = join(repoRoot, '.wordpress-test');
export const pluginDir = join(repoRoot, 'plugins/wordpress');
/** Bump when the cached site's layout changes, so stale caches are rebuilt. */
const layoutVersion = 2;

export const users = {
  admin: { login: 'admin', password: 'admin-password-1', role: 'administrator' },
  editor: { login: 'editor', password: 'editor-password-1', role: 'editor' },
  contributor: { login: 'contributor', password: 'contributor-password-1', role: 'contributor' },
  subscriber: { login: 'subscriber', password: 'subscriber-password-1', role: 'subscriber' },
} as const;
export type UserName = keyof typeof users;

export interface WordPressSite {
  url: string;
  version: string;
  dir: string;
  /** Runs PHP with WordPress loaded (`$argv[1]` onward are `args`); answers stdout. */
  php(code: string, ...args: string[]): Promise<string>;
  /** Lines of the PHP debug log written since the site started. */
  debugLog(): Promise<string[]>;
  close(): Promise<void>;
}

export interface SiteOptions {
  /** A WordPress source tree; Debian's package by default. */
  source?: string;
}

/** Starts MariaDB (shared by all sites) and one WordPress site, setting up what the cache lacks. */
export async function startWordPress(options: SiteOptions = {}): Promise<WordPressSite> {
  const source = options.source ?? process.env.WORDPRESS_SOURCE ?? '/usr/share/wordpress';
  const version = await wordpressVersion(source);
  const database = await startMariaDb();
  const dbName = `wp_${version.replace(/\W/g, '_')}`;
  await database.sql(`CREATE DATABASE IF NOT EXISTS ${dbName} CHARACTER SET utf8mb4`);
  const dir = join(cacheDir, 'sites', version);
  await prepareSiteFiles(source, dir, dbName, database.socket);
  const logFile = join(dir, 'debug.log');
  await writeFile(logFile, '');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', dir], {
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: the workers outlive a signal to the parent alone.
    detached: true,
  });
  let serverOutput = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    serverOutput = (serverOutput + chunk.toString()).slice(-4000);
  });
  const php = async (code: string, ...args: string[]) => {
    const script = join(dir, `.cli-${process.pid}-${Math.random().toString(36).slice(2)}.php`);
    await writeFile(
      script,
      `<?php\n$_SERVER['HTTP_HOST'] = '127.0.0.1:${port}';\nrequire ${JSON.stringify(join(dir, 'wp-load.php'))};\n${code}\n`,
    );
    try {
      const { stdout } = await run('php', [script, ...args], { maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } finally {
      await rm(script, { force: true });
    }
  };
  const close = async () => {
    if (server.exitCode === null && server.pid) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    await database.release();
  };
  try {
    await waitFor(
      async () => (await fetch(`${url}/wp-login.php`).catch(() => undefined))?.status !== undefined,
      'php -S did not start',
      () => serverOutput,
    );
    await install(url, php);
    return {
      url,
      version,
      dir,
      php,
      debugLog: async () => (await readFile(logFile, 'utf8')).split('\n').filter(Boolean),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function wordpressVersion(source: string): Promise<string> {
  const text = await readFile(join(source, 'wp-includes/version.php'), 'utf8');
  const match = /\$wp_version\s*=\s*'([^']+)'/.exec(text);
  if (!match) throw new Error(`No $wp_version in ${source}/wp-includes/version.php`);
  return match[1]!;
}

/** A copy of WordPress with our wp-config.php, the plugin linked in, and a minimal theme. */
async function prepareSiteFiles(source: string, dir: string, dbName: string, socket: string): Promise<void> {
  const marker = join(dir, '.media-library-site');
  const expected = JSON.stringify({ layoutVersion, source, dbName, socket });
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === expected) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(source, dir, {
    recursive: true,
    dereference: false,
    filter: (path) => !/(^|\/)(wp-config\.php|\.htaccess)$/.test(path.slice(source.length)),
  });
  await writeFile(join(dir, 'wp-config.php'), wpConfig(dbName, socket, join(dir, 'debug.log')));
  const plugins = join(dir, 'wp-content/plugins');
  await mkdir(plugins, { recursive: true });
  await rm(join(plugins, 'media-library'), { recursive: true, force: true });
  await symlink(pluginDir, join(plugins, 'media-library'));
  // Pages use the classic editor, so both editors can be driven on one site.
  const muPlugins = join(dir, 'wp-content/mu-plugins');
  await mkdir(muPlugins, { recursive: true });
  await writeFile(
    join(muPlugins, 'classic-pages.php'),
    "<?php\nadd_filter( 'use_block_editor_for_post_type', static fn( $use, $type ) => 'page' === $type ? false : $use, 10, 2 );\n",
  );
  // Debian ships no theme; the editor and front end need one.
  const theme = join(dir, 'wp-content/themes/ml-test');
  await mkdir(theme, { recursive: true });
  await writeFile(join(theme, 'style.css'), '/*\nTheme Name: ML Test\n*/\n');
  await writeFile(
    join(theme, 'index.php'),
    '<?php wp_head(); while ( have_posts() ) { the_post(); the_content(); } wp_footer();\n',
  );
  await writeFile(marker, expected);
}

function wpConfig(dbName: string, socket: string, logFile: string): string {
  const php = (value: string) => `'${value.replace(/[\\']/g, '\\$&')}'`;
  return `<?php
define( 'DB_NAME', ${php(dbName)} );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', ${php(`localhost:${socket}`)} );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $name ) {
	define( $name, 'media-library-test-' . $name );
}
// The port changes from run to run: the site is wherever it was asked for.
define( 'WP_HOME', 'http://' . ( $_SERVER['HTTP_HOST'] ?? '127.0.0.1' ) );
define( 'WP_SITEURL', WP_HOME );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', ${php(logFile)} );
define( 'WP_DEBUG_DISPLAY', false );
define( 'SCRIPT_DEBUG', false );
// No network here: no update checks, no cron requests.
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'DISABLE_WP_CRON', true );
define( 'WP_DEFAULT_THEME', 'ml-test' );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;
}

/** Completes the install over HTTP (as a person would), then activates the plugin and adds users. */
async function install(url: string, php: WordPressSite['php']): Promise<void> {
  const installed = (await php("echo is_blog_installed() ? 'yes' : 'no';")).trim() === 'yes';
  if (!installed) {
    const body = new URLSearchParams({
      weblog_title: 'Media Library Test',
      user_name: users.admin.login,
      admin_password: users.admin.password,
      admin_password2: users.admin.password,
      pw_weak: '1',
      admin_email: 'admin@example.com',
      blog_public: '0',
      language: '',
    });
    const response = await fetch(`${url}/wp-admin/install.php?step=2`, { method: 'POST', body });
    const text = await response.text();
    if (!response.ok || !/Success!|wp-login\.php/.test(text)) {
      throw new Error(`The WordPress install failed (${response.status}): ${text.slice(0, 500)}`);
    }
  }
  const setup = `
switch_theme( 'ml-test' );
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$activated = activate_plugin( 'media-library/media-library.php' );
if ( is_wp_error( $activated ) ) { fwrite( STDERR, $activated->get_error_message() ); exit( 1 ); }
foreach ( json_decode( $argv[1], true ) as $user ) {
	$existing = get_user_by( 'login', $user['login'] );
	$id = $existing ? $existing->ID : wp_create_user( $user['login'], $user['password'], $user['login'] . '@example.com' );
	wp_set_password( $user['password'], $id );
	( new WP_User( $id ) )->set_role( $user['role'] );
}
// Skip the block editor's welcome guide.
foreach ( get_users() as $user ) {
	update_user_meta( $user->ID, 'wp_persisted_preferences', array( 'core/edit-post' => array( 'welcomeGuide' => false ), '_modified' => gmdate( 'c' ) ) );
}
echo 'ok';
`;
  const answer = await php(setup, JSON.stringify(Object.values(users)));
  if (answer.trim() !== 'ok') throw new Error(`WordPress setup said: ${answer}`);
}

interface MariaDb {
  socket: string;
  sql(statement: string): Promise<string>;
  release(): Promise<void>;
}

let shared: { db: MariaDb; users: number; process: ChildProcess } | undefined;

/** One MariaDB for the test process, on a socket only (no TCP port to collide with). */
async function startMariaDb(): Promise<MariaDb> {
  if (shared) {
    shared.users++;
    return shared.db;
  }
  const dataDir = join(cacheDir, 'mariadb');
  // Unix socket paths are limited to about 100 bytes; a deep checkout puts it in the temp dir.
  const cacheSocket = join(cacheDir, 'mysqld.sock');
  const socket =
    cacheSocket.length < 100
      ? cacheSocket
      : join(tmpdir(), `media-library-wp-${process.getuid?.() ?? 0}.sock`);
  const pidFile = join(cacheDir, 'mysqld.pid');
  await stopLeftoverMariaDb(pidFile);
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  if (!existsSync(join(dataDir, 'mysql'))) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
    await run('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...asRoot,
    ]);
  }
  await rm(socket, { force: true });
  const child = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--pid-file=${pidFile}`,
      `--log-error=${join(cacheDir, 'mysqld.log')}`,
      '--skip-networking',
      '--innodb-buffer-pool-size=64M',
      '--innodb-flush-log-at-trx-commit=2',
      ...asRoot,
    ],
    // Debian installs mariadbd in /usr/sbin, which is not on a user's PATH.
    { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } },
  );
  const sql = async (statement: string) =>
    (await run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-N', '-e', statement])).stdout;
  await waitFor(
    () =>
      sql('SELECT 1').then(
        () => true,
        () => false,
      ),
    'MariaDB did not start',
    () => `see ${join(cacheDir, 'mysqld.log')}`,
  );
  const db: MariaDb = {
    socket,
    sql,
    async release() {
      if (!shared || --shared.users > 0) return;
      const { process: mariadb } = shared;
      shared = undefined;
      const exited = new Promise((resolve) => mariadb.once('exit', resolve));
      mariadb.kill('SIGTERM');
      await exited;
    },
  };
  shared = { db, users: 1, process: child };
  return db;
}

/** A MariaDB left running on this cache by a test run that was killed holds the data directory's locks. */
async function stopLeftoverMariaDb(pidFile: string): Promise<void> {
  const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!command.includes('mariadbd') || !command.includes(cacheDir)) return;
  process.kill(pid, 'SIGTERM');
  await waitFor(
    async () => !alive(),
    'A MariaDB left running by an earlier run did not stop',
    () => `pid ${pid}`,
  );
}

async function waitFor(ready: () => Promise<boolean>, what: string, detail: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} within a minute: ${detail()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
