import { transferFile } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { enEdit } from '../i18n/en-edit.js';
import { addEnglish, type Localizer } from '../i18n/localize.js';
import type { LibraryHost } from '../state/library-host.js';
import { takenNames } from '../state/upload-conflicts.js';
import { toMediaError } from './media-error.js';

addEnglish(enEdit);

/** What a batch did: how many went through, and which failed with the server's reason. */
export interface Outcome {
  done: number;
  failed: Array<{ name: string; message: string }>;
}

/** Runs `step` on each item in turn (the server's write limits apply per call), reporting progress; failures do not stop the rest. */
export async function runEach<T>(
  items: T[],
  name: (item: T) => string,
  step: (item: T) => Promise<unknown>,
  progress: (done: number, total: number) => void,
): Promise<Outcome> {
  const outcome: Outcome = { done: 0, failed: [] };
  progress(0, items.length);
  for (const [index, item] of items.entries()) {
    try {
      await step(item);
      outcome.done++;
    } catch (error) {
      outcome.failed.push({ name: name(item), message: toMediaError(error).message });
    }
    progress(index + 1, items.length);
  }
  return outcome;
}

/** `Moved 2 files to /a. 1 failed: b.png (why). 1 skipped, already there: c.png`. */
export function summary(
  l: Localizer,
  done: 'moved' | 'copiedTo' | 'deleted' | 'updated',
  outcome: Outcome,
  folder = '',
  skipped: MediaFile[] = [],
): string {
  const failed = outcome.failed.length
    ? ` ${l.t('failedCount', {
        count: outcome.failed.length,
        names: outcome.failed.map((f) => `${f.name} (${f.message})`).join(', '),
      })}`
    : '';
  const left = skipped.length
    ? ` ${l.t('skippedCount', { count: skipped.length, names: skipped.map((f) => f.name).join(', ') })}`
    : '';
  return `${l.t(done, { count: outcome.done, folder })}${failed}${left}`;
}

/** Moves or copies files into `folder` (`/a/b`), one call each. */
export function transferFiles(
  client: MediaClient,
  how: 'move' | 'copy',
  files: MediaFile[],
  folder: string,
  progress: (done: number, total: number) => void,
): Promise<Outcome> {
  return runEach(
    files,
    (f) => f.name,
    (f) => transferFile(client, how, f.filePath, folder),
    progress,
  );
}

/**
 * Moves or copies dropped files and says how it went in the element's notice. A drop cannot ask,
 * so files whose names the folder already has are skipped (and named); the dialog asks.
 */
export async function transferDropped(
  host: LibraryHost,
  client: MediaClient,
  how: 'move' | 'copy',
  files: MediaFile[],
  folder: string,
): Promise<void> {
  const l = host.l10n;
  const taken = await takenNames(
    client,
    folder,
    files.map((f) => f.name),
  );
  const skipped = files.filter((f) => taken.has(f.name));
  const outcome = await transferFiles(
    client,
    how,
    files.filter((f) => !taken.has(f.name)),
    folder,
    (done, total) => host.notify(l.t('progress', { done, total })),
  );
  await host.changed(
    undefined,
    undefined,
    summary(l, how === 'move' ? 'moved' : 'copiedTo', outcome, folder, skipped),
  );
}
