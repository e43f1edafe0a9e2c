import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { suggestTags } from '../../client/editing.js';
import { property, state } from '../decorators.js';
import { libraryContext } from '../state/contexts.js';
import { closeIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { emit } from './part-events.js';

let nextId = 0;

/** ImageKit's limit on all of a file's tags, joined by commas. */
export const maxTagsLength = 500;

/**
 * Tags as chips with a combobox that suggests tags already in the library (ARIA combobox with a
 * listbox popup). Enter or comma adds, Backspace in an empty field removes the last chip. What
 * the server would refuse (`%`, more than 500 characters of tags together) is said under the
 * field as it is typed, and not added.
 *
 * @fires tags-change - `{ tags }` after a chip is added or removed.
 */
export class TagInputElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .box {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        align-items: center;
      }
      ul {
        display: contents;
        list-style: none;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 2px;
        padding: 0 2px 0 8px;
        max-width: 100%;
        border-radius: 999px;
        background: var(--_surface);
        font-size: 12px;
        overflow-wrap: anywhere;
      }
      .chip button {
        display: inline-flex;
        padding: 2px;
        border: 0;
        border-radius: 999px;
        background: none;
        cursor: pointer;
      }
      .error {
        margin: 4px 0 0;
        color: var(--_danger);
        font-size: 12px;
      }
      .chip .icon {
        width: 12px;
        height: 12px;
      }
      .field {
        position: relative;
        flex: 1 1 8em;
      }
      input {
        width: 100%;
        box-sizing: border-box;
      }
      [role='listbox'] {
        position: absolute;
        z-index: 2;
        inset: 100% 0 auto;
        margin: 2px 0 0;
        padding: 4px 0;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) - 2px);
        background: var(--_raised);
        box-shadow: var(--_shadow);
        list-style: none;
      }
      [role='option'] {
        padding: 4px 8px;
        cursor: pointer;
      }
      [role='option'][aria-selected='true'] {
        background: var(--_accent-soft);
      }
    `,
  ];

  /** The chips. */
  @property({ attribute: false }) tags: string[] = [];
  /**
   * Answers suggestions for what is typed; empty when there are none. Without one, the tags of
   * the library the field is in (`GET /_ml/tags`, read-only sessions included).
   */
  @property({ attribute: false }) suggest: ((prefix: string) => Promise<string[]>) | undefined;
  /** Accessible name of the text field. */
  @property() label = '';
  @property({ type: Boolean }) disabled = false;
  @state() private options: string[] = [];
  @state() private active = -1;
  /** Why what is typed cannot become a tag. */
  @state() private problem: string | undefined;
  readonly #l10n = new LocalizeController(this);
  readonly #listId = `tags-${++nextId}`;
  readonly #library = new ContextConsumer(this, { context: libraryContext });
  #asked = 0;

  override focus(): void {
    this.renderRoot.querySelector('input')?.focus();
  }

  override render() {
    const l = this.#l10n.value;
    const open = this.options.length > 0;
    return html`<div class="box">
      <ul aria-label=${this.label}>
        ${this.tags.map(
          (tag) => html`<li class="chip">
            ${tag}<button
              type="button"
              aria-label=${l.t('removeTag', { name: tag })}
              ?disabled=${this.disabled}
              @click=${() => this.#change(this.tags.filter((t) => t !== tag))}
            >
              ${icon(closeIcon)}
            </button>
          </li>`,
        )}
      </ul>
      <div class="field">
        <input
          type="text"
          role="combobox"
          aria-label=${this.label}
          aria-autocomplete="list"
          aria-expanded=${String(open)}
          aria-controls=${this.#listId}
          aria-activedescendant=${this.active >= 0 ? `${this.#listId}-${this.active}` : nothing}
          placeholder=${l.t('tagsPlaceholder')}
          autocomplete="off"
          maxlength=${maxTagsLength}
          aria-invalid=${this.problem ? 'true' : nothing}
          aria-describedby=${this.problem ? `${this.#listId}-error` : nothing}
          ?disabled=${this.disabled}
          @input=${this.#onInput}
          @keydown=${this.#onKeyDown}
          @blur=${() => {
            this.options = [];
          }}
        />
        <ul role="listbox" id=${this.#listId} aria-label=${l.t('tagSuggestions')} ?hidden=${!open}>
          ${this.options.map(
            (option, index) => html`<li
              role="option"
              id=${`${this.#listId}-${index}`}
              aria-selected=${String(index === this.active)}
              @mousedown=${(event: Event) => {
                // Keeps focus in the field, so blur does not close the list first.
                event.preventDefault();
                this.#add(option);
              }}
            >
              ${option}
            </li>`,
          )}
        </ul>
      </div>
    </div>
    ${this.problem ? html`<p class="error" id=${`${this.#listId}-error`} role="alert">${this.problem}</p>` : nothing}`;
  }

  /** What the server would say to `text` as one more tag; undefined when it is fine. */
  #problemWith(text: string): string | undefined {
    const l = this.#l10n.value;
    const tag = text.trim();
    if (tag.includes('%')) return l.t('tagPercent');
    const length = [...this.tags, tag].join(',').length;
    if (tag && length > maxTagsLength) return l.t('tagsTooLong', { max: maxTagsLength, count: length });
    return undefined;
  }

  get #input(): HTMLInputElement {
    return this.renderRoot.querySelector('input')!;
  }

  async #onInput(): Promise<void> {
    const text = this.#input.value;
    if (text.includes(',')) {
      const parts = text.split(',');
      // Each finished part becomes a chip, until one cannot: it stays in the field with the reason.
      while (parts.length > 1 && !this.#problemWith(parts[0]!)) this.#add(parts.shift()!);
      this.#input.value = parts.join(',');
      this.problem = this.#problemWith(parts[0]!);
      return;
    }
    this.problem = this.#problemWith(text);
    const prefix = text.trim();
    const asked = ++this.#asked;
    const host = this.#library.value;
    const suggest =
      this.suggest ?? (host && ((p: string) => host.connection().then((c) => suggestTags(c.client, p))));
    if (!prefix || !suggest) {
      this.options = [];
      return;
    }
    const found = await suggest(prefix).catch(() => []);
    // An older answer arriving late must not replace a newer one.
    if (asked !== this.#asked) return;
    this.options = found.filter((tag) => !this.tags.includes(tag));
    this.active = -1;
  }

  #onKeyDown(event: KeyboardEvent): void {
    const count = this.options.length;
    if (event.key === 'ArrowDown' && count) {
      event.preventDefault();
      this.active = (this.active + 1) % count;
    } else if (event.key === 'ArrowUp' && count) {
      event.preventDefault();
      this.active = (this.active - 1 + count) % count;
    } else if (event.key === 'Escape' && count) {
      event.preventDefault();
      event.stopPropagation();
      this.options = [];
    } else if (event.key === 'Enter') {
      const text = this.options[this.active] ?? this.#input.value;
      if (!text.trim()) return;
      event.preventDefault();
      this.problem = this.#problemWith(text);
      if (!this.problem) this.#add(text);
    } else if (event.key === 'Backspace' && this.#input.value === '' && this.tags.length) {
      this.#change(this.tags.slice(0, -1));
    }
  }

  #add(text: string): void {
    const tag = text.trim();
    this.#input.value = '';
    this.options = [];
    this.active = -1;
    this.#asked++;
    if (tag && !this.tags.includes(tag)) this.#change([...this.tags, tag]);
  }

  #change(tags: string[]): void {
    this.tags = tags;
    // Removing a chip may make room for what is typed.
    this.problem = this.#problemWith(this.#input.value);
    emit(this, 'tags-change', { tags });
  }
}

customElements.get('ml-tag-input') || customElements.define('ml-tag-input', TagInputElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-tag-input': TagInputElement;
  }
}
