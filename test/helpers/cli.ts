import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `media-library <args>` from source, as `npm start` does, and waits for it to exit. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  /** Written to the command's stdin, which is then closed (`--password-stdin`). */
  input?: string,
): Promise<CliResult> {
  const child = spawnCli(args, env, input !== undefined);
  if (input !== undefined) child.stdin!.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/**
 * Spawns `media-library <args>`: from source under tsx, or `built` as `npx media-library` runs it
 * (bin/media-library.js over dist/, after `npm run build`), for figures about the shipped server.
 */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  stdin = false,
  built = false,
): ChildProcess {
  const entry = built ? ['bin/media-library.js'] : ['--import', 'tsx', 'src/server/cli.ts'];
  return spawn(process.execPath, [...entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
}

export interface RunningServer {
  child: ChildProcess;
  url: string;
  /** Everything printed before the `listening on` line. */
  banner: string;
}

/** Starts `media-library serve` and resolves once it prints `listening on …`. */
export function serveCli(
  args: string[],
  env: Record<string, string> = {},
  built = false,
): Promise<RunningServer> {
  const child = spawnCli(['serve', '--port', '0', ...args], env, false, built);
  return new Promise((resolve, reject) => {
    let banner = '';
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.stdout!.on('data', (d: Buffer) => {
      banner += d;
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (match) resolve({ child, url: match[1]!, banner });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}
