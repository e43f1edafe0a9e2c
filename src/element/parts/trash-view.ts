import '../i18n/en-lifecycle.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { deleteFromTrash, listTrash, restoreFromTrash } from '../../client/lifecycle.js';
import type { MediaClient } from '../../client/media-client.js';
import type { TrashItem } from '../../shared/lifecycle.js';
import { property, state } from '../decorators.js';
import { formatBytes, formatDate } from '../i18n/format.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';
import { sideViewStyles } from './side-view-styles.js';

const pageSize = 50;

/** What waits for a yes: deleting one item for good, emptying the trash, or restoring beside a taken path. */
type Asking = { kind: 'delete' | 'conflict'; item: TrashItem } | { kind: 'empty' };

/** The folder a restored item appears in (`/a/b.png` → `/a`, `/a/b/` → `/a`). */
const parentFolder = (path: string) => path.replace(/\/$/, '').replace(/\/[^/]*$/, '') || '/';

/**
 * The trash (`GET /_ml/trash`): deleted files and folders, newest first, each with Restore and
 * Delete forever, and Empty trash. A restore whose path is taken asks to restore beside it under a
 * new name. Questions are asked in place, focus on the safe answer; results are announced.
 *
 * @fires trash-close - the user went back to the files.
 * @fires trash-restored - `{ folder, text }`: an item is back; reload `folder`.
 */
export class TrashViewElement extends LitElement {
  static override styles = [
    shared,
    sideViewStyles,
    css`
      header {
        flex-wrap: wrap;
      }
      ul {
        display: flex;
        flex-direction: column;
        gap: 6px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 12px;
        padding: 8px;
        border: 1px solid var(--_border);
        border-radius: 6px;
      }
      .what {
        flex: 1;
        min-width: 12em;
        overflow-wrap: anywhere;
      }
      .what span {
        display: block;
        font-size: 12px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .ask {
        display: flex;
        flex-direction: column;
        gap: 6px;
        flex-basis: 100%;
        padding: 8px;
        border-radius: 6px;
        background: var(--_accent-soft);
      }
      .danger {
        background: var(--_danger);
        color: #fff;
        border-color: transparent;
      }
      .alert {
        color: var(--_danger);
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  @state() private items: TrashItem[] | undefined;
  @state() private total = 0;
  @state() private trashDays: number | undefined;
  @state() private error: string | undefined;
  @state() private status: string | undefined;
  @state() private asking: Asking | undefined;
  @state() private busy = false;
  readonly #l10n = new LocalizeController(this);
  #loadedWith: MediaClient | undefined;

  protected override willUpdate(): void {
    if (this.client === this.#loadedWith) return;
    this.#loadedWith = this.client;
    void this.#load(0);
  }

  /** Loads from `skip` (0: afresh). */
  async #load(skip: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.error = undefined;
    try {
      const page = await listTrash(client, { skip, limit: pageSize });
      this.items = skip === 0 ? page.items : [...(this.items ?? []), ...page.items];
      this.total = page.total;
      this.trashDays = page.trashDays;
    } catch (failure) {
      this.error = this.#l10n.value.t('trashLoadFailed', { message: toMediaError(failure).message });
    }
  }

  override render() {
    const l = this.#l10n.value;
    const { items } = this;
    return html`<header>
        <h3 id="trash-title" tabindex="-1">${l.t('trash')}</h3>
        <button class="btn" type="button" data-action="back" @click=${() => emit(this, 'trash-close')}>${l.t('backToFiles')}</button>
        ${
          items?.length
            ? html`<button class="btn danger" type="button" data-action="empty" ?disabled=${this.busy}
                @click=${() => this.#ask({ kind: 'empty' })}>${l.t('emptyTrash')}</button>`
            : nothing
        }
      </header>
      ${
        this.trashDays !== undefined
          ? html`<p class="muted">${this.trashDays > 0 ? l.t('trashKept', { days: this.trashDays }) : l.t('trashOff')}</p>`
          : nothing
      }
      ${this.asking?.kind === 'empty' ? this.#renderAsk(this.asking) : nothing}
      <div role="status">${this.status ?? nothing}</div>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${
        items === undefined
          ? this.error
            ? nothing
            : html`<p class="muted">${l.t('trashLoading')}</p>`
          : items.length === 0
            ? html`<p class="muted">${l.t('trashEmpty')}</p>`
            : html`<ul aria-labelledby="trash-title">${items.map((item) => this.#renderItem(item))}</ul>`
      }
      ${
        items && items.length < this.total
          ? html`<button class="btn" type="button" @click=${() => this.#load(items.length)}>${l.t('trashMore')}</button>`
          : nothing
      }`;
  }

  #renderItem(item: TrashItem): TemplateResult {
    const l = this.#l10n.value;
    const asking =
      this.asking && 'item' in this.asking && this.asking.item.id === item.id ? this.asking : undefined;
    return html`<li data-id=${item.id}>
      <div class="what">
        <strong>${item.name}</strong>
        <span class="muted">${item.path}</span>
        <span class="muted">${
          item.type === 'folder' ? `${l.t('trashFolder', { count: item.fileCount })} · ` : ''
        }${formatBytes(l, item.size)} · ${l.t('trashDeleted', { date: formatDate(l, item.deletedAt) })} · ${l.t('trashGoes', { date: formatDate(l, item.purgeAt) })}</span>
      </div>
      <div class="row">
        <button class="btn" type="button" data-action="restore" ?disabled=${this.busy}
          aria-label=${`${l.t('restore')}: ${item.name}`} @click=${() => this.#restore(item, 'fail')}>${l.t('restore')}</button>
        <button class="btn" type="button" data-action="delete-forever" ?disabled=${this.busy}
          aria-label=${`${l.t('deleteForever')}: ${item.name}`} @click=${() => this.#ask({ kind: 'delete', item })}>${l.t('deleteForever')}</button>
      </div>
      ${asking ? this.#renderAsk(asking) : nothing}
    </li>`;
  }

  #renderAsk(asking: Asking): TemplateResult {
    const l = this.#l10n.value;
    const [question, action, go] =
      asking.kind === 'empty'
        ? [l.t('emptyTrashAsk'), l.t('emptyTrash'), () => this.#deleteForever('all')]
        : asking.kind === 'delete'
          ? [
              l.t('deleteForeverAsk', { name: asking.item.name }),
              l.t('deleteForever'),
              () => this.#deleteForever(asking.item),
            ]
          : [
              l.t('restoreConflict', { path: asking.item.path }),
              l.t('restoreRename'),
              () => this.#restore(asking.item, 'rename'),
            ];
    return html`<div class="ask" role="group" aria-labelledby="ask-text">
      <p id="ask-text">${question}</p>
      <div class="row">
        <button class="btn ask-cancel" type="button" @click=${() => this.#ask(undefined)}>${l.t('cancel')}</button>
        <button class=${asking.kind === 'conflict' ? 'btn primary' : 'btn danger'} type="button" data-action="confirm"
          ?disabled=${this.busy} @click=${go}>${action}</button>
      </div>
    </div>`;
  }

  async #ask(asking: Asking | undefined): Promise<void> {
    const from = asking && 'item' in asking ? asking.item.id : undefined;
    this.asking = asking;
    await this.updateComplete;
    // The safe answer has focus; after Cancel, focus goes back to the item (or the heading).
    if (asking) this.renderRoot.querySelector<HTMLElement>('.ask-cancel')?.focus();
    else this.#focusItem(from);
  }

  #focusItem(id: string | undefined): void {
    const row =
      id &&
      this.renderRoot.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"] [data-action="restore"]`);
    (
      row ||
      this.renderRoot.querySelector<HTMLElement>('li [data-action="restore"]') ||
      this.renderRoot.querySelector<HTMLElement>('h3')
    )?.focus();
  }

  async #restore(item: TrashItem, onConflict: 'fail' | 'rename'): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    const l = this.#l10n.value;
    this.busy = true;
    this.error = undefined;
    try {
      const { restored } = await restoreFromTrash(client, {
        ...(item.type === 'file' ? { fileIds: [item.id] } : { folderIds: [item.id] }),
        onConflict,
      });
      const path = restored[0]?.path ?? item.path;
      const text = l.t('restored', { name: item.name, path: parentFolder(path) });
      this.#removed(item, text);
      emit(this, 'trash-restored', { folder: parentFolder(path), text });
    } catch (failure) {
      const error = toMediaError(failure);
      this.busy = false;
      if (error.status === 409 && onConflict === 'fail') return this.#ask({ kind: 'conflict', item });
      this.error = l.t('trashFailed', { message: error.message });
    }
  }

  async #deleteForever(item: TrashItem | 'all'): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    const l = this.#l10n.value;
    this.busy = true;
    this.error = undefined;
    try {
      if (item === 'all') {
        await deleteFromTrash(client, 'all');
        this.busy = false;
        this.asking = undefined;
        this.status = l.t('trashEmptied');
        await this.#load(0);
        this.#focusItem(undefined);
        return;
      }
      await deleteFromTrash(client, item.type === 'file' ? { fileIds: [item.id] } : { folderIds: [item.id] });
      this.#removed(item, l.t('deletedForever', { name: item.name }));
    } catch (failure) {
      this.busy = false;
      this.error = l.t('trashFailed', { message: toMediaError(failure).message });
    }
  }

  /** The item left the trash: the list closes over it and focus moves to its neighbour. */
  async #removed(item: TrashItem, text: string): Promise<void> {
    const items = this.items ?? [];
    const index = items.findIndex((i) => i.id === item.id);
    const next = items[index + 1] ?? items[index - 1];
    this.items = items.filter((i) => i.id !== item.id);
    this.total = Math.max(0, this.total - 1);
    this.asking = undefined;
    this.busy = false;
    this.status = text;
    await this.updateComplete;
    this.#focusItem(next?.id);
  }
}

customElements.get('ml-trash-view') || customElements.define('ml-trash-view', TrashViewElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-trash-view': TrashViewElement;
  }
}
