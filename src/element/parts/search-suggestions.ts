import { ContextConsumer } from '@lit/context';
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { suggest } from '../../client/discovery.js';
import { isAbortError } from '../../client/errors.js';
import type { Suggestion } from '../../shared/discovery.js';
import '../i18n/en-ai.js';
import type { Localizer } from '../i18n/localize.js';
import { libraryContext } from '../state/contexts.js';

/** Waits this long after the last key before asking the server. */
const typingDelayMs = 150;
const shown = 8;

const kindLabels = {
  name: 'suggestionName',
  tag: 'suggestionTag',
  aiTag: 'suggestionAiTag',
  folder: 'suggestionFolder',
} as const;

/**
 * The search field's suggestions (a lazy chunk, loaded on the first key): the listbox of an ARIA
 * combobox whose input stays in the search bar. It asks `GET /_ml/suggest` as the person types
 * (debounced, the previous question aborted), moves the active option with Down and Up, picks it
 * with Enter or a click, and closes on Escape or when the field loses focus.
 */
export class SuggestionBox implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #library: ContextConsumer<typeof libraryContext, ReactiveControllerHost & HTMLElement>;
  readonly #pick: (suggestion: Suggestion) => void;
  items: Suggestion[] = [];
  /** The option the keyboard is on; -1 for none. */
  active = -1;
  open = false;
  loading = false;
  error: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #asking: AbortController | undefined;
  #text = '';

  constructor(host: ReactiveControllerHost & HTMLElement, pick: (suggestion: Suggestion) => void) {
    this.#host = host;
    this.#pick = pick;
    this.#library = new ContextConsumer(host, { context: libraryContext, subscribe: false });
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.close();
  }

  /** The id `aria-activedescendant` names, if an option is active. */
  get activeId(): string | undefined {
    return this.open && this.active >= 0 ? `suggestion-${this.active}` : undefined;
  }

  /** The field now holds `text`: ask again after a pause. */
  typed(text: string): void {
    this.#text = text.trim();
    clearTimeout(this.#timer);
    this.#asking?.abort();
    if (this.#text === '' || looksLikeQueryText(this.#text)) {
      this.close();
      return;
    }
    this.loading = true;
    this.#host.requestUpdate();
    this.#timer = setTimeout(() => void this.#ask(this.#text), typingDelayMs);
  }

  async #ask(text: string): Promise<void> {
    const asking = new AbortController();
    this.#asking = asking;
    try {
      const { client } = await this.#library.value!.connection();
      const items = await suggest(client, text, shown, { signal: asking.signal });
      if (asking.signal.aborted) return;
      this.items = items;
      this.error = undefined;
      this.open = true;
      this.active = -1;
    } catch (error) {
      if (isAbortError(error) || asking.signal.aborted) return;
      this.items = [];
      this.error = (error as Error).message;
      this.open = true;
    } finally {
      if (this.#asking === asking) this.loading = false;
      this.#host.requestUpdate();
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#asking?.abort();
    this.open = false;
    this.loading = false;
    this.active = -1;
    this.#host.requestUpdate();
  }

  /** Handles a key in the field; true when it was the suggestions' (the field does nothing more). */
  handleKey(event: KeyboardEvent): boolean {
    const count = this.items.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (count === 0) return false;
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.open = true;
        this.active = this.active < 0 && step < 0 ? count - 1 : (this.active + step + count) % count;
        this.#host.requestUpdate();
        return true;
      }
      case 'Enter':
        if (!this.open || this.active < 0) {
          this.close();
          return false;
        }
        event.preventDefault();
        this.#choose(this.items[this.active]!);
        return true;
      case 'Escape':
        if (!this.open && !this.loading) return false;
        event.preventDefault();
        event.stopPropagation();
        this.close();
        return true;
      default:
        return false;
    }
  }

  #choose(suggestion: Suggestion): void {
    this.items = [];
    this.close();
    this.#pick(suggestion);
  }

  render(l: Localizer) {
    const visible = this.open && (this.items.length > 0 || this.error !== undefined);
    return html`<ul
        id="suggestions"
        class="suggestions"
        role="listbox"
        aria-label=${l.t('suggestionsLabel')}
        ?hidden=${!visible || this.items.length === 0}
      >
        ${this.items.map(
          (item, i) => html`<li
            id=${`suggestion-${i}`}
            role="option"
            class=${i === this.active ? 'active' : ''}
            aria-selected=${String(i === this.active)}
            @mousedown=${(event: MouseEvent) => event.preventDefault()}
            @click=${() => this.#choose(item)}
          >
            <span class="label">${item.label}</span>
            <span class="kind">${
              item.kind === 'metadata'
                ? l.t('suggestionMetadata', { field: item.field ?? '' })
                : l.t(kindLabels[item.kind])
            }${item.kind === 'folder' || item.kind === 'name' ? html` · ${item.path}` : nothing}</span>
          </li>`,
        )}
      </ul>
      <p class=${this.loading ? 'suggestions-status loading' : 'suggestions-status'} role="status">${
        this.loading
          ? l.t('suggestionsLoading')
          : visible && this.error
            ? l.t('suggestionsFailed', { message: this.error })
            : visible
              ? l.t('suggestionsCount', { count: this.items.length })
              : ''
      }</p>`;
  }
}

/** Query syntax typed into the field (`size > 1mb`) gets no suggestions: the field runs it as a query. */
function looksLikeQueryText(text: string): boolean {
  return /[=<>:[\]]/.test(text);
}

export const suggestionStyles = css`
  .suggestions {
    position: absolute;
    inset-inline: 0;
    top: calc(100% + 4px);
    z-index: 5;
    margin: 0;
    padding: 4px;
    list-style: none;
    max-height: 320px;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised, var(--_bg));
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
  }
  .suggestions li {
    display: flex;
    justify-content: space-between;
    gap: 12px;
    padding: 6px 10px;
    border-radius: calc(var(--_radius) - 2px);
    cursor: pointer;
  }
  .suggestions li:hover,
  .suggestions li.active {
    background: var(--_accent-soft);
    color: var(--_accent);
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .suggestions .label {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .suggestions .kind {
    color: var(--_muted);
    font-size: 12px;
    white-space: nowrap;
  }
  .suggestions-status.loading {
    margin: 0;
    color: var(--_muted);
    font-size: 12px;
  }
  .suggestions-status:not(.loading) {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
