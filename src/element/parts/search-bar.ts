import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { MediaApiError } from '../../client/errors.js';
import type { CustomMetadataField } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { type DateFilter, emptySearch, looksLikeQuery, type SearchState } from '../state/search.js';
import { chevronDownIcon, closeIcon, icon, searchIcon, slidersIcon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { dateLabels, sizeLabels, typeLabels } from './filter-labels.js';
import { LocalizeController } from './localized.js';
import { adoptStyles, emit, whenIdle } from './part-events.js';

const typingDelayMs = 250;

let menus: typeof import('./menus.js') | undefined;
let suggestions: typeof import('./search-suggestions.js') | undefined;

/**
 * The search bar: text (names and tags, debounced), filter chips for type, tags, date and
 * size, and the advanced builder with the editable query (loaded on first use).
 *
 * @fires search-change - `{ search }`: the new search state.
 */
export class SearchBarElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 8px;
        min-width: 0;
      }
      .field {
        position: relative;
        display: flex;
        align-items: center;
      }
      .field > .icon {
        position: absolute;
        inset-inline-start: 10px;
        color: var(--_muted);
        pointer-events: none;
      }
      input[type='search'] {
        width: 100%;
        min-height: 38px;
        padding-inline: 36px 36px;
        border-radius: var(--_radius);
        background: var(--_surface);
        border-color: transparent;
      }
      /* The browser's grey is under 4.5:1 on the field's background. */
      input[type='search']::placeholder {
        color: var(--_muted);
        opacity: 1;
      }
      input[type='search']:focus {
        background: var(--_bg);
        border-color: var(--_accent);
      }
      input[type='search']::-webkit-search-cancel-button {
        display: none;
      }
      .error {
        margin: -4px 0 0;
        color: var(--_danger);
        font-size: 12px;
      }
      .clear {
        position: absolute;
        inset-inline-end: 4px;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        min-height: 30px;
        border: 1px solid var(--_border);
        border-radius: 999px;
        background: var(--_raised);
      }
      .chip.on {
        border-color: var(--_accent);
        background: var(--_accent-soft);
        color: var(--_accent);
      }
      .chip > button {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        min-height: 28px;
        padding: 0 10px;
        border: 0;
        border-radius: 999px;
        background: none;
        cursor: pointer;
        white-space: nowrap;
      }
      .chip > button + button {
        padding: 0 8px 0 2px;
      }
      .chip .icon {
        width: 14px;
        height: 14px;
      }
      .link {
        border: 0;
        background: none;
        color: var(--_accent);
        cursor: pointer;
        padding: 4px 6px;
        text-decoration: underline;
      }
    `,
  ];

  @property({ attribute: false }) search: SearchState = emptySearch;
  /** The account's custom metadata fields, which the advanced builder offers too. */
  @property({ attribute: false }) customFields: CustomMetadataField[] = [];
  /** The backend knows where files are used: offer the "Unused" filter. */
  @property({ type: Boolean }) unusedFilter = false;
  /** The whole query as sent, for the query editor. */
  @property() query = '';
  /** The server's answer to a bad query, shown at its position. */
  @property({ attribute: false }) queryError: MediaApiError | undefined;
  @state() private advancedOpen = false;
  @state() private builderReady = false;
  readonly #l10n = new LocalizeController(this);
  #typing: ReturnType<typeof setTimeout> | undefined;
  /** The suggestions under the field (a lazy chunk), made on the first key. */
  #suggest: import('./search-suggestions.js').SuggestionBox | undefined;

  protected override firstUpdated(): void {
    // Fetch the filter menus while nothing else is happening, so the first click finds them.
    whenIdle(() => void this.#loadMenus());
  }

  get #input(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]');
  }

  /** Puts the caret in the search field. */
  override focus(): void {
    this.#input?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A bad query opens the editor, where the error is shown at its position; one typed into the field, under it.
    if (changed.has('queryError') && this.queryError?.isQueryError && !looksLikeQuery(this.search.text))
      void this.#openAdvanced(true);
  }

  override render() {
    const l = this.#l10n.value;
    const s = this.search;
    const any =
      s.text !== '' ||
      s.type ||
      s.tags.length ||
      s.date ||
      s.size ||
      s.unused ||
      s.advanced.conditions.length ||
      s.raw;
    const textError = looksLikeQuery(s.text) ? this.queryError?.message : undefined;
    return html`<div class="field" role="search">
        ${icon(searchIcon)}
        <input
          type="search"
          role="combobox"
          aria-autocomplete="list"
          aria-controls="suggestions"
          aria-expanded=${String(!!this.#suggest?.open && this.#suggest.items.length > 0)}
          aria-activedescendant=${this.#suggest?.activeId ?? nothing}
          .value=${s.text}
          aria-invalid=${textError ? 'true' : nothing}
          aria-describedby=${textError ? 'search-error' : nothing}
          aria-label=${l.t('searchLabel')}
          placeholder=${l.t('searchPlaceholder')}
          autocomplete="off"
          spellcheck="false"
          @input=${this.#onInput}
          @keydown=${this.#onSearchKey}
          @blur=${() => this.#suggest?.close()}
        />
        ${this.#suggest ? this.#suggest.render(l) : nothing}
        ${
          s.text
            ? html`<button
                class="btn ghost icon-only clear"
                type="button"
                aria-label=${l.t('clearSearch')}
                @click=${() => this.#change({ text: '' })}
              >
                ${icon(closeIcon)}
              </button>`
            : nothing
        }
      </div>
      ${textError ? html`<p id="search-error" class="error" role="alert">${textError}</p>` : nothing}
      <div class="chips" role="group" aria-label=${l.t('filtersLabel')}>
        ${this.#chip('type', l.t('filterType'), s.type && l.t(typeLabels[s.type]), () => this.#change({ type: undefined }))}
        ${this.#chip('tags', l.t('filterTags'), s.tags.length ? s.tags.join(', ') : undefined, () =>
          this.#change({ tags: [] }),
        )}
        ${this.#chip('date', l.t('filterDate'), this.#dateLabel(s.date), () => this.#change({ date: undefined }))}
        ${this.#chip('size', l.t('filterSize'), s.size && l.t(sizeLabels[s.size]), () => this.#change({ size: undefined }))}
        ${
          this.unusedFilter || s.unused
            ? html`<span class=${s.unused ? 'chip on' : 'chip'}
                ><button type="button" aria-pressed=${String(!!s.unused)}
                  @click=${() => this.#change({ unused: s.unused ? undefined : true })}>${l.t('filterUnused')}</button></span
              >`
            : nothing
        }
        ${
          s.raw
            ? html`<span class="chip on"
                ><button type="button" @click=${() => this.#openAdvanced(true)}>${l.t('customQuery')}</button
                ><button type="button" aria-label=${l.t('removeFilter', { name: l.t('customQuery') })} @click=${() => this.#change({ raw: undefined })}>
                  ${icon(closeIcon)}
                </button></span
              >`
            : nothing
        }
        <button
          class="btn ghost"
          type="button"
          aria-expanded=${String(this.advancedOpen)}
          aria-controls="advanced"
          @click=${() => this.#openAdvanced(!this.advancedOpen)}
        >
          ${icon(slidersIcon)}${l.t('advanced')}${
            s.advanced.conditions.length ? html` (${l.number(s.advanced.conditions.length)})` : nothing
          }
        </button>
        ${any ? html`<button class="link" type="button" @click=${() => this.#emitSearch(emptySearch)}>${l.t('clearAll')}</button>` : nothing}
      </div>
      ${
        this.builderReady
          ? html`<ml-query-builder
              id="advanced"
              ?hidden=${!this.advancedOpen}
              .search=${this.search}
              .customFields=${this.customFields}
              .query=${this.query}
              .queryError=${this.queryError}
              @search-change=${(event: CustomEvent<{ search: SearchState }>) => {
                event.stopPropagation();
                this.#emitSearch(event.detail.search);
              }}
            ></ml-query-builder>`
          : html`<div id="advanced" hidden></div>`
      }`;
  }

  async #openAdvanced(open: boolean): Promise<void> {
    if (open && !this.builderReady) {
      // The builder is a lazy chunk: most sessions never open it.
      await import('./query-builder.js');
      this.builderReady = true;
    }
    this.advancedOpen = open;
  }

  #chip(id: string, label: string, value: string | undefined, clear: () => void): TemplateResult {
    const l = this.#l10n.value;
    return html`<span class=${value ? 'chip on' : 'chip'}>
      <button type="button" popovertarget=${`${id}-menu`} aria-haspopup="true">
        ${value ? `${label}: ${value}` : label}${icon(chevronDownIcon)}
      </button>
      ${
        value
          ? html`<button type="button" aria-label=${l.t('removeFilter', { name: label })} @click=${clear}>
              ${icon(closeIcon)}
            </button>`
          : nothing
      }
      <div
        id=${`${id}-menu`}
        class="popover"
        popover
        @beforetoggle=${(event: ToggleEvent) => {
          const menu = event.target as HTMLElement;
          if (event.newState !== 'open') return;
          void this.#loadMenus().then(() => menus!.placePopover(menu, menu.parentElement!));
        }}
      >
        ${menus ? menus.filterMenu(id, l, this.search, (change) => this.#change(change)) : nothing}
      </div>
    </span>`;
  }

  /** The menus are a lazy chunk; their styles join this shadow root when it arrives. */
  async #loadMenus(): Promise<void> {
    menus ??= await import('./menus.js');
    adoptStyles(this.shadowRoot, menus.menuStyles);
    this.requestUpdate();
  }

  #dateLabel(date: DateFilter | undefined): string | undefined {
    const l = this.#l10n.value;
    if (!date) return undefined;
    if ('preset' in date) return l.t(dateLabels[date.preset]);
    return `${date.from ?? '…'} – ${date.to ?? '…'}`;
  }

  #onInput(event: InputEvent): void {
    const text = (event.target as HTMLInputElement).value;
    void this.#suggestFor(text);
    clearTimeout(this.#typing);
    this.#typing = setTimeout(() => {
      this.#typing = undefined;
      this.#change({ text });
    }, typingDelayMs);
  }

  async #suggestFor(text: string): Promise<void> {
    suggestions ??= await import('./search-suggestions.js');
    adoptStyles(this.shadowRoot, suggestions.suggestionStyles);
    // Selecting a suggestion runs its query in place of the words typed.
    this.#suggest ??= new suggestions.SuggestionBox(this, (picked) => {
      if (this.#input) this.#input.value = '';
      this.#emitSearch({ ...this.search, text: '', raw: picked.searchQuery });
    });
    if (this.#input?.value === text) this.#suggest.typed(text);
  }

  #onSearchKey(event: KeyboardEvent): void {
    if (this.#suggest?.handleKey(event)) return;
    if (event.key === 'Enter') {
      this.#change({ text: (event.target as HTMLInputElement).value });
    }
    if (event.key === 'Escape' && (event.target as HTMLInputElement).value) {
      // Escape clears the field first; the next one closes the dialog.
      event.preventDefault();
      event.stopPropagation();
      // Cleared here too: words typed within the typing delay never reached the search state.
      (event.target as HTMLInputElement).value = '';
      this.#change({ text: '' });
    }
  }

  #change(change: Partial<SearchState>): void {
    // Words typed a moment ago, still waiting out the typing delay, go with the change (a filter
    // picked right after typing), not lost to it.
    const typed = this.#typing === undefined ? {} : { text: this.#input?.value ?? '' };
    this.#emitSearch({ ...this.search, ...typed, ...change });
  }

  #emitSearch(search: SearchState): void {
    clearTimeout(this.#typing);
    this.#typing = undefined;
    emit(this, 'search-change', { search });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#typing);
  }
}

customElements.get('ml-search-bar') || customElements.define('ml-search-bar', SearchBarElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-search-bar': SearchBarElement;
  }
}
