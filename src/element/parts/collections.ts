import '../i18n/en-collections.js';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import {
  addToCollection,
  createCollection,
  getCollection,
  listCollectionItems,
  listCollections,
  removeFromCollection,
  reorderCollection,
} from '../../client/collections.js';
import type { MediaClient } from '../../client/media-client.js';
import { createDownload } from '../../client/shares.js';
import type { MediaCollection, MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import type { Localizer } from '../i18n/localize.js';
import { libraryContext } from '../state/contexts.js';
import type { LibraryHost } from '../state/library-host.js';
import type { CollectionRef } from '../state/listing.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { downloadZip, openShareDialog, startDownload } from './share-actions.js';

/*
 * Collections in the element (a lazy chunk): the sidebar section (`ml-collections`), a
 * collection's breadcrumb (`ml-collection-crumbs`), the "Add to collection…" dialog
 * (`ml-collection-picker`), and reordering a collection's view by keyboard (Alt+arrows) and by
 * dragging. Files dragged from the grid onto a collection in the sidebar are added to it.
 */

/** Told when collections or their items changed here, so the sidebar's counts follow. */
const changes = new EventTarget();
const changed = () => changes.dispatchEvent(new Event('change'));

/** Files being dragged from the grid (the selection, or the one dragged), and the dragged row. */
let dragged: { files: MediaFile[]; index: number } | undefined;

const installed = new WeakSet<LibraryHost>();

/** What an empty collection's view says. */
export const emptyText = (l: Localizer): [string, string] => [
  l.t('collectionEmptyTitle'),
  l.t('collectionEmptyHint'),
];

/**
 * Listens on the element's shadow root (capturing, before the grid) for what collections add to
 * the grid: dragging files (to drop them on a collection, or to reorder one), and Alt+arrow keys
 * in a collection's view.
 */
export function installCollections(host: LibraryHost): void {
  const root = host.element.shadowRoot;
  if (!root || installed.has(host)) return;
  installed.add(host);
  const cellOf = (event: Event) =>
    event
      .composedPath()
      .find((n): n is HTMLElement => n instanceof HTMLElement && n.dataset.index !== undefined);
  root.addEventListener(
    'dragstart',
    (event) => {
      const cell = cellOf(event);
      const index = Number(cell?.dataset.index);
      const item = host.items[index];
      dragged = undefined;
      if (!item || item.type === 'folder') return;
      const selected = host.element.selectedFiles;
      const files = selected.some((f) => f.fileId === item.fileId) ? [...selected] : [item];
      dragged = { files, index };
    },
    true,
  );
  root.addEventListener('dragend', () => {
    // After the drop, which comes first.
    setTimeout(() => {
      dragged = undefined;
    });
  });
  // Reordering by dragging a file onto another in the collection's view.
  for (const type of ['dragover', 'drop'] as const) {
    root.addEventListener(
      type,
      (event) => {
        const collection = host.element.currentCollection;
        const target = Number(cellOf(event)?.dataset.index);
        const item = host.items[target];
        if (!collection || !host.client || !dragged || !item || item.type === 'folder') return;
        event.preventDefault();
        const drag = event as DragEvent;
        if (drag.dataTransfer) drag.dataTransfer.dropEffect = 'move';
        if (type === 'drop' && target !== dragged.index) {
          const from = dragged.index;
          dragged = undefined;
          void moveInCollection(host, from, target);
        }
      },
      true,
    );
  }
  root.addEventListener(
    'keydown',
    (event) => {
      const key = event as KeyboardEvent;
      if (!key.altKey || key.ctrlKey || key.metaKey || !host.element.currentCollection || !host.client)
        return;
      const scroller = key
        .composedPath()
        .find((n): n is HTMLElement => n instanceof HTMLElement && n.hasAttribute('aria-activedescendant'));
      const active = scroller?.querySelector<HTMLElement>(
        `#${scroller.getAttribute('aria-activedescendant')}`,
      );
      const from = Number(active?.dataset.index);
      if (!active || Number.isNaN(from)) return;
      const rtl = scroller!.matches(':dir(rtl)');
      const step: Record<string, number> = {
        ArrowUp: -1,
        ArrowDown: 1,
        ArrowLeft: rtl ? 1 : -1,
        ArrowRight: rtl ? -1 : 1,
        Home: -from,
        End: host.items.length - 1 - from,
      };
      const by = step[key.key];
      if (by === undefined) return;
      key.preventDefault();
      key.stopPropagation();
      const to = Math.max(0, Math.min(host.items.length - 1, from + by));
      if (to !== from) void moveInCollection(host, from, to);
    },
    true,
  );
}

/**
 * Moves the row at `from` to `to` in the collection's view at once, says so (the footer's live
 * region), and tells the server: the rows between take their new places among themselves.
 */
export async function moveInCollection(host: LibraryHost, from: number, to: number): Promise<void> {
  const collection = host.element.currentCollection;
  const client = host.client;
  const items = host.items;
  const [low, high] = [Math.min(from, to), Math.max(from, to)];
  const span = items.slice(low, high + 1);
  // Every row between must be here (a page not loaded cannot be reordered around).
  if (!collection || !client || span.length !== high - low + 1 || span.some((f) => !f || f.type === 'folder'))
    return;
  const moved = items[from] as MediaFile;
  const rest = (span as MediaFile[]).filter((f) => f.fileId !== moved.fileId);
  const order = (to < from ? [moved, ...rest] : [...rest, moved]).map((f) => f.fileId);
  host.moveItem(from, to);
  host.notify(
    host.l10n.t('movedInCollection', { name: moved.name, position: to + 1, count: host.items.length }),
  );
  try {
    await reorderCollection(client, collection.id, order);
  } catch (error) {
    const failure = toMediaError(error);
    host.reportError(failure);
    await host.changed(undefined, undefined, failure.message);
  }
}

/** Files one ZIP download may name (POST /_ml/downloads {fileIds}). */
const maxZipFiles = 250;

/** "Share link…" on a collection: the share dialog, for a public gallery of its files. */
export function shareCollection(host: LibraryHost, collection: CollectionRef): Promise<void> {
  return openShareDialog(host, { target: { type: 'collection', id: collection.id }, name: collection.name });
}

/**
 * "Download as ZIP" on a collection: the whole collection, in its order, for those who see the
 * whole library; for others (a member, a folder's session) the files they may see (the items
 * listing is scoped like any listing) as one ZIP, up to the downloads API's 250 named files.
 */
export async function downloadCollection(host: LibraryHost, collection: CollectionRef): Promise<void> {
  const l = host.l10n;
  try {
    const { client } = await host.connection();
    const whole = await createDownload(client, { collection: collection.id }).catch((error: unknown) => {
      if (toMediaError(error).status === 403) return undefined;
      throw error;
    });
    if (whole) return startDownload(host, whole.url);
    const files = await listCollectionItems(client, collection.id, { limit: maxZipFiles + 1 });
    if (files.length === 0) host.notify(l.t('collectionDownloadEmpty', { name: collection.name }));
    else if (files.length > maxZipFiles)
      host.notify(l.t('collectionDownloadTooMany', { name: collection.name, max: maxZipFiles }));
    else await downloadZip(host, { fileIds: files.map((f) => f.fileId) });
  } catch (error) {
    host.notify(l.t('downloadZipFailed', { message: toMediaError(error).message }));
  }
}

/** Opens the "Add to collection…" dialog for these files. */
export async function chooseCollectionFor(host: LibraryHost, files: MediaFile[]): Promise<void> {
  await host.overlay('ml-collection-picker').open(files);
}

/** Takes these files out of the collection on screen (not out of the library). */
export async function removeFromCurrentCollection(host: LibraryHost, files: MediaFile[]): Promise<void> {
  const collection = host.element.currentCollection;
  const client = host.client;
  if (!collection || !client) return;
  try {
    const { removedFileIds } = await removeFromCollection(
      client,
      collection.id,
      files.map((f) => f.fileId),
    );
    changed();
    await host.changed(
      undefined,
      undefined,
      host.l10n.t('removedFromCollection', { count: removedFileIds.length, name: collection.name }),
    );
  } catch (error) {
    const failure = toMediaError(error);
    host.reportError(failure);
    host.notify(failure.message);
  }
}

/** Adds files to a collection, says how it went, and reloads the view when it shows that collection. */
async function addFiles(
  host: LibraryHost,
  client: MediaClient,
  collection: CollectionRef,
  files: MediaFile[],
) {
  const { addedFileIds } = await addToCollection(
    client,
    collection.id,
    files.map((f) => f.fileId),
  );
  changed();
  const l = host.l10n;
  const text =
    addedFileIds.length === 0
      ? l.t('alreadyInCollection', { name: collection.name })
      : l.t('addedToCollection', { count: addedFileIds.length, name: collection.name });
  if (host.element.currentCollection?.id === collection.id) await host.changed(undefined, undefined, text);
  else host.notify(text);
}

const listStyles = css`
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .row {
    display: flex;
    align-items: center;
    gap: 8px;
    width: 100%;
    min-height: 30px;
    padding: 0 8px;
    border: 1px solid transparent;
    border-radius: 6px;
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .row:hover {
    background: var(--_surface);
  }
  .row:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .row[aria-current='true'] {
    background: var(--_accent-soft);
    font-weight: 600;
  }
  .row.drop {
    border-color: var(--_accent);
    background: var(--_accent-soft);
  }
  .name {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .count {
    color: var(--_muted);
    font-size: 12px;
  }
  .error {
    color: var(--_danger);
  }
  .status {
    margin: 4px 8px;
    color: var(--_muted);
  }
  form {
    display: flex;
    gap: 6px;
    margin: 6px 0;
  }
  input {
    flex: 1;
    min-width: 0;
    font: inherit;
    padding: 4px 8px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: inherit;
  }
`;

/** The caller's collections, loaded again whenever they change here. */
abstract class CollectionList extends LitElement {
  @state() protected collections: MediaCollection[] = [];
  /** `unavailable`: the backend has no collections (ImageKit), or the caller may not read them. */
  @state() protected status: 'loading' | 'ready' | 'error' | 'unavailable' = 'loading';
  @state() protected error = '';
  protected readonly l10n = new LocalizeController(this);
  protected readonly library = new ContextConsumer(this, { context: libraryContext });
  #generation = 0;

  readonly #reload = () => void this.load();

  override connectedCallback(): void {
    super.connectedCallback();
    changes.addEventListener('change', this.#reload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    changes.removeEventListener('change', this.#reload);
  }

  protected get host(): LibraryHost | undefined {
    return this.library.value;
  }

  async load(): Promise<void> {
    const generation = ++this.#generation;
    const host = this.host;
    if (!host) return;
    try {
      const { client } = await host.connection();
      const found = await listCollections(client);
      if (generation !== this.#generation) return;
      this.collections = found;
      this.status = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      const failure = toMediaError(error);
      this.status = failure.status === 404 || failure.status === 403 ? 'unavailable' : 'error';
      this.error = failure.message;
    }
  }

  /** Makes a collection named by the form's input; answers it, or undefined (the error is shown). */
  protected async create(form: HTMLFormElement): Promise<MediaCollection | undefined> {
    const host = this.host;
    const l = this.l10n.value;
    const input = form.querySelector('input')!;
    const error = form.nextElementSibling as HTMLElement;
    const name = input.value.trim();
    error.textContent = '';
    if (!name) {
      error.textContent = l.t('collectionNameEmpty');
      input.focus();
      return undefined;
    }
    if (!host?.client) return undefined;
    try {
      const made = await createCollection(host.client, { name });
      form.reset();
      changed();
      return made;
    } catch (failure) {
      error.textContent = toMediaError(failure).message;
      input.focus();
      return undefined;
    }
  }
}

/**
 * The sidebar's "Collections": each opens in the grid like a folder, and files dragged from the
 * grid onto one are added to it; "New collection" with write access.
 */
export class CollectionsSectionElement extends CollectionList {
  static override styles = [
    shared,
    listStyles,
    css`
      :host {
        display: block;
        margin-top: 12px;
      }
      h3 {
        margin: 0 8px 4px;
        font-size: 12px;
        font-weight: 600;
        text-transform: uppercase;
        color: var(--_muted);
      }
      .new {
        margin: 4px 0 0;
      }
    `,
  ];

  /** The id of the collection on screen. */
  @property({ attribute: false }) current: string | undefined;
  @state() private creating = false;

  override connectedCallback(): void {
    super.connectedCallback();
    // A new <media-library> renders this section at once when the chunk is already here: its
    // drags must be followed from the first one.
    if (this.host) installCollections(this.host);
    void this.load();
  }

  override render() {
    if (this.status === 'unavailable') return nothing;
    const l = this.l10n.value;
    return html`<section aria-labelledby="collections-heading">
      <h3 id="collections-heading">${l.t('collectionsHeading')}</h3>
      ${this.status === 'loading' ? html`<p class="status" role="status">${l.t('collectionsLoading')}</p>` : nothing}
      ${
        this.status === 'error'
          ? html`<p class="status error" role="alert">
              ${l.t('collectionsError')}
              <button class="btn" type="button" @click=${() => void this.load()}>${l.t('retry')}</button>
            </p>`
          : nothing
      }
      ${
        this.status === 'ready' && this.collections.length === 0
          ? html`<p class="status">${l.t('collectionsEmpty')}</p>`
          : nothing
      }
      <ul>
        ${this.collections.map(
          (c) => html`<li>
            <button
              class="row"
              type="button"
              data-collection=${c.id}
              aria-current=${this.current === c.id ? 'true' : nothing}
              title=${l.t('collectionLabel', { name: c.name, count: c.itemCount })}
              @click=${() => this.host?.openCollection({ id: c.id, name: c.name })}
              @contextmenu=${(e: MouseEvent) => void this.#menu(e, c)}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) void this.#menu(e, c);
              }}
              @dragover=${(e: DragEvent) => this.#dragOver(e)}
              @dragleave=${(e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove('drop')}
              @drop=${(e: DragEvent) => this.#drop(e, c)}
            >
              <span class="name">${c.name}</span> <span class="count">${c.itemCount}</span>
            </button>
          </li>`,
        )}
      </ul>
      ${this.host?.client ? this.#renderNew(l) : nothing}
    </section>`;
  }

  #renderNew(l: Localizer): TemplateResult {
    if (!this.creating)
      return html`<button
        class="btn ghost new"
        type="button"
        @click=${async () => {
          this.creating = true;
          await this.updateComplete;
          this.renderRoot.querySelector<HTMLInputElement>('#new-collection')?.focus();
        }}
      >
        + ${l.t('newCollection')}
      </button>`;
    return html`<form
        @submit=${async (e: SubmitEvent) => {
          e.preventDefault();
          const made = await this.create(e.target as HTMLFormElement);
          if (!made) return;
          this.creating = false;
          this.host?.notify(l.t('collectionCreated', { name: made.name }));
        }}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key !== 'Escape') return;
          // Escape closes the form only, not the modal library around it.
          e.preventDefault();
          e.stopPropagation();
          this.creating = false;
        }}
      >
        <input id="new-collection" aria-label=${l.t('collectionName')} placeholder=${l.t('collectionName')} maxlength="100" autocomplete="off" />
        <button class="btn primary" type="submit">${l.t('collectionCreate')}</button>
      </form>
      <p class="status error" role="alert"></p>`;
  }

  /**
   * A collection's context menu (right click, the ContextMenu key or Shift+F10): open it, download
   * it as a ZIP, and "Share link…" where the server would make one (see mayShareCollections).
   */
  async #menu(event: MouseEvent | KeyboardEvent, collection: MediaCollection): Promise<void> {
    const host = this.host;
    if (!host) return;
    event.preventDefault();
    event.stopPropagation();
    const row = event.currentTarget as HTMLElement;
    const rect = row.getBoundingClientRect();
    const at =
      event instanceof MouseEvent && event.button === 2
        ? { x: event.clientX, y: event.clientY }
        : { x: rect.left + 8, y: rect.bottom };
    const l = this.l10n.value;
    const ref = { id: collection.id, name: collection.name };
    const actions = [
      { label: l.t('openCollection'), run: () => host.openCollection(ref) },
      { label: l.t('downloadZip'), run: () => void downloadCollection(host, ref) },
      ...(host.mayShareCollections()
        ? [{ label: l.t('shareLink'), run: () => void shareCollection(host, ref) }]
        : []),
    ];
    // The menu is the menus chunk's (loaded with this one, when the element is idle).
    await customElements.whenDefined('ml-context-menu');
    await host
      .overlay('ml-context-menu')
      .show(l.t('actionsFor', { name: collection.name }), actions, { invoker: row, at });
  }

  #dragOver(event: DragEvent): void {
    if (!dragged || !this.host?.client) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    (event.currentTarget as HTMLElement).classList.add('drop');
  }

  #drop(event: DragEvent, collection: MediaCollection): void {
    (event.currentTarget as HTMLElement).classList.remove('drop');
    const host = this.host;
    const files = dragged?.files;
    if (!files || !host?.client) return;
    event.preventDefault();
    event.stopPropagation();
    dragged = undefined;
    void addFiles(host, host.client, collection, files).catch((error) => {
      const failure = toMediaError(error);
      host.reportError(failure);
      host.notify(failure.message);
    });
  }
}

/** "Collections › Spring launch" above a collection's view; its name is fetched when not known. */
export class CollectionCrumbsElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex: 1;
        min-width: 0;
      }
      ol {
        display: flex;
        gap: 6px;
        margin: 0;
        padding: 0;
        list-style: none;
        overflow: hidden;
        white-space: nowrap;
      }
      li + li::before {
        content: '›' / '';
        margin-inline-end: 6px;
        color: var(--_muted);
      }
      [aria-current] {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      nav {
        flex: 1;
        min-width: 0;
        align-self: center;
      }
      .actions {
        display: flex;
        gap: 6px;
        flex: none;
      }
    `,
  ];

  @property({ attribute: false }) collection: CollectionRef | undefined;
  /** Whether "Share link…" is offered (the server would make the link). */
  @property({ attribute: false }) shareable = false;
  readonly #l10n = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext });
  #asked = '';

  protected override updated(): void {
    const collection = this.collection;
    const host = this.#library.value;
    if (!collection || collection.name || !host || this.#asked === collection.id) return;
    this.#asked = collection.id;
    void host
      .connection()
      .then(({ client }) => getCollection(client, collection.id))
      .then(
        (found) => {
          if (host.element.currentCollection?.id === found.id)
            host.openCollection({ id: found.id, name: found.name });
        },
        // The grid says why the collection cannot be listed.
        () => undefined,
      );
  }

  override render() {
    const l = this.#l10n.value;
    return html`<nav aria-label=${l.t('currentCollection')}>
      <ol>
        <li>${l.t('collectionsHeading')}</li>
        <li aria-current="page">${this.collection?.name || '…'}</li>
      </ol>
      <span class="visually-hidden">${l.t('reorderHint')}</span>
    </nav>
    ${this.#actions(l)}`;
  }

  /** The collection's own actions beside its name: a ZIP of it, and its public link. */
  #actions(l: Localizer) {
    const host = this.#library.value;
    const collection = this.collection;
    // Once its name is known (the dialog's title and the notices say it).
    if (!host || !collection?.name) return nothing;
    const ref = { id: collection.id, name: collection.name };
    return html`<span class="actions">
      <button class="btn" type="button" data-action="download-collection" @click=${() => void downloadCollection(host, ref)}>
        ${l.t('downloadZip')}
      </button>
      ${
        this.shareable
          ? html`<button class="btn" type="button" data-action="share-collection" aria-haspopup="dialog" @click=${() => void shareCollection(host, ref)}>
              ${l.t('shareLink')}
            </button>`
          : nothing
      }
    </span>`;
  }
}

/**
 * "Add to collection…": a modal dialog listing the collections (a search narrows them; Enter in
 * it picks the first), each a button that adds the files; or a new collection made and added to.
 */
export class CollectionPickerElement extends CollectionList {
  static override styles = [
    shared,
    listStyles,
    css`
      dialog {
        width: min(400px, calc(100vw - 32px));
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      h2 {
        margin: 0 0 12px;
        font-size: 15px;
      }
      ul {
        max-height: 240px;
        overflow: auto;
        margin: 8px 0;
      }
      label {
        display: block;
        margin-top: 8px;
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
      }
    `,
  ];

  @state() private files: MediaFile[] = [];
  @state() private filter = '';

  async open(files: MediaFile[]): Promise<void> {
    this.files = files;
    this.filter = '';
    this.status = 'loading';
    void this.load();
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog')!;
    for (const form of this.renderRoot.querySelectorAll('form')) form.reset();
    for (const alert of this.renderRoot.querySelectorAll('.error')) alert.textContent = '';
    if (!dialog.open) dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }

  close(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  #matching(): MediaCollection[] {
    const words = this.filter.trim().toLocaleLowerCase();
    return this.collections.filter((c) => c.name.toLocaleLowerCase().includes(words));
  }

  async #add(collection: MediaCollection): Promise<void> {
    const host = this.host;
    if (!host?.client) return;
    try {
      await addFiles(host, host.client, collection, this.files);
      this.close();
    } catch (error) {
      const failure = toMediaError(error);
      host.reportError(failure);
      this.error = failure.message;
      this.status = 'error';
    }
  }

  override render() {
    const l = this.l10n.value;
    const matching = this.#matching();
    return html`<dialog aria-labelledby="picker-title" @keydown=${(e: KeyboardEvent) => {
      // Escape closes this dialog only, not the modal library around it.
      if (e.key === 'Escape') e.stopPropagation();
    }}>
      <h2 id="picker-title">${l.t('addToCollectionTitle', { count: this.files.length })}</h2>
      <input
        type="search"
        aria-label=${l.t('searchCollections')}
        placeholder=${l.t('searchCollections')}
        autocomplete="off"
        .value=${this.filter}
        @input=${(e: InputEvent) => {
          this.filter = (e.target as HTMLInputElement).value;
        }}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && matching[0]) {
            e.preventDefault();
            void this.#add(matching[0]);
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            this.renderRoot.querySelector<HTMLElement>('ul .row')?.focus();
          }
        }}
      />
      ${this.status === 'loading' ? html`<p class="status" role="status">${l.t('collectionsLoading')}</p>` : nothing}
      ${this.status === 'error' || this.status === 'unavailable' ? html`<p class="status error" role="alert">${this.error || l.t('collectionsError')}</p>` : nothing}
      ${
        this.status === 'ready' && matching.length === 0
          ? html`<p class="status" role="status">${this.collections.length ? l.t('noMatchingCollections') : l.t('collectionsEmpty')}</p>`
          : nothing
      }
      <ul>
        ${matching.map(
          (c) => html`<li>
            <button
              class="row"
              type="button"
              data-collection=${c.id}
              title=${l.t('collectionLabel', { name: c.name, count: c.itemCount })}
              @click=${() => void this.#add(c)}
              @keydown=${(e: KeyboardEvent) => this.#arrow(e)}
            >
              <span class="name">${c.name}</span> <span class="count">${c.itemCount}</span>
            </button>
          </li>`,
        )}
      </ul>
      <label for="picker-new">${l.t('newCollection')}</label>
      <form
        @submit=${async (e: SubmitEvent) => {
          e.preventDefault();
          const made = await this.create(e.target as HTMLFormElement);
          if (made) await this.#add(made);
        }}
      >
        <input id="picker-new" placeholder=${l.t('collectionName')} maxlength="100" autocomplete="off" />
        <button class="btn primary" type="submit">${l.t('collectionCreate')}</button>
      </form>
      <p class="status error" role="alert"></p>
      <div class="buttons">
        <button class="btn" type="button" @click=${() => this.close()}>${l.t('cancel')}</button>
      </div>
    </dialog>`;
  }

  /** Up and Down move between the collections; Up from the first goes back to the search. */
  #arrow(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('ul .row')];
    const at = rows.indexOf(event.currentTarget as HTMLElement);
    const next = rows[at + (event.key === 'ArrowDown' ? 1 : -1)];
    (
      next ?? (event.key === 'ArrowUp' ? this.renderRoot.querySelector<HTMLElement>('input') : undefined)
    )?.focus();
  }
}

customElements.get('ml-collections') ?? customElements.define('ml-collections', CollectionsSectionElement);
customElements.get('ml-collection-crumbs') ??
  customElements.define('ml-collection-crumbs', CollectionCrumbsElement);
customElements.get('ml-collection-picker') ??
  customElements.define('ml-collection-picker', CollectionPickerElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-collections': CollectionsSectionElement;
    'ml-collection-crumbs': CollectionCrumbsElement;
    'ml-collection-picker': CollectionPickerElement;
  }
}
