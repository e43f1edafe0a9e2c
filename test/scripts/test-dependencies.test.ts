// scripts/test-dependencies.sh, which `npm test` runs first, on a PATH of fakes: nothing is
// really installed or removed. Each test builds a bin directory with the tools it wants present.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/test-dependencies.sh', import.meta.url));
const bash = spawnSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
const env = spawnSync('sh', ['-c', 'command -v env'], { encoding: 'utf8' }).stdout.trim();
const chmod = spawnSync('sh', ['-c', 'command -v chmod'], { encoding: 'utf8' }).stdout.trim();

interface Machine {
  bin: string;
  /** Every apt-get and sudo call, one line each. */
  calls(): string[];
  run(extraEnv?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'test-dependencies-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tool(bin: string, name: string, body: string): void {
  writeFileSync(join(bin, name), `#!${bash}\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

/**
 * A machine whose PATH is only the fakes: a user id, PHP missing the given extensions, and each
 * listed tool. PostgreSQL, Redis and WordPress are given by the environment, as a user may.
 */
function machine(options: {
  uid: number;
  tools: string[];
  /** PHP's missing extensions, space-separated (`''`: none); no PHP when left out. */
  missingPhpExtensions?: string;
  chromium?: boolean;
  sudo?: 'none' | 'password' | 'passwordless';
  aptGet?: 'installs' | 'installs nothing' | 'none';
}): Machine {
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  mkdirSync(bin);
  for (const [name, target] of [
    ['bash', bash],
    ['env', env],
  ] as const) {
    tool(bin, name, `exec ${target} "$@"`);
  }
  tool(bin, 'id', `echo ${options.uid}`);
  tool(bin, 'true', 'exit 0');
  for (const name of options.tools) tool(bin, name, 'exit 0');
  if (options.missingPhpExtensions !== undefined) {
    tool(bin, 'php', `printf '${options.missingPhpExtensions.split(' ').filter(Boolean).join('\\n')}\\n'`);
  }
  const chromium = join(dir, 'chromium');
  if (options.chromium !== false) tool(dir, 'chromium', 'exit 0');
  if (options.sudo === 'password') tool(bin, 'sudo', `echo "sudo $*" >> ${log}; exit 1`);
  if (options.sudo === 'passwordless') {
    tool(bin, 'sudo', `echo "sudo $*" >> ${log}; [ "$1" = -n ] && shift; exec "$@"`);
  }
  const aptGet = options.aptGet ?? 'installs';
  if (aptGet !== 'none') {
    // Installing a package puts a command of its name on the PATH, which is what the script checks.
    const install =
      aptGet === 'installs'
        ? `for p in "$@"; do case "$p" in -*|install) ;; *) printf '#!/bin/sh\\n' > ${bin}/$p; ${chmod} +x ${bin}/$p ;; esac; done`
        : '';
    tool(
      bin,
      'apt-get',
      `echo "apt-get $* DEBIAN_FRONTEND=\${DEBIAN_FRONTEND:-}" >> ${log}\n[ "$1" = install ] && { ${install || ':'}; }\nexit 0`,
    );
  }
  return {
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    run: (extraEnv = {}) => {
      const result = spawnSync(script, {
        encoding: 'utf8',
        env: {
          PATH: bin,
          CHROMIUM_PATH: chromium,
          MEDIA_LIBRARY_TEST_POSTGRES: 'postgres://postgres@127.0.0.1:1/postgres',
          MEDIA_LIBRARY_TEST_REDIS: 'redis://127.0.0.1:1',
          WORDPRESS_SOURCE: join(dir, 'wordpress'),
          ...extraEnv,
        },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

// pdftoppm comes in poppler-utils: its fake is a present tool, as installing cannot name it.
const present = ['ffmpeg', 'mariadbd', 'pdftoppm', 'redis-server'];

describe('scripts/test-dependencies.sh', () => {
  it('exits at once and says nothing when everything is installed (this machine)', () => {
    const started = performance.now();
    const result = spawnSync(script, { encoding: 'utf8' });
    const elapsed = performance.now() - started;
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, '');
    assert.equal(result.status, 0);
    assert.ok(elapsed < 3000, `took ${Math.round(elapsed)} ms`);
  });

  it('says nothing on a machine of fakes that has everything', () => {
    const result = machine({ uid: 1000, tools: present, missingPhpExtensions: '' }).run();
    assert.deepEqual(result, { status: 0, stdout: '', stderr: '' });
  });

  it('without root or sudo, stops with one line naming the apt-get command for what is missing', () => {
    const box = machine({
      uid: 1000,
      tools: ['mariadbd', 'redis-server', 'pdftoppm'],
      missingPhpExtensions: 'mbstring mysqli',
    });
    const result = box.run();
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'npm test needs system packages; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ffmpeg php-mbstring php-mysql\n',
    );
    assert.deepEqual(box.calls(), [], 'nothing was installed');
  });

  it('treats sudo that asks for a password as no sudo', () => {
    const box = machine({
      uid: 1000,
      tools: present,
      missingPhpExtensions: '',
      chromium: false,
      sudo: 'password',
    });
    const result = box.run();
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^npm test needs system packages; run: .*install -y --no-install-recommends chromium\n$/,
    );
    assert.deepEqual(box.calls(), ['sudo -n true']);
  });

  it('names poppler-utils when pdftoppm (PDF pages) is missing', () => {
    const result = machine({
      uid: 1000,
      tools: ['ffmpeg', 'mariadbd', 'redis-server'],
      missingPhpExtensions: '',
    }).run();
    assert.match(result.stderr, / --no-install-recommends poppler-utils\n$/);
  });

  it('names PHP and every extension when there is no PHP at all', () => {
    const result = machine({ uid: 1000, tools: present }).run();
    assert.match(
      result.stderr,
      / --no-install-recommends php-cli php-mysql php-curl php-xml php-mbstring\n$/,
    );
  });

  it("finds Debian's mariadbd in /usr/sbin, which is not on a user's PATH", () => {
    // This machine has MariaDB from Debian (the script installed it before this suite).
    const box = machine({
      uid: 1000,
      tools: ['ffmpeg', 'redis-server', 'pdftoppm'],
      missingPhpExtensions: '',
    });
    assert.deepEqual(box.run(), { status: 0, stdout: '', stderr: '' });
  });

  it('names PostgreSQL and Redis only when no test servers are given', () => {
    const box = machine({ uid: 1000, tools: ['ffmpeg', 'mariadbd', 'pdftoppm'], missingPhpExtensions: '' });
    assert.equal(box.run().status, 0);
    const result = box.run({ MEDIA_LIBRARY_TEST_REDIS: '' });
    assert.match(result.stderr, / --no-install-recommends redis-server\n$/);
  });

  it('as root, installs what is missing with apt-get and then says nothing more', () => {
    const box = machine({
      uid: 0,
      tools: ['mariadbd', 'redis-server', 'pdftoppm'],
      missingPhpExtensions: '',
    });
    const result = box.run();
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'Installing what npm test needs: ffmpeg\n');
    assert.deepEqual(box.calls(), [
      'apt-get update -qq DEBIAN_FRONTEND=',
      'apt-get install -y -qq --no-install-recommends ffmpeg DEBIAN_FRONTEND=noninteractive',
    ]);
  });

  it('installs through sudo when it needs no password', () => {
    const box = machine({
      uid: 1000,
      tools: ['ffmpeg', 'mariadbd', 'pdftoppm'],
      missingPhpExtensions: '',
      sudo: 'passwordless',
    });
    const result = box.run({ MEDIA_LIBRARY_TEST_POSTGRES: '' });
    // PostgreSQL is looked for under /usr/lib/postgresql, which a fake cannot hide: whether it is
    // listed depends on this machine, Redis is missing on the fake PATH whatever happens.
    assert.equal(result.status, 0, result.stderr);
    assert.match(box.calls().join('\n'), /^sudo -n true\nsudo -n apt-get update -qq\napt-get update -qq/);
    assert.match(
      box.calls().at(-1)!,
      /^apt-get install -y -qq --no-install-recommends (postgresql )?redis-server DEBIAN_FRONTEND=noninteractive$/,
    );
  });

  it('fails, saying so, when apt-get did not provide what was missing', () => {
    const box = machine({
      uid: 0,
      tools: present,
      missingPhpExtensions: 'dom',
      aptGet: 'installs nothing',
    });
    const result = box.run();
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      'Installing what npm test needs: php-xml\nStill missing after apt-get install: php-xml\n',
    );
  });

  it('without apt-get, lists the Debian packages to find equivalents of', () => {
    const result = machine({ uid: 0, tools: present, missingPhpExtensions: 'curl', aptGet: 'none' }).run();
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      "npm test needs these Debian packages or your system's equivalents: php-curl\n",
    );
  });
});
