import '../i18n/en-people.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import {
  deleteGrant,
  findPrincipals,
  type ListedGrant,
  listGrants,
  type PrincipalEntry,
  putGrant,
  type ShareTarget,
} from '../../client/people.js';
import type { AccessLevel, PrincipalType } from '../../shared/wire.js';
import { state } from '../decorators.js';
import type { MessageKey } from '../i18n/en.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';

/** What is shared: a folder (`/a/b`) or a file. */
export interface ShareItem {
  name: string;
  folderPath?: string;
  fileId?: string;
}

/** A grant as the dialog lists it: with its principal's name and, when inherited, where from. */
interface Row {
  grant: ListedGrant;
  name: string;
  email?: string;
  /** The folder an inherited grant is on. */
  from?: string;
}

const levels: readonly AccessLevel[] = ['view', 'contribute', 'manage'];
const levelKey = (level: AccessLevel): MessageKey =>
  level === 'view' ? 'levelView' : level === 'contribute' ? 'levelContribute' : 'levelManage';
const keyOf = (p: { type: PrincipalType; id: string }) => `${p.type}:${p.id}`;

/**
 * "Share with people…": who has access to a folder or file, and at what level. Grants on the item
 * itself can be changed or removed; those it inherits from a folder above show greyed, saying
 * which folder. People and groups are added with a searchable picker (the ARIA combobox pattern)
 * and a level. A native modal `<dialog>`: focus is trapped, Escape closes it (or first the
 * picker's list), and focus goes back to what opened it. Errors show at the field they concern.
 */
export class ShareDialogElement extends LitElement {
  static override styles = [
    shared,
    css`
      dialog {
        width: min(520px, calc(100vw - 32px));
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      .stack {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      h2,
      h3 {
        margin: 0;
        font-size: 15px;
        overflow-wrap: anywhere;
      }
      h3 {
        font-size: 13px;
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .grants li {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
        padding: 6px 0;
        border-bottom: 1px solid var(--_border);
      }
      .who {
        flex: 1;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .muted,
      .inherited {
        color: var(--_muted);
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 4px;
        position: relative;
      }
      .add {
        display: grid;
        grid-template-columns: 1fr auto auto;
        gap: 8px;
        align-items: end;
      }
      input,
      select {
        font: inherit;
        min-height: 32px;
        padding: 0 8px;
        border: 1px solid var(--_border);
        border-radius: 4px;
        background: var(--_bg);
        color: inherit;
      }
      [aria-invalid='true'] {
        border-color: var(--_danger);
      }
      [role='listbox'] {
        position: absolute;
        top: 100%;
        inset-inline: 0;
        z-index: 1;
        max-height: 200px;
        overflow: auto;
        border: 1px solid var(--_border);
        border-radius: 4px;
        background: var(--_bg);
        box-shadow: var(--_shadow);
      }
      [role='option'] {
        padding: 6px 8px;
        cursor: pointer;
        overflow-wrap: anywhere;
      }
      [role='option'][aria-selected='true'],
      [role='option']:hover {
        background: var(--_accent-soft);
      }
      .field-error,
      .alert {
        margin: 0;
        color: var(--_danger);
      }
      .hint {
        margin: 0;
        font-size: 12px;
        color: var(--_muted);
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
      }
    `,
  ];

  @state() private item: ShareItem | undefined;
  /** Undefined while loading. */
  @state() private rows: Row[] | undefined;
  @state() private loadError: string | undefined;
  @state() private text = '';
  @state() private found: PrincipalEntry[] | undefined;
  @state() private searching = false;
  @state() private searchError: string | undefined;
  /** The picker's highlighted option; -1 for none. */
  @state() private active = -1;
  @state() private picked: PrincipalEntry | undefined;
  @state() private level: AccessLevel = 'view';
  /** A problem of the add form, at the field it concerns. */
  @state() private addError: { field: 'who' | 'level'; text: string } | undefined;
  /** Problems of the listed grants, by principal (`user:ID`). */
  @state() private rowErrors: Record<string, string> = {};
  @state() private status = '';
  @state() private busy = false;
  readonly #l10n = new LocalizeController(this);
  #client: MediaClient | undefined;
  #opener: Element | null = null;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #searchGeneration = 0;

  /** Opens the dialog for a folder or file, with the client that shares it. */
  async open(client: MediaClient, item: ShareItem): Promise<void> {
    this.#client = client;
    Object.assign(this, {
      item,
      rows: undefined,
      loadError: undefined,
      text: '',
      found: undefined,
      searchError: undefined,
      active: -1,
      picked: undefined,
      level: 'view',
      addError: undefined,
      rowErrors: {},
      status: '',
      busy: false,
    });
    this.#opener = deepActiveElement();
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog')!;
    if (!dialog.open) dialog.showModal();
    this.renderRoot.querySelector<HTMLElement>('#share-who')?.focus();
    await this.#load();
  }

  get #target(): ShareTarget {
    const item = this.item!;
    return item.fileId !== undefined
      ? { type: 'file', id: item.fileId }
      : { type: 'folder', path: item.folderPath ?? '/' };
  }

  /** The grants on the item and above it, named. */
  async #load(): Promise<void> {
    const client = this.#client!;
    const l = this.#l10n.value;
    try {
      const grants = await listGrants(client, this.#target);
      const named = new Map<string, PrincipalEntry>();
      if (grants.length > 0) {
        const unique = [...new Map(grants.map((g) => [keyOf(g.principal), g.principal])).values()];
        const found = await findPrincipals(client, { ids: unique }).catch(() => []);
        for (const entry of found) named.set(keyOf(entry), entry);
      }
      const file = this.item?.fileId !== undefined;
      const rows = grants.map((grant): Row => {
        const entry = named.get(keyOf(grant.principal));
        // A file's folder grants are all inherited; a folder's say so.
        const inherited = grant.inherited || (file && grant.target.type === 'folder');
        return {
          grant,
          name: entry?.name || entry?.email || l.t('principalUnknown', { id: grant.principal.id }),
          ...(entry?.email && { email: entry.email }),
          ...(inherited && grant.target.type === 'folder' && { from: grant.target.path }),
        };
      });
      // The item's own grants first (they can be changed), then what comes from above.
      this.rows = rows.sort((a, b) => Number(!!a.from) - Number(!!b.from) || a.name.localeCompare(b.name));
      this.loadError = undefined;
    } catch (failure) {
      this.loadError = l.t('shareLoadFailed', { message: toMediaError(failure).message });
      this.rows = [];
    }
  }

  override render(): TemplateResult {
    const l = this.#l10n.value;
    const item = this.item;
    return html`<dialog aria-labelledby="share-title" @close=${this.#onClose}>
      ${
        item
          ? html`<div class="stack">
              <h2 id="share-title">${l.t('shareTitle', { name: item.name })}</h2>
              ${this.#renderAdd()}
              ${this.#renderGrants()}
              <p role="status" class="hint">${this.status}</p>
              <div class="buttons">
                <button class="btn primary" type="button" @click=${() => this.#close()}>${l.t('shareDone')}</button>
              </div>
            </div>`
          : nothing
      }
    </dialog>`;
  }

  #renderGrants(): TemplateResult {
    const l = this.#l10n.value;
    if (this.loadError) return html`<p class="alert" role="alert">${this.loadError}</p>`;
    if (!this.rows) return html`<p class="muted" role="status">${l.t('shareLoading')}</p>`;
    if (this.rows.length === 0) return html`<p class="muted">${l.t('shareNobody')}</p>`;
    return html`<h3 id="share-list">${l.t('shareListLabel')}</h3>
      <ul class="grants" aria-labelledby="share-list">
        ${this.rows.map((row) => this.#renderRow(row))}
      </ul>`;
  }

  #renderRow(row: Row): TemplateResult {
    const l = this.#l10n.value;
    const { grant } = row;
    const key = keyOf(grant.principal);
    const who = html`<span class="who">
      ${row.name}${grant.principal.type === 'group' ? html` <span class="muted">· ${l.t('principalGroup')}</span>` : nothing}
      ${row.email && row.email !== row.name ? html`<br /><span class="muted">${row.email}</span>` : nothing}
    </span>`;
    if (row.from) {
      // Inherited: shown greyed, changed only on the folder it comes from.
      return html`<li class="inherited" data-inherited>
        ${who}
        <span>${l.t(levelKey(grant.level))}</span>
        <span>${l.t('shareInheritedFrom', { folder: row.from })}</span>
      </li>`;
    }
    const error = this.rowErrors[key];
    const errorId = `row-error-${key.replace(/[^\w-]/g, '_')}`;
    return html`<li data-principal=${key}>
      ${who}
      <select
        aria-label=${l.t('shareLevelFor', { name: row.name })}
        aria-invalid=${String(!!error)}
        aria-describedby=${error ? errorId : nothing}
        ?disabled=${this.busy}
        @change=${(e: Event) => void this.#change(row, (e.target as HTMLSelectElement).value as AccessLevel)}
      >
        ${levels.map((level) => html`<option value=${level} ?selected=${level === grant.level}>${l.t(levelKey(level))}</option>`)}
      </select>
      <button class="btn" type="button" ?disabled=${this.busy} aria-label=${l.t('shareRemoveFor', { name: row.name })}
        @click=${() => void this.#remove(row)}>${l.t('shareRemove')}</button>
      ${error ? html`<p class="field-error" id=${errorId}>${error}</p>` : nothing}
    </li>`;
  }

  #renderAdd(): TemplateResult {
    const l = this.#l10n.value;
    const expanded = this.found !== undefined && this.text.trim() !== '' && !this.picked;
    const whoError = this.addError?.field === 'who' ? this.addError.text : undefined;
    const levelError = this.addError?.field === 'level' ? this.addError.text : undefined;
    return html`<form novalidate @submit=${(e: Event) => {
      e.preventDefault();
      void this.#add();
    }}>
      <h3 id="share-add">${l.t('shareAddHeading')}</h3>
      <div class="add" role="group" aria-labelledby="share-add">
        <div class="field">
          <label for="share-who">${l.t('shareSearchLabel')}</label>
          <input id="share-who" type="text" role="combobox" autocomplete="off"
            aria-autocomplete="list" aria-expanded=${String(expanded)} aria-controls="share-matches"
            aria-activedescendant=${expanded && this.active >= 0 ? `share-match-${this.active}` : nothing}
            aria-invalid=${String(!!whoError)}
            aria-describedby=${whoError ? 'share-who-hint share-who-error' : 'share-who-hint'}
            .value=${this.text}
            @input=${(e: Event) => this.#type((e.target as HTMLInputElement).value)}
            @keydown=${this.#pickerKeys} />
          ${
            expanded
              ? html`<ul id="share-matches" role="listbox" aria-label=${l.t('shareSearchLabel')}>
                  ${this.found!.map(
                    (entry, index) => html`<li id=${`share-match-${index}`} role="option"
                      aria-selected=${String(index === this.active)}
                      @mousedown=${(e: Event) => e.preventDefault()}
                      @click=${() => this.#pick(entry)}>
                      ${entry.name || entry.email}${entry.type === 'group' ? ` · ${l.t('principalGroup')}` : entry.email && entry.name ? ` · ${entry.email}` : ''}
                    </li>`,
                  )}
                </ul>`
              : html`<ul id="share-matches" role="listbox" hidden></ul>`
          }
        </div>
        <div class="field">
          <label for="share-level">${l.t('shareLevelLabel')}</label>
          <select id="share-level" aria-invalid=${String(!!levelError)}
            aria-describedby=${levelError ? 'share-level-error' : nothing}
            @change=${(e: Event) => {
              this.level = (e.target as HTMLSelectElement).value as AccessLevel;
              if (this.addError?.field === 'level') this.addError = undefined;
            }}>
            ${levels.map((level) => html`<option value=${level} ?selected=${level === this.level}>${l.t(levelKey(level))}</option>`)}
          </select>
        </div>
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${l.t('shareAdd')}</button>
      </div>
      <p class="hint" id="share-who-hint">${
        this.searching
          ? l.t('shareSearching')
          : this.found?.length === 0 && this.text.trim() && !this.picked
            ? l.t('shareNoMatches', { text: this.text.trim() })
            : l.t('shareSearchHint')
      }</p>
      ${this.searchError ? html`<p class="field-error" role="alert">${this.searchError}</p>` : nothing}
      ${whoError ? html`<p class="field-error" id="share-who-error">${whoError}</p>` : nothing}
      ${levelError ? html`<p class="field-error" id="share-level-error">${levelError}</p>` : nothing}
    </form>`;
  }

  #type(text: string): void {
    this.text = text;
    this.picked = undefined;
    this.active = -1;
    if (this.addError?.field === 'who') this.addError = undefined;
    clearTimeout(this.#searchTimer);
    const query = text.trim();
    if (!query) {
      this.found = undefined;
      this.searching = false;
      return;
    }
    this.searching = true;
    // One lookup once typing pauses; an older answer arriving late is dropped.
    const generation = ++this.#searchGeneration;
    this.#searchTimer = setTimeout(async () => {
      try {
        const found = await findPrincipals(this.#client!, { q: query });
        if (generation !== this.#searchGeneration) return;
        this.found = found;
        this.searchError = undefined;
      } catch (failure) {
        if (generation !== this.#searchGeneration) return;
        this.found = undefined;
        this.searchError = this.#l10n.value.t('shareSearchFailed', {
          message: toMediaError(failure).message,
        });
      } finally {
        if (generation === this.#searchGeneration) this.searching = false;
      }
    }, 200);
  }

  #pickerKeys = (event: KeyboardEvent): void => {
    const options = this.picked || !this.text.trim() ? [] : (this.found ?? []);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (options.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + options.length) % options.length;
    } else if (event.key === 'Enter' && this.active >= 0 && options[this.active]) {
      event.preventDefault();
      this.#pick(options[this.active]!);
    } else if (event.key === 'Escape' && options.length > 0) {
      // Escape closes the list first, the dialog only after.
      event.preventDefault();
      event.stopPropagation();
      this.found = undefined;
      this.active = -1;
    }
  };

  #pick(entry: PrincipalEntry): void {
    this.picked = entry;
    this.text = entry.name || entry.email || entry.id;
    this.found = undefined;
    this.active = -1;
    this.addError = undefined;
    this.renderRoot.querySelector<HTMLElement>('#share-level')?.focus();
  }

  /** Where the server's refusal belongs: a level above the user's own at the level field. */
  #problem(failure: unknown): { field: 'who' | 'level'; text: string } {
    const error = toMediaError(failure);
    if (error.reason === 'GRANT_ABOVE_OWN_LEVEL')
      return { field: 'level', text: this.#l10n.value.t('shareAboveOwn') };
    return { field: 'who', text: error.message };
  }

  async #add(): Promise<void> {
    const l = this.#l10n.value;
    const picked = this.picked;
    if (!picked) {
      this.addError = { field: 'who', text: l.t('sharePickFirst') };
      this.renderRoot.querySelector<HTMLElement>('#share-who')?.focus();
      return;
    }
    this.busy = true;
    try {
      await putGrant(this.#client!, { type: picked.type, id: picked.id }, this.#target, this.level);
      const name = picked.name || picked.email || picked.id;
      this.status = l.t('shareSaved', { name, level: l.t(levelKey(this.level)) });
      this.picked = undefined;
      this.text = '';
      this.addError = undefined;
      await this.#load();
      this.renderRoot.querySelector<HTMLElement>('#share-who')?.focus();
    } catch (failure) {
      this.addError = this.#problem(failure);
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(this.addError.field === 'level' ? '#share-level' : '#share-who')
        ?.focus();
    } finally {
      this.busy = false;
    }
  }

  async #change(row: Row, level: AccessLevel): Promise<void> {
    const l = this.#l10n.value;
    const key = keyOf(row.grant.principal);
    this.busy = true;
    try {
      await putGrant(this.#client!, row.grant.principal, this.#target, level);
      this.rowErrors = { ...this.rowErrors, [key]: '' };
      this.status = l.t('shareSaved', { name: row.name, level: l.t(levelKey(level)) });
      await this.#load();
    } catch (failure) {
      const problem = this.#problem(failure);
      this.rowErrors = { ...this.rowErrors, [key]: problem.text };
      // The select shows what the server still holds.
      await this.#load();
    } finally {
      this.busy = false;
    }
  }

  async #remove(row: Row): Promise<void> {
    const l = this.#l10n.value;
    const key = keyOf(row.grant.principal);
    this.busy = true;
    try {
      await deleteGrant(this.#client!, row.grant.principal, this.#target);
      this.status = l.t('shareRemoved', { name: row.name });
      await this.#load();
      this.renderRoot.querySelector<HTMLElement>('#share-who')?.focus();
    } catch (failure) {
      this.rowErrors = { ...this.rowErrors, [key]: this.#problem(failure).text };
    } finally {
      this.busy = false;
    }
  }

  #close(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  #onClose(): void {
    clearTimeout(this.#searchTimer);
    this.#searchGeneration++;
    const opener = this.#opener;
    this.#opener = null;
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  }
}

customElements.get('ml-share-dialog') || customElements.define('ml-share-dialog', ShareDialogElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-share-dialog': ShareDialogElement;
  }
}

/** The focused element, inside shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
