import '../i18n/en-lifecycle.js';
import '../i18n/en-duplicates.js';
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
  /** For a near duplicate (an image that looks the same): the bits of 64 its pHash differs in. */
  distance?: number;
}

/**
 * The DCT pHash the server computes (src/server/media/metadata.ts), from the browser's own 32×32
 * scaling: a few bits may differ from the server's, well inside the near-duplicate distance.
 */
export async function perceptualHash(blob: Blob): Promise<string | undefined> {
  if (!blob.type.startsWith('image/') || blob.type === 'image/svg+xml') return undefined;
  const n = 32;
  const bitmap = await createImageBitmap(blob, { resizeWidth: n, resizeHeight: n, resizeQuality: 'high' });
  const canvas = new OffscreenCanvas(n, n);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, n, n).data;
  const grey = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    grey[i] = Math.round(0.2126 * rgba[i * 4]! + 0.7152 * rgba[i * 4 + 1]! + 0.0722 * rgba[i * 4 + 2]!);
  }
  const cos = Array.from({ length: 8 }, (_, u) =>
    Array.from({ length: n }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n))),
  );
  const coefficients: number[] = [];
  for (let u = 0; u < 8; u++) {
    for (let v = 0; v < 8; v++) {
      let sum = 0;
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) sum += grey[y * n + x]! * cos[u]![x]! * cos[v]![y]!;
      coefficients.push(sum);
    }
  }
  const ac = coefficients.slice(1);
  const median = [...ac].sort((a, b) => a - b)[Math.floor(ac.length / 2)]!;
  let hex = '';
  for (let i = 0; i < 64; i += 4) {
    let nibble = 0;
    for (let j = 0; j < 4; j++) nibble = (nibble << 1) | (coefficients[i + j]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
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
    const pHashes = await Promise.all(local.map((f) => perceptualHash(f.data).catch(() => undefined)));
    const rows: DuplicateRow<F>[] = [];
    for (let start = 0; start < local.length; start += 100) {
      const batch = [...new Set(hashes.slice(start, start + 100))];
      const images = [
        ...new Set(pHashes.slice(start, start + 100).filter((p): p is string => p !== undefined)),
      ];
      const { matches, near = {} } = await client.request<{
        matches: Record<string, MediaFile[]>;
        near?: Record<string, Array<{ file: MediaFile; distance: number }>>;
      }>('POST', '/_ml/duplicates', {
        json: { hashes: batch, ...(images.length > 0 && { pHashes: images }) },
      });
      local.slice(start, start + 100).forEach((file, i) => {
        const existing = matches[hashes[start + i]!]?.[0];
        const pHash = pHashes[start + i];
        const similar = pHash ? near[pHash]?.[0] : undefined;
        if (existing) rows.push({ file, existing, choice: 'keep-both' });
        else if (similar)
          rows.push({ file, existing: similar.file, choice: 'keep-both', distance: similar.distance });
      });
    }
    return rows;
  } catch {
    return [];
  }
}

/**
 * The choice for each duplicate, in the style of the name conflicts: the existing file's thumbnail,
 * a select per file and one for all; `allowed` leaves out what the library's upload rules forbid.
 */
export function duplicatesTemplate<F extends { name?: string }>(
  l: Localizer,
  rows: DuplicateRow<F>[],
  set: (index: number | undefined, choice: DuplicateChoice) => void,
  allowed: readonly DuplicateChoice[] = ['keep-both', 'use-existing', 'replace'],
): TemplateResult {
  const label = (choice: DuplicateChoice) =>
    l.t(
      choice === 'use-existing' ? 'dupUseExisting' : choice === 'replace' ? 'dupReplace' : 'conflictKeepBoth',
    );
  const options = (selected: DuplicateChoice | '') =>
    allowed.map(
      (choice) => html`<option value=${choice} ?selected=${choice === selected}>${label(choice)}</option>`,
    );
  const all = rows.every((r) => r.choice === rows[0]?.choice) ? (rows[0]?.choice ?? '') : '';
  return html`<div class="conflicts duplicates" role="group" aria-labelledby="duplicates-title">
    <p id="duplicates-title">${l.t('duplicatesFound')}</p>
    ${
      rows.length > 1
        ? html`<label class="conflict"><span>${l.t('dupApplyAll')}</span>
            <select name="duplicate-all" @change=${(e: Event) => set(undefined, (e.target as HTMLSelectElement).value as DuplicateChoice)}>
              <option value="" ?selected=${all === ''} disabled></option>
              ${options(all)}
            </select></label>`
        : ''
    }
    ${rows.map(
      (row, index) => html`<label class="conflict">
        <img src=${row.existing.thumbnail} alt="" width="32" height="32" />
        <span>${
          row.distance === undefined
            ? l.t('duplicateOf', { name: row.file.name ?? '', path: row.existing.filePath })
            : l.t('duplicateNearOf', { name: row.file.name ?? '', path: row.existing.filePath })
        }</span>
        <select name="duplicate" data-file=${row.file.name ?? ''}
          @change=${(e: Event) => set(index, (e.target as HTMLSelectElement).value as DuplicateChoice)}>
          ${options(row.choice)}
        </select>
      </label>`,
    )}
  </div>`;
}
