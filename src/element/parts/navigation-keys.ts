import type { Asset } from '../../shared/wire.js';
import type { FolderRow } from '../state/folder-tree.js';

/*
 * What the keys do in the grid and list views (listbox and grid patterns) and in the folder tree
 * (tree pattern): pure decisions, which the parts carry out. A lazy chunk (see keys.ts).
 */

/** An intent a part fires for a key (`item-select`, `open-folder`…), with its detail. */
export type Intent = [type: string, detail?: object];

/** The grid or list as a key finds it. */
export interface ItemView {
  items: readonly Asset[];
  /** The active item; -1 for none. */
  active: number;
  /** Items in rows and columns (Left and Right move), or a list. */
  grid: boolean;
  columns: number;
  rowsPerPage: number;
  rtl: boolean;
}

/** What a key does in the grid or list: the item it makes active, then the intents. Nothing for a key it leaves alone. */
export function itemKey(
  event: KeyboardEvent,
  view: ItemView,
): { move?: number; intents: Intent[] } | undefined {
  const { items, active: current, columns, grid, rtl } = view;
  const count = items.length;
  if (count === 0) return undefined;
  const page = Math.max(1, view.rowsPerPage) * columns;
  const intents: Intent[] = [];
  let next: number | undefined;
  switch (event.key) {
    case 'ArrowRight':
      if (grid) next = current + (rtl ? -1 : 1);
      break;
    case 'ArrowLeft':
      if (grid) next = current + (rtl ? 1 : -1);
      break;
    case 'ArrowDown':
      next = current < 0 ? 0 : current + columns;
      break;
    case 'ArrowUp':
      if (event.altKey) intents.push(['parent-folder']);
      else next = current - columns;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = count - 1;
      break;
    case 'PageDown':
      next = current + page;
      break;
    case 'PageUp':
      next = current - page;
      break;
    case ' ': {
      const item = items[current];
      if (item && item.type !== 'folder') intents.push(['item-select', { index: current, how: 'toggle' }]);
      break;
    }
    case 'Enter': {
      const item = items[current];
      if (item?.type === 'folder') intents.push(['open-folder', { path: item.folderPath }]);
      else intents.push(['insert-request', current >= 0 ? { index: current } : {}]);
      break;
    }
    case 'Backspace':
      intents.push(['parent-folder']);
      break;
    case 'a':
    case 'A':
      if (!event.ctrlKey && !event.metaKey) return undefined;
      intents.push(['select-all']);
      break;
    default:
      return undefined;
  }
  if (next === undefined) return { intents };
  next = Math.max(0, Math.min(count - 1, next));
  const item = items[next];
  if (event.shiftKey && item && item.type !== 'folder')
    intents.push(['item-select', { index: next, how: 'range' }]);
  if (next >= count - columns * 2) intents.push(['load-more']);
  return { move: next, intents };
}

/** Type-ahead in the tree: what was typed, and when. */
export interface TypeAhead {
  text: string;
  at: number;
}

/**
 * What a key does in the folder tree, on the row at `index`: the row it focuses, whether it
 * expands or collapses that row, or opens its folder, and the type-ahead it leaves.
 */
export function treeKey(
  event: KeyboardEvent,
  rows: readonly FolderRow[],
  index: number,
  rtl: boolean,
  typeAhead: TypeAhead,
): { focus?: number; expand?: boolean; open?: boolean; typeAhead?: TypeAhead } | undefined {
  const row = rows[index];
  if (!row) return undefined;
  const { node } = row;
  const key =
    rtl && event.key === 'ArrowLeft'
      ? 'ArrowRight'
      : rtl && event.key === 'ArrowRight'
        ? 'ArrowLeft'
        : event.key;
  const expandable = node.children === undefined || node.children.length > 0;
  switch (key) {
    case 'ArrowDown':
      return { focus: index + 1 };
    case 'ArrowUp':
      return { focus: index - 1 };
    case 'Home':
      return { focus: 0 };
    case 'End':
      return { focus: rows.length - 1 };
    case 'ArrowRight':
      if (expandable && !node.expanded) return { expand: true };
      return node.expanded && node.children?.length ? { focus: index + 1 } : {};
    case 'ArrowLeft': {
      if (node.expanded && expandable) return { expand: false };
      const parent = rows.findLastIndex((r, i) => i < index && r.node.level === node.level - 1);
      return parent >= 0 ? { focus: parent } : {};
    }
    case 'Enter':
    case ' ':
      return { open: true };
    default:
      if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return undefined;
      return typeAheadTo(event.key, rows, index, typeAhead);
  }
}

/** Type-ahead: the next folder whose name starts with what was typed in the last half second. */
function typeAheadTo(char: string, rows: readonly FolderRow[], from: number, last: TypeAhead) {
  const now = Date.now();
  const typeAhead = { text: now - last.at < 500 ? last.text + char : char, at: now };
  const prefix = typeAhead.text.toLowerCase();
  const start = prefix.length > 1 ? from : from + 1;
  for (let step = 0; step < rows.length; step++) {
    const i = (start + step) % rows.length;
    if (rows[i]!.node.name.toLowerCase().startsWith(prefix)) return { focus: i, typeAhead };
  }
  return { typeAhead };
}
