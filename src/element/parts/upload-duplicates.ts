import '../i18n/en-lifecycle.js';
import { html, type TemplateResult } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import type { Localizer } from '../i18n/localize.js';

/** What to do with an upload whose bytes the library has already. */
export type DuplicateChoice = 'use-existing' | 'keep-both' | 'replace';

export interface DuplicateRow<F> {
  file: F;
  /** The file in the library with the same bytes (the oldest, when there are several). */
  existing: MediaFile;
  choice: DuplicateChoice;
}

/** Files larger than this are not hashed in the browser (reading them whole would cost too much memory). */
const maxHashedBytes = 64 * 1024 * 1024;

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The added files whose bytes are in the library already (`POST /_ml/duplicates` with their
 * SHA-256), each with the file it duplicates and "keep both" chosen until the user says otherwise;
 * none on a backend without duplicate lookups (ImageKit itself).
 */
export async function findDuplicates<F extends { data: unknown }>(
  client: MediaClient,
  files: F[],
): Promise<DuplicateRow<F>[]> {
  const local = files.filter(
    (f): f is F & { data: Blob } =>
      f.data instanceof Blob && f.data.size > 0 && f.data.size <= maxHashedBytes,
  );
  if (local.length === 0) return [];
  try {
    const hashes = await Promise.all(local.map((f) => sha256(f.data)));
    const rows: DuplicateRow<F>[] = [];
    for (let start = 0; start < local.length; start += 100) {
      const batch = [...new Set(hashes.slice(start, start + 100))];
      const { matches } = await client.request<{ matches: Record<string, MediaFile[]> }>(
        'POST',
        '/_ml/duplicates',
        {
          json: { hashes: batch },
        },
      );
      local.slice(start, start + 100).forEach((file, i) => {
        const existing = matches[hashes[start + i]!]?.[0];
        if (existing) rows.push({ file, existing, choice: 'keep-both' });
      });
    }
    return rows;
  } catch {
    return [];
  }
}

/** The choice for each duplicate, in the style of the name conflicts: the existing file's thumbnail and a select. */
export function duplicatesTemplate<F extends { name?: string }>(
  l: Localizer,
  rows: DuplicateRow<F>[],
  set: (index: number, choice: DuplicateChoice) => void,
): TemplateResult {
  const label = (choice: DuplicateChoice) =>
    l.t(
      choice === 'use-existing'
        ? 'dupUseExisting'
        : choice === 'replace'
          ? 'conflictReplace'
          : 'conflictKeepBoth',
    );
  return html`<div class="conflicts duplicates" role="group" aria-labelledby="duplicates-title">
    <p id="duplicates-title">${l.t('duplicatesFound')}</p>
    ${rows.map(
      (row, index) => html`<label class="conflict">
        <img src=${row.existing.thumbnail} alt="" width="32" height="32" />
        <span>${l.t('duplicateOf', { name: row.file.name ?? '', path: row.existing.filePath })}</span>
        <select name="duplicate" data-file=${row.file.name ?? ''}
          @change=${(e: Event) => set(index, (e.target as HTMLSelectElement).value as DuplicateChoice)}>
          ${(['keep-both', 'use-existing', 'replace'] as const).map(
            (choice) =>
              html`<option value=${choice} ?selected=${choice === row.choice}>${label(choice)}</option>`,
          )}
        </select>
      </label>`,
    )}
  </div>`;
}
