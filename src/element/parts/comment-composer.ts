import '../i18n/en-comments.js';
import { css, html, LitElement, nothing } from 'lit';
import { mentionable } from '../../client/comments.js';
import type { MediaClient } from '../../client/media-client.js';
import { type MentionCandidate, maxCommentLength } from '../../shared/comments.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';

/** The most mention suggestions shown at once. */
const maxSuggestions = 6;
/** What the composer hands over: the text, and who its `@Name`s stand for. */
export interface ComposedComment {
  text: string;
  mentions: Array<{ type: 'user' | 'group'; id: string }>;
}

/** `@` and what follows it up to the caret, when the caret is right after a mention being typed. */
const typedMention = /(?:^|\s)@([^\s@]{0,40})$/u;

let composers = 0;

/**
 * A comment box with `@`-autocomplete of users and groups, the combobox pattern for a multi-line
 * box: the textarea (a textbox: `combobox` is not allowed on it) has `aria-autocomplete="list"`,
 * `aria-haspopup="listbox"` and `aria-activedescendant` on the suggestions' listbox; Up and Down
 * move, Enter or Tab pick, Escape closes. Ctrl/Cmd+Enter sends.
 *
 * @fires composer-submit - `{ text, mentions }`
 * @fires composer-cancel - the Cancel button (shown when `cancellable`)
 */
export class CommentComposerElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        position: relative;
      }
      textarea {
        display: block;
        width: 100%;
        min-height: 64px;
        padding: 6px 8px;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) - 2px);
        background: var(--_raised);
        resize: vertical;
      }
      [role='listbox'] {
        position: absolute;
        z-index: 5;
        inset-inline: 0;
        margin: 2px 0 0;
        padding: 4px 0;
        list-style: none;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) - 2px);
        background: var(--_raised);
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.15);
      }
      [role='option'] {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        padding: 4px 10px;
        cursor: pointer;
      }
      [role='option'][aria-selected='true'] {
        background: var(--_accent-soft);
      }
      .kind {
        color: var(--_muted);
        font-size: 12px;
      }
      .row {
        display: flex;
        align-items: center;
        justify-content: flex-end;
        gap: 6px;
        margin-top: 6px;
      }
      .count {
        margin-inline-end: auto;
        color: var(--_muted);
        font-size: 12px;
      }
      .count.over {
        color: var(--_danger);
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  /** The textarea's accessible name. */
  @property() label = '';
  @property() placeholder = '';
  @property({ attribute: 'submit-label' }) submitLabel = '';
  @property({ type: Boolean }) cancellable = false;
  /** Text to start with (an edit). */
  @property() value = '';
  @property({ type: Boolean }) busy = false;
  @state() private text = '';
  @state() private suggestions: MentionCandidate[] = [];
  @state() private active = -1;
  @state() private open = false;
  readonly #l10n = new LocalizeController(this);
  readonly #id = `composer-${++composers}`;
  /** `@Name` → who it stands for, as picked from the suggestions. */
  readonly #picked = new Map<string, { type: 'user' | 'group'; id: string }>();
  #asked = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('value')) this.text = this.value;
  }

  /** Puts the caret in the box. */
  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  get #textarea(): HTMLTextAreaElement {
    return this.renderRoot.querySelector('textarea')!;
  }

  #onInput = (): void => {
    this.text = this.#textarea.value;
    const before = this.text.slice(0, this.#textarea.selectionStart);
    const match = typedMention.exec(before);
    clearTimeout(this.#timer);
    if (!match || !this.client) {
      this.#close();
      return;
    }
    const query = match[1]!;
    this.#timer = setTimeout(() => void this.#suggest(query), 120);
  };

  async #suggest(query: string): Promise<void> {
    const asked = ++this.#asked;
    try {
      const found = await mentionable(this.client!, query);
      if (asked !== this.#asked) return;
      // A short list that never scrolls: typing narrows it (a scrolled listbox would need its own tab stop).
      this.suggestions = found.slice(0, maxSuggestions);
      this.active = found.length > 0 ? 0 : -1;
      this.open = true;
    } catch {
      this.#close();
    }
  }

  #close(): void {
    this.open = false;
    this.suggestions = [];
    this.active = -1;
  }

  #pick(candidate: MentionCandidate): void {
    const area = this.#textarea;
    const caret = area.selectionStart;
    const before = this.text.slice(0, caret);
    const at = before.lastIndexOf('@');
    const inserted = `@${candidate.name} `;
    this.text = before.slice(0, at) + inserted + this.text.slice(caret);
    this.#picked.set(`@${candidate.name}`, { type: candidate.type, id: candidate.id });
    area.value = this.text;
    const position = at + inserted.length;
    area.setSelectionRange(position, position);
    this.#close();
    area.focus();
  }

  #onKeydown = (event: KeyboardEvent): void => {
    if (this.open && this.suggestions.length > 0) {
      const n = this.suggestions.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.active = (this.active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        this.#pick(this.suggestions[this.active]!);
        return;
      }
    }
    if (this.open && event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.#close();
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.#submit();
    }
  };

  #submit(): void {
    const text = this.text;
    if (text.trim() === '' || text.length > maxCommentLength || this.busy) return;
    const mentions = [...this.#picked].filter(([name]) => text.includes(name)).map(([, who]) => who);
    this.dispatchEvent(new CustomEvent<ComposedComment>('composer-submit', { detail: { text, mentions } }));
  }

  /** Empties the box after a comment went out. */
  clear(): void {
    this.text = '';
    this.#picked.clear();
    const area = this.renderRoot.querySelector('textarea');
    if (area) area.value = '';
  }

  override render() {
    const l = this.#l10n.value;
    const listId = `${this.#id}-list`;
    const over = this.text.length > maxCommentLength;
    return html`<textarea
        aria-label=${this.label}
        placeholder=${this.placeholder}
        aria-autocomplete="list"
        aria-haspopup="listbox"
        aria-controls=${listId}
        aria-activedescendant=${this.open && this.active >= 0 ? `${this.#id}-option-${this.active}` : nothing}
        aria-invalid=${over ? 'true' : nothing}
        .value=${this.text}
        @input=${this.#onInput}
        @keydown=${this.#onKeydown}
        @blur=${() => setTimeout(() => this.#close(), 150)}></textarea>
      <ul role="listbox" id=${listId} aria-label=${l.t('mentionSuggestions')} ?hidden=${!this.open}>
        ${
          this.suggestions.length === 0
            ? html`<li class="kind">${l.t('mentionNone')}</li>`
            : this.suggestions.map(
                (
                  s,
                  i,
                ) => html`<li role="option" id=${`${this.#id}-option-${i}`} aria-selected=${String(i === this.active)}
                  @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.#pick(s)}>
                  <span>${s.name}</span><span class="kind">${s.type === 'group' ? l.t('mentionGroup') : s.email}</span>
                </li>`,
              )
        }
      </ul>
      <div class="row">
        <span class="count ${over ? 'over' : ''}" aria-live="polite">${
          over || this.text.length > maxCommentLength * 0.9
            ? l.t('commentTooLong', { max: maxCommentLength, count: this.text.length })
            : nothing
        }</span>
        <slot></slot>
        ${
          this.cancellable
            ? html`<button class="btn" type="button" @click=${() => this.dispatchEvent(new CustomEvent('composer-cancel'))}>${l.t('commentCancel')}</button>`
            : nothing
        }
        <button class="btn primary" type="button" ?disabled=${this.busy || over || this.text.trim() === ''}
          @click=${this.#submit}>${this.submitLabel || l.t('commentSend')}</button>
      </div>`;
  }
}

customElements.get('ml-comment-composer') ||
  customElements.define('ml-comment-composer', CommentComposerElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-comment-composer': CommentComposerElement;
  }
}
