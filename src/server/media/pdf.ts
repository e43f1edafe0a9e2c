import { spawn } from 'node:child_process';
import { badRequest } from '../errors.js';

/**
 * PDF pages as pictures through the system's poppler (`pdftoppm`, Debian's `poppler-utils`),
 * when it is installed; without it PDFs get a placeholder. Only the one page asked for is
 * rendered, scaled so its longer side is `size` pixels, within a time and output bound.
 */

const timeoutMs = 20_000;
const maxPngBytes = 64 * 1024 * 1024;

let available: Promise<boolean> | undefined;

/** Whether `pdftoppm` is on the PATH; asked once per process. */
export function pdftoppmAvailable(): Promise<boolean> {
  available ??= new Promise((resolve) => {
    const child = spawn('pdftoppm', ['-v'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  return available;
}

/** What rendering a page of `size` pixels holds: poppler's raster and its PNG, with room for its own state. */
export const pdfRenderBytes = (size: number) => size * size * 4 * 2 + 32 * 1024 * 1024;

/**
 * A PNG of page `page` (from 1) of the PDF at `path`, or undefined when poppler cannot read it.
 * A page past the end is the client's 400.
 */
export function pdfPage(path: string, page: number, size: number): Promise<Buffer | undefined> {
  const args = [
    '-f',
    String(page),
    '-l',
    String(page),
    '-scale-to',
    String(size),
    '-png',
    '-singlefile',
    path,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('pdftoppm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let errors = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxPngBytes) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errors.length < 4096) errors += chunk.toString();
    });
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const pages = /last page \((\d+)\)/.exec(errors);
      if (pages) {
        reject(
          badRequest(`pg-${page}: this PDF has ${pages[1]} page${pages[1] === '1' ? '' : 's'}.`, {
            reason: 'INVALID_TRANSFORMATION',
          }),
        );
        return;
      }
      resolve(code === 0 && bytes > 0 && bytes <= maxPngBytes ? Buffer.concat(chunks) : undefined);
    });
  });
}
