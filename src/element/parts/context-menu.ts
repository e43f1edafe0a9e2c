import { css, html, LitElement } from 'lit';
import type { Asset, MediaFile, MediaFolder } from '../../shared/wire.js';
import { state } from '../decorators.js';
import '../i18n/en-ai.js';
import '../i18n/en-ai-jobs.js';
import '../i18n/en-collections.js';
import { enEdit } from '../i18n/en-edit.js';
import { addEnglish } from '../i18n/localize.js';
import type { LibraryHost } from '../state/library-host.js';
import { shared } from '../styles/shared.js';
import { aiCapabilities, knownAiCapabilities } from './ai-capabilities.js';
import type { OrganiseTask } from './organise-dialog.js';
import { adoptStyles } from './part-events.js';
import { downloadZip, openShareDialog } from './share-actions.js';

addEnglish(enEdit);

/** One entry of a context menu. */
export interface MenuAction {
  label: string;
  run(): void;
}

/** What a context menu is for: the file or folder, where it is on screen, what gets focus back. */
interface MenuTarget {
  asset: Asset;
  /** The grid's index of the item; none for a folder of the tree. */
  index?: number;
  /** The tree's root row, which cannot be renamed, moved or deleted. */
  root?: boolean;
  /** Files the `accept` setting rules out (shown dimmed): no Insert or Select. */
  disabled?: boolean;
  /** What had focus (the grid, or the tree's row): it gets focus back when the menu closes. */
  invoker: HTMLElement;
  /** Where the item is, for a menu opened with the keyboard. */
  rect: DOMRect;
}

const installed = new WeakSet<LibraryHost>();

/** The "…" the grid, the list view and the tree put on each item: drawn once the menus can open. */
const moreStyles = css`
  [data-menu] {
    padding: 0 6px;
    border-radius: 9px;
    line-height: 18px;
    cursor: pointer;
    opacity: 0;
  }
  [data-menu]::after {
    /* Not read out: the item's menu opens with the ContextMenu key or Shift+F10 as well. */
    content: '⋯' / '';
  }
  .cell [data-menu] {
    position: absolute;
    top: 12px;
    inset-inline-end: 12px;
    background: rgb(0 0 0 / 0.45);
    color: #fff;
  }
  [role='treeitem'] [data-menu],
  .c-name [data-menu] {
    margin-inline-start: auto;
  }
  .cell:hover [data-menu],
  .row:hover [data-menu],
  [role='treeitem']:hover [data-menu],
  [role='treeitem']:focus [data-menu],
  .scroller:focus .active [data-menu] {
    opacity: 1;
  }
`;

/** How long a menu opened before the user's levels are known waits for them. */
const levelsWaitMs = 2000;

/**
 * Context menus for the files and folders of the grid, the list view and the folder tree: a
 * right click, the ContextMenu key or Shift+F10, or a click on an item's "…". Listens on the
 * element's shadow root (capturing, before the grid and the tree), so those parts only draw "…".
 */
export function contextMenus(host: LibraryHost): void {
  const root = host.element.shadowRoot;
  // Every time: a grid or tree made since (the element started again) gets its "…" too.
  for (const part of root?.querySelectorAll('ml-asset-grid, ml-folder-tree') ?? [])
    adoptStyles(part.shadowRoot, moreStyles);
  // Whether the server removes backgrounds, known before a menu must decide.
  if (host.client) void aiCapabilities(host.client);
  if (!root || installed.has(host)) return;
  installed.add(host);
  const open = async (event: Event, target: MenuTarget | undefined, at?: { x: number; y: number }) => {
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    // Opened as the library starts, the menu waits (a moment at most) for the user's levels,
    // which decide what it offers: otherwise it would lack what the user may do.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      host.levelsKnown(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, levelsWaitMs);
      }),
    ]);
    clearTimeout(timer);
    const menu = host.overlay('ml-context-menu');
    menu.show(host.l10n.t('actionsFor', { name: target.asset.name }), actionsFor(host, target), {
      invoker: target.invoker,
      at: at ?? { x: target.rect.left + 8, y: target.rect.top + Math.min(target.rect.height, 40) },
    });
  };
  root.addEventListener('contextmenu', (event) => {
    const mouse = event as MouseEvent;
    // The item under the pointer; from the keyboard (ContextMenu, Shift+F10: no right button),
    // the one focus is on. A right click beside every item leaves the browser's menu.
    const under = targetOf(host, event, true);
    const focused = mouse.button === 2 ? undefined : targetOf(host, event, false);
    void open(event, under ?? focused, under && { x: mouse.clientX, y: mouse.clientY });
  });
  root.addEventListener(
    'keydown',
    (event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'ContextMenu' || (key.shiftKey && key.key === 'F10'))
        void open(event, targetOf(host, event, false));
    },
    true,
  );
  root.addEventListener(
    'click',
    (event) => {
      const more = (event.composedPath()[0] as Element).closest?.('[data-menu]');
      if (more) void open(event, targetOf(host, event, true));
    },
    true,
  );
}

/** The file or folder an event is about: the item under the pointer, or the one the keyboard is on. */
function targetOf(host: LibraryHost, event: Event, pointer: boolean): MenuTarget | undefined {
  const path = event.composedPath().filter((node): node is HTMLElement => node instanceof HTMLElement);
  const treeRow = path.find((node) => node.getAttribute('role') === 'treeitem');
  if (treeRow?.dataset.path) {
    const folderPath = treeRow.dataset.path;
    const name = treeRow.querySelector('.name')?.textContent?.trim() ?? folderPath;
    const folder = { type: 'folder', name, folderPath, folderId: '', createdAt: '', updatedAt: '' };
    return {
      asset: folder as MediaFolder,
      root: treeRow.getAttribute('aria-level') === '1',
      invoker: treeRow,
      rect: treeRow.getBoundingClientRect(),
    };
  }
  const scroller = path.find((node) => node.hasAttribute('aria-activedescendant'));
  const item = pointer
    ? path.find((node) => node.dataset.index !== undefined)
    : scroller?.querySelector<HTMLElement>(`#${scroller.getAttribute('aria-activedescendant')}`);
  const index = Number(item?.dataset.index);
  const asset = host.items[index];
  if (!item || !asset) return undefined;
  const invoker = scroller ?? path.find((node) => node.classList.contains('scroller'));
  if (!invoker) return undefined;
  return {
    asset,
    index,
    disabled: item.getAttribute('aria-disabled') === 'true',
    invoker,
    rect: item.getBoundingClientRect(),
  };
}

/**
 * The actions the user may take on the target: the organising ones only with write access;
 * moving, renaming and deleting only where the level is `manage`, as is sharing.
 */
export function actionsFor(host: LibraryHost, target: MenuTarget): MenuAction[] {
  const l = host.l10n;
  const { asset, index } = target;
  const grid = host.element.shadowRoot?.querySelector('ml-asset-grid');
  // The root listens for these on the grid, as the grid's own keys and clicks send them.
  const ask = (type: string, detail: object) => grid?.dispatchEvent(new CustomEvent(type, { detail }));
  const organise = (task: OrganiseTask) => ({ run: () => void organiseWith(host, task) });
  const actions: MenuAction[] = [];
  if (asset.type === 'folder') {
    actions.push({ label: l.t('openFolder'), run: () => ask('open-folder', { path: asset.folderPath }) });
    if (host.client && !target.root && host.levelAt(asset) === 'manage')
      actions.push(
        { label: l.t('renameFolder'), ...organise({ kind: 'rename-folder', folder: asset }) },
        { label: l.t('moveTo'), ...organise({ kind: 'move-folder', folder: asset }) },
        { label: l.t('deleteAction'), ...organise({ kind: 'delete-folder', folder: asset }) },
      );
    // Not the element's root: the whole library is not one click away from a public link.
    if (!target.root)
      actions.push(...shareActions(host, asset, { type: 'folder', path: asset.folderPath }, asset.name));
    if (host.mayShare(asset)) actions.push(share(host, asset));
    return actions;
  }
  const file = asset as MediaFile;
  if (!target.disabled && index !== undefined) {
    const selected = host.element.selectedFiles.some((f) => f.fileId === file.fileId);
    actions.push(
      { label: l.t('insert'), run: () => ask('insert-request', { index }) },
      {
        label: l.t(selected ? 'deselectFile' : 'selectFile'),
        run: () => ask('item-select', { index, how: 'toggle' }),
      },
    );
  }
  actions.push({
    label: l.t('copyUrl'),
    run: () =>
      void navigator.clipboard.writeText(file.url).then(
        () => host.notify(l.t('copied')),
        () => host.notify(l.t('copyUrlFailed')),
      ),
  });
  const manage = host.levelAt(file) === 'manage';
  if (host.client && manage)
    actions.push({ label: l.t('moveTo'), ...organise({ kind: 'move', files: [file] }) });
  if (host.client) actions.push({ label: l.t('copyTo'), ...organise({ kind: 'copy', files: [file] }) });
  if (host.client && manage)
    actions.push({ label: l.t('deleteAction'), ...organise({ kind: 'delete', files: [file] }) });
  if (host.client) actions.push(...collectionActions(host, file));
  actions.push(...shareActions(host, file, { type: 'file', id: file.fileId }, file.name));
  if (host.mayShare(file)) actions.push(share(host, file));
  if (file.fileType === 'image')
    actions.push({ label: l.t('findSimilar'), run: () => void host.findSimilar(file) });
  if (file.fileType === 'image' && host.client) {
    if (knownAiCapabilities(host.client)?.backgroundRemoval)
      actions.push({ label: l.t('removeBackgroundMenu'), run: () => void host.removeBackground(file) });
    else void aiCapabilities(host.client);
  }
  // Several files selected, this one among them: one ZIP of them all.
  const selected = host.element.selectedFiles;
  if (selected.length > 1 && selected.some((f) => f.fileId === file.fileId))
    actions.push({
      label: l.t('downloadSelected', { count: selected.length }),
      run: () => void downloadZip(host, { fileIds: selected.map((f) => f.fileId) }),
    });
  return actions;
}

/** "Share link…" (where the user manages) and, for a folder, "Download as ZIP" (share-actions.ts). */
function shareActions(
  host: LibraryHost,
  asset: Asset,
  target: { type: 'file'; id: string } | { type: 'folder'; path: string },
  name: string,
): MenuAction[] {
  const l = host.l10n;
  const actions: MenuAction[] = [];
  if (target.type === 'folder')
    actions.push({ label: l.t('downloadZip'), run: () => void downloadZip(host, { folder: target.path }) });
  // A public link shares what its maker manages.
  if (host.client && host.levelAt(asset) === 'manage')
    actions.push({ label: l.t('shareLink'), run: () => void openShareDialog(host, { target, name }) });
  return actions;
}

/** "Share with people…" (its strings came with the user's levels, see media-library.ts). */
const share = (host: LibraryHost, asset: Asset): MenuAction => ({
  label: host.l10n.t('shareWithPeople'),
  run: () => void host.share(asset),
});

/** "Add to collection…", and in a collection's view "Remove from collection": on the selection when the file is in it. */
function collectionActions(host: LibraryHost, file: MediaFile): MenuAction[] {
  const l = host.l10n;
  const selected = host.element.selectedFiles;
  const files = selected.some((f) => f.fileId === file.fileId) ? [...selected] : [file];
  const collections = () => import('./collections.js');
  return [
    {
      label: l.t('addToCollection'),
      run: () => void collections().then((m) => m.chooseCollectionFor(host, files)),
    },
    ...(host.element.currentCollection
      ? [
          {
            label: l.t('removeFromCollection'),
            run: () => void collections().then((m) => m.removeFromCurrentCollection(host, files)),
          },
        ]
      : []),
  ];
}

/** Opens the organising dialog (its own lazy chunk) for `task`; what it changes reloads the view. */
async function organiseWith(host: LibraryHost, task: OrganiseTask): Promise<void> {
  await import('./organise-dialog.js');
  const fresh = !host.element.shadowRoot?.querySelector('ml-organise-dialog');
  const dialog = host.overlay('ml-organise-dialog');
  if (fresh) {
    dialog.addEventListener('organised', (event) => {
      const { folder, text } = (event as CustomEvent<{ folder?: string; text: string }>).detail;
      void host.changed(undefined, folder, text);
    });
    dialog.addEventListener('focus-grid', () =>
      host.element.shadowRoot?.querySelector('ml-asset-grid')?.focus(),
    );
  }
  dialog.client = host.client;
  // The tree's first row is the element's root: the folder picker offers it and what is below.
  dialog.root = host.element.shadowRoot?.querySelector('ml-folder-tree')?.rows[0]?.node.path ?? '/';
  await dialog.open(task);
}

/**
 * A context menu (ARIA menu pattern): focus moves in and roves with the arrows, Home, End and
 * typed letters; Enter or a click runs an item; Escape, Tab or a click elsewhere closes it, and
 * focus goes back to what had it.
 */
export class ContextMenuElement extends LitElement {
  static override styles = [
    shared,
    css`
      [role='menu'] {
        position: fixed;
        inset: auto;
        margin: 0;
        min-width: 180px;
        max-width: min(320px, calc(100vw - 16px));
        padding: 4px;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      [role='menuitem'] {
        display: block;
        width: 100%;
        min-height: 32px;
        padding: 0 10px;
        border: 0;
        border-radius: 4px;
        background: none;
        color: inherit;
        font: inherit;
        text-align: start;
        cursor: pointer;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      [role='menuitem']:hover,
      [role='menuitem']:focus-visible {
        background: var(--_surface);
      }
    `,
  ];

  @state() private label = '';
  @state() private actions: MenuAction[] = [];
  #invoker: HTMLElement | undefined;

  /** Opens the menu at `at` (viewport pixels) with `actions`; focus goes to the first. */
  async show(
    label: string,
    actions: MenuAction[],
    options: { invoker: HTMLElement; at: { x: number; y: number } },
  ) {
    this.label = label;
    this.actions = actions;
    this.#invoker = options.invoker;
    await this.updateComplete;
    const menu = this.#menu;
    if (menu.matches(':popover-open')) menu.hidePopover();
    menu.showPopover();
    // Kept on screen: flipped to the other side of the pointer where it would overflow.
    const { width, height } = menu.getBoundingClientRect();
    const { x, y } = options.at;
    menu.style.left = `${Math.max(4, x + width > innerWidth ? x - width : x)}px`;
    menu.style.top = `${Math.max(4, y + height > innerHeight ? y - height : y)}px`;
    this.#items()[0]?.focus();
  }

  get #menu(): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>('[role="menu"]')!;
  }

  #items(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  /** Closes the menu; focus goes back to the invoker. */
  close(): void {
    if (this.#menu?.matches(':popover-open')) this.#menu.hidePopover();
    this.#invoker?.focus();
  }

  override render() {
    return html`<div
      role="menu"
      popover
      aria-label=${this.label}
      @keydown=${this.#onKeyDown}
      @toggle=${(event: ToggleEvent) => {
        // A click elsewhere closed it: focus left with the click unless it was still inside.
        if (event.newState === 'closed' && this.shadowRoot?.activeElement) this.#invoker?.focus();
      }}
    >
      ${this.actions.map(
        (action) => html`<button
          type="button"
          role="menuitem"
          tabindex="-1"
          @click=${() => {
            this.close();
            action.run();
          }}
        >
          ${action.label}
        </button>`,
      )}
    </div>`;
  }

  #onKeyDown(event: KeyboardEvent): void {
    const items = this.#items();
    const at = items.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = (at + 1) % items.length;
    else if (event.key === 'ArrowUp') next = (at - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    else if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      // Escape closes the menu only, not the modal library around it.
      event.stopPropagation();
      this.close();
      return;
    } else if (event.key.length === 1 && /\S/.test(event.key)) {
      const letter = event.key.toLocaleLowerCase();
      const order = [...items.slice(at + 1), ...items.slice(0, at + 1)];
      const found = order.find((item) => item.textContent?.trim().toLocaleLowerCase().startsWith(letter));
      if (found) next = items.indexOf(found);
    }
    if (next === undefined) return;
    event.preventDefault();
    items[next]?.focus();
  }
}

customElements.get('ml-context-menu') ?? customElements.define('ml-context-menu', ContextMenuElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-context-menu': ContextMenuElement;
  }
}
