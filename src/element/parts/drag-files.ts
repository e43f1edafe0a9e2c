import type { MediaFile } from '../../shared/wire.js';
import type { LibraryHost } from '../state/library-host.js';

let dragging: MediaFile[] = [];

/**
 * Chrome downloads a file dropped onto the desktop from its `DownloadURL` (`mime:name:url`): the
 * original, as an attachment. Only in the DAM app, whose session cookie lets private files through.
 */
function offerDownload(event: DragEvent, file: MediaFile): void {
  const url = new URL(file.url, document.baseURI);
  url.searchParams.set('ik-attachment', 'true');
  const mime = file.mime || 'application/octet-stream';
  event.dataTransfer?.setData('DownloadURL', `${mime}:${file.name.replace(/:/g, '_')}:${url.href}`);
}

/**
 * Drag files onto a folder (in the tree, or a folder cell in the grid) to move them; with
 * Alt/Option held, to copy (the only way for files the user may not move). The root hands every dragstart, dragover and drop here.
 */
export function drag(host: LibraryHost, event: DragEvent): void {
  const path = event.composedPath().filter((n): n is HTMLElement => n instanceof HTMLElement);
  const at = (selector: string) => path.find((n) => n.matches(selector));
  const client = host.client;
  if (event.type === 'dragstart') {
    const cell = at('[data-index]');
    const item = cell && host.items[Number(cell.dataset.index)];
    dragging = [];
    if (item && item.type !== 'folder' && host.element.mode === 'app') offerDownload(event, item);
    if (!client || !item || item.type === 'folder') return;
    const selected = host.element.selectedFiles;
    dragging = selected.some((f) => f.fileId === item.fileId) ? [...selected] : [item];
    // Dropped elsewhere (an editor, another app), the files travel as their URLs.
    event.dataTransfer?.setData('text/uri-list', dragging.map((f) => f.url).join('\n'));
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'copyMove';
    return;
  }
  const row = at('[role="treeitem"][data-path]');
  const cell = at('[data-index]');
  const folderItem = cell && host.items[Number(cell.dataset.index)];
  const target = row?.dataset.path ?? (folderItem?.type === 'folder' ? folderItem.folderPath : undefined);
  if (!client || dragging.length === 0 || target === undefined) return;
  const copy = event.altKey;
  // Moving needs `manage` on every file; copying (Alt) only what the target folder allows.
  if (!copy && !dragging.every((f) => host.levelAt(f) === 'manage')) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = copy ? 'copy' : 'move';
  if (event.type !== 'drop') return;
  const files = dragging;
  dragging = [];
  // Through the details chunk, which holds the organising code (a chunk of its own would split the core).
  void import('./asset-details.js').then((m) =>
    m.transferDropped(host, client, copy ? 'copy' : 'move', files, target),
  );
}
