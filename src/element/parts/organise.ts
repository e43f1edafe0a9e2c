import { transferFile } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { enEdit } from '../i18n/en-edit.js';
import { addEnglish, type Localizer } from '../i18n/localize.js';
import type { LibraryHost } from '../state/library-host.js';
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

/** `Moved 2 files to /a. 1 failed: b.png (why)`. */
export function summary(
  l: Localizer,
  done: 'moved' | 'copiedTo' | 'deleted' | 'updated',
  outcome: Outcome,
  folder = '',
): string {
  const failed = outcome.failed.length
    ? ` ${l.t('failedCount', {
        count: outcome.failed.length,
        names: outcome.failed.map((f) => `${f.name} (${f.message})`).join(', '),
      })}`
    : '';
  return `${l.t(done, { count: outcome.done, folder })}${failed}`;
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

/** Every folder at or below `root` (`/a`), breadth first, at most `limit`. */
export async function folderPaths(client: MediaClient, root: string, limit = 500): Promise<string[]> {
  const found = [root];
  for (let i = 0; i < found.length && found.length < limit; i++) {
    const children = await client.listAssets({ path: found[i], type: 'folder', limit: 1000 });
    for (const child of children) if (child.type === 'folder') found.push(child.folderPath);
  }
  return found.slice(0, limit);
}

/** Moves or copies dropped files and says how it went in the element's notice. */
export async function transferDropped(
  host: LibraryHost,
  client: MediaClient,
  how: 'move' | 'copy',
  files: MediaFile[],
  folder: string,
): Promise<void> {
  const l = host.l10n;
  const outcome = await transferFiles(client, how, files, folder, (done, total) =>
    host.notify(l.t('progress', { done, total })),
  );
  await host.changed(
    undefined,
    undefined,
    summary(l, how === 'move' ? 'moved' : 'copiedTo', outcome, folder),
  );
}
