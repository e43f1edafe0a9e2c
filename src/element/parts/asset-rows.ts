import { html, nothing, type TemplateResult } from 'lit';
import type { Asset, MediaFile } from '../../shared/wire.js';
import type { AcceptTest } from '../state/accept.js';
import { fileIcon, icon } from '../styles/icons.js';
import { hasThumbnail, thumbnailSources } from './thumbnails.js';

/** What a cell at `index` shows, for the window to keep its element while that stays the same. */
export const keyAt = (items: readonly Asset[], index: number): string => {
  const item = items[index];
  return item ? (item.type === 'folder' ? item.folderId : item.fileId) : `placeholder-${index}`;
};

/** What a view shows of its rows: which are selected or refused, which is active. */
export interface RowContext {
  selected: ReadonlySet<string>;
  accepts: AcceptTest;
  active: number;
}

/** How one row shows: its file (none for a folder), selected, dimmed (not accepted), active. */
export function rowState(row: Asset, index: number, context: RowContext) {
  const file = row.type === 'folder' ? undefined : row;
  const selected = file ? context.selected.has(file.fileId) : false;
  const disabled = file ? !context.accepts(file) : false;
  return { file, selected, disabled, active: index === context.active };
}

/**
 * A file's thumbnail: the type icon for files without one, or whose thumbnail `failed`. In a grid
 * cell `sizes` wide, the image in its sizes with a blurred preview meanwhile; in a list row (no
 * `sizes`), the server's thumbnail alone. One `inView` (on screen, not in the overhang) is fetched
 * at once and before the others; the rest load lazily.
 */
export function thumbnail(
  file: MediaFile,
  failed: boolean,
  sizes: string | undefined,
  inView = false,
): TemplateResult {
  if (!hasThumbnail(file) || failed) {
    return html`<div class="thumb">${icon(fileIcon(file.mime), 'icon type-icon')}</div>`;
  }
  const sources = thumbnailSources(file);
  return html`<div class="thumb" data-placeholder=${file.fileType === 'image' && sizes ? sources.placeholder : nothing}>
    <img
      loading=${inView ? 'eager' : 'lazy'}
      fetchpriority=${inView ? 'high' : 'auto'}
      src=${sources.src}
      srcset=${sizes ? sources.srcset : nothing}
      sizes=${sizes ?? nothing}
      alt=""
      decoding="async"
      draggable="false"
      data-file=${file.fileId}
    />
  </div>`;
}
