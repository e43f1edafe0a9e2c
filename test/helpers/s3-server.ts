import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts s3rver, an S3-compatible server written for Node, in a process of its own: it encrypts
 * listing continuation tokens with DES, which Node 20's OpenSSL offers only behind
 * --openssl-legacy-provider, and it should not share a test's or a benchmark's event loop.
 */
export async function startS3Server(): Promise<{ endpoint: string; stop(): void }> {
  const directory = await mkdtemp(join(tmpdir(), 'media-library-s3-'));
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--input-type=module',
      '-e',
      `import S3rver from 's3rver';
       const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)} });
       const { port } = await server.run();
       console.log('port ' + port);
       process.stdin.on('end', () => process.exit(0));
       process.stdin.resume();`,
    ],
    // Its stdin is a pipe from us: when this process ends, however it ends, s3rver does too.
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = /port (\d+)/.exec(String(line))?.[1];
  if (!port) throw new Error(`s3rver did not start: ${line}`);
  // It must not keep this process running: it ends with it.
  child.unref();
  for (const pipe of [child.stdin, child.stdout] as unknown as Array<{ unref?(): void }>) pipe.unref?.();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Synchronous, so it can run as the process exits. */
    stop() {
      child.kill();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
