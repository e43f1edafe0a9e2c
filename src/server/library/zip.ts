import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ZipFile } from 'yazl';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { FileRecord } from '../store/store.js';

/**
 * ZIPs streamed as they are written, never staged: yazl (MIT, no native code) reads one entry's
 * bytes at a time, opening its stream only when the entry's turn comes, and honours the
 * response's back-pressure. Entries are stored, not deflated: media are compressed already, and
 * storing keeps the ZIP's throughput near the disk's.
 */

/**
 * yazl checksums every byte with buffer-crc32, a JavaScript loop (about 80 MB/s on a busy core),
 * which caps a ZIP's rate; Node's own `zlib.crc32` (native, since 20.15) gives the same numbers
 * about eight times faster. It takes the library's place once, after agreeing on a sample.
 */
function useNativeCrc32(): void {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (!native) return;
  const fromYazl = createRequire(createRequire(import.meta.url).resolve('yazl'));
  const library = fromYazl('buffer-crc32') as { unsigned: (buffer: Buffer, previous?: number) => number };
  const sample = Buffer.from('media-library ZIP check');
  if (library.unsigned(sample, 12345) !== native(sample, 12345)) return;
  library.unsigned = (buffer, previous) => native(buffer, previous ?? 0);
}
useNativeCrc32();

/** One entry: its name in the archive, and how to read its bytes when its turn comes. */
export interface ZipSource {
  name: string;
  size: number;
  mtime: Date;
  open(): Promise<Readable>;
}

/**
 * An archive entry name that cannot leave the archive's folder when unpacked: `/`-separated, no
 * `..`, `.` or empty segments, no backslashes, drive letters or control characters.
 */
export function safeEntryName(raw: string): string {
  const segments = raw
    .replace(/\\/g, '/')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split('/')
    .map((s) => s.trim().replace(/^[A-Za-z]:$/, ''))
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  return segments.join('/') || 'file';
}

/** Makes entry names unique (case-insensitively, as Windows and macOS unpack): `a.jpg`, `a (2).jpg`. */
export class EntryNames {
  readonly #taken = new Set<string>();

  take(raw: string): string {
    const name = safeEntryName(raw);
    let candidate = name;
    const dot = name.lastIndexOf('.');
    const slash = name.lastIndexOf('/');
    const [stem, extension] = dot > slash + 1 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; this.#taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${extension}`;
    this.#taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** A library file as a ZIP entry named `name`. */
export const fileSource = (storage: BlobStorage, file: FileRecord, name: string): ZipSource => ({
  name,
  size: file.size,
  mtime: new Date(file.updatedAt),
  open: () => storage.read(file.blobKey),
});

/**
 * The archive of `sources`, pulled as the ZIP is read: the next batch of entries is asked for
 * only when yazl has written the ones before, so a 50k-file folder never sits in memory at once.
 * A failure (a blob gone missing) ends the stream with that error.
 */
export function streamZip(sources: AsyncIterable<ZipSource>): Readable {
  const zip = new ZipFile();
  const out = new PassThrough();
  // yazl reports a stream that could not be opened on the ZipFile itself.
  (zip as unknown as NodeJS.EventEmitter).on('error', (error: Error) => out.destroy(error));
  zip.outputStream.on('error', (error) => out.destroy(error));
  zip.outputStream.pipe(out);
  const fail = (error: unknown) => out.destroy(error as Error);
  void (async () => {
    let pending = 0;
    let wake: (() => void) | undefined;
    for await (const source of sources) {
      // Keep a bounded queue of entries ahead of the one being written.
      while (pending >= 64) await new Promise<void>((resolve) => (wake = resolve));
      pending++;
      zip.addReadStreamLazy(
        source.name,
        { size: source.size, mtime: source.mtime, compress: false },
        (callback) => {
          pending--;
          wake?.();
          wake = undefined;
          source.open().then(
            (stream) => {
              // A stream that fails while being read ends the archive with its error.
              stream.on('error', (error) => out.destroy(error));
              callback(null, stream);
            },
            (error: Error) => callback(error, undefined as unknown as Readable),
          );
        },
      );
      if (out.destroyed) return;
    }
    zip.end();
  })().catch(fail);
  return out;
}
