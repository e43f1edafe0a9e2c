import './folder-tree.js';
import { css, html, LitElement, type PropertyValues } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import { allOf, condition } from '../../client/search-query.js';
import { property, state } from '../decorators.js';
import { FolderTree } from '../state/folder-tree.js';
import { normalizeFolderPath } from '../state/listing.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';

const typingDelayMs = 250;

/**
 * Where to move or copy to: the folder tree (children load as folders open) with a search for
 * folders by name (ImageKit's `name :`, which matches the start of a name, case-sensitively).
 *
 * @fires pick - `{ path }`: a folder was chosen (`/` or `/a/b`).
 */
export class FolderPickerElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .tree {
        max-height: 240px;
        overflow: auto;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) - 2px);
      }
      ul.found {
        margin: 0;
        padding: 4px;
        list-style: none;
      }
      .found button {
        width: 100%;
        padding: 6px 8px;
        border: 0;
        border-radius: 4px;
        background: none;
        text-align: start;
        overflow-wrap: anywhere;
        cursor: pointer;
      }
      .found button:hover,
      .found [aria-pressed='true'] {
        background: var(--_accent-soft);
      }
      p {
        margin: 0;
        padding: 8px;
        color: var(--_muted);
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  /** The folder the element is confined to: the tree starts there. */
  @property() root = '/';
  /** A folder to show opened at the start (where the files are now). */
  @property() reveal = '/';
  /** The folder chosen, if any. */
  @property() picked: string | undefined;
  @state() private found: string[] | undefined;
  @state() private error: string | undefined;
  readonly #l10n = new LocalizeController(this);
  readonly #tree = new FolderTree();
  #typing: ReturnType<typeof setTimeout> | undefined;
  #asked = 0;

  constructor() {
    super();
    this.#tree.subscribe(() => this.requestUpdate());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') || changed.has('root')) {
      this.#tree.reset(this.root, this.client);
      void this.#tree.reveal(this.reveal);
    }
  }

  /** Puts the caret in the search field. */
  override focus(): void {
    this.renderRoot.querySelector('input')?.focus();
  }

  override render() {
    const l = this.#l10n.value;
    return html`<label for="find">${l.t('findFolder')}</label>
      <input id="find" type="search" autocomplete="off" @input=${this.#onInput} />
      <div class="tree">
        ${
          this.found
            ? this.found.length
              ? html`<ul class="found" aria-label=${l.t('foundFolders')}>
                  ${this.found.map(
                    (path) => html`<li>
                      <button type="button" aria-pressed=${String(path === this.picked)} @click=${() => this.#pick(path)}>
                        ${path}
                      </button>
                    </li>`,
                  )}
                </ul>`
              : html`<p role="status">${this.error ?? l.t('noFolderFound')}</p>`
            : html`<ml-folder-tree
                .rows=${this.#tree.rows()}
                .current=${this.picked ?? ''}
                @navigate=${(e: CustomEvent<{ path: string }>) => this.#pick(e.detail.path)}
                @folder-toggle=${(e: CustomEvent<{ path: string; expand: boolean }>) =>
                  e.detail.expand
                    ? void this.#tree.expand(e.detail.path)
                    : this.#tree.collapse(e.detail.path)}
              ></ml-folder-tree>`
        }
      </div>`;
  }

  #pick(path: string): void {
    emit(this, 'pick', { path: normalizeFolderPath(path) });
  }

  #onInput(event: Event): void {
    const text = (event.target as HTMLInputElement).value.trim();
    clearTimeout(this.#typing);
    this.#typing = setTimeout(() => void this.#search(text), typingDelayMs);
  }

  async #search(text: string): Promise<void> {
    const asked = ++this.#asked;
    const client = this.client;
    if (!text || !client) {
      this.found = undefined;
      return;
    }
    let found: string[] = [];
    this.error = undefined;
    try {
      const folders = await client.listAssets({
        searchQuery: allOf(
          condition('type', '=', 'folder'),
          this.root === '/' ? undefined : condition('path', ':', `${this.root}/`),
          condition('name', ':', text),
        ),
        sort: 'ASC_NAME',
        limit: 100,
      });
      found = folders.flatMap((f) => (f.type === 'folder' ? [normalizeFolderPath(f.folderPath)] : []));
    } catch (failure) {
      this.error = toMediaError(failure).message;
    }
    // An older answer arriving late must not replace a newer one.
    if (asked === this.#asked) this.found = found;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#typing);
  }
}

customElements.get('ml-folder-picker') || customElements.define('ml-folder-picker', FolderPickerElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-folder-picker': FolderPickerElement;
  }
}
