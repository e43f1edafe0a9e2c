import '../i18n/en-ai.js';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { similarFiles } from '../../client/discovery.js';
import type { SimilarAnswer } from '../../shared/discovery.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { libraryContext } from '../state/contexts.js';
import { fileIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';
import { sideViewStyles } from './side-view-styles.js';
import { hasThumbnail } from './thumbnails.js';

/**
 * "Find similar" (`GET /_ml/files/{id}/similar`): the images that look most like one, most alike
 * first, in place of the files. Escape or Back returns to them; a result opens its details.
 *
 * @fires similar-close - the user went back to the files.
 * @fires similar-activate - `{ file }`: show this result's details.
 */
export class SimilarViewElement extends LitElement {
  static override styles = [
    shared,
    sideViewStyles,
    css`
      h3 {
        overflow-wrap: anywhere;
      }
      ul {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
        gap: 10px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li > button {
        display: flex;
        flex-direction: column;
        gap: 4px;
        width: 100%;
        padding: 6px;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        color: inherit;
        text-align: start;
        cursor: pointer;
      }
      li > button:hover {
        border-color: var(--_accent);
      }
      .thumb {
        display: flex;
        align-items: center;
        justify-content: center;
        aspect-ratio: 1;
        overflow: hidden;
        border-radius: calc(var(--_radius) - 2px);
        background: var(--_bg);
      }
      .thumb img {
        width: 100%;
        height: 100%;
        object-fit: contain;
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .match {
        color: var(--_muted);
        font-size: 12px;
      }
    `,
  ];

  /** The image the others are compared with. */
  @property({ attribute: false }) file: MediaFile | undefined;
  @state() private answer: SimilarAnswer | undefined;
  @state() private error: string | undefined;
  readonly #l10n = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext, subscribe: false });
  #asked: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.#onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.#onKey);
  }

  #onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    event.stopPropagation();
    emit(this, 'similar-close');
  };

  protected override willUpdate(): void {
    const file = this.file;
    if (file && this.#asked !== file.fileId) {
      this.#asked = file.fileId;
      this.answer = undefined;
      this.error = undefined;
      void this.#load(file);
    }
  }

  async #load(file: MediaFile): Promise<void> {
    try {
      const { client } = await this.#library.value!.connection();
      const answer = await similarFiles(client, file.fileId);
      if (this.#asked === file.fileId) this.answer = answer;
    } catch (error) {
      if (this.#asked === file.fileId) this.error = toMediaError(error).message;
    }
  }

  /** Puts focus on the heading, so a screen reader says what is shown. */
  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('h3')?.focus();
  }

  override render() {
    const l = this.#l10n.value;
    const similar = this.answer?.similar;
    return html`<header>
        <h3 id="similar-title" tabindex="-1">${l.t('similarTo', { name: this.file?.name ?? '' })}</h3>
        <button class="btn" type="button" data-action="back" @click=${() => emit(this, 'similar-close')}>${l.t('similarBack')}</button>
      </header>
      ${this.error ? html`<p class="alert" role="alert">${l.t('similarFailed', { message: this.error })}</p>` : nothing}
      <div role="status">
        ${
          similar === undefined
            ? this.error
              ? nothing
              : html`<p class="muted">${l.t('similarLoading')}</p>`
            : similar.length === 0
              ? html`<p class="muted">${l.t('similarNone')}</p>`
              : nothing
        }
      </div>
      ${
        similar?.length
          ? html`<ul aria-labelledby="similar-title">
              ${similar.map(
                ({ file, distance }) => html`<li>
                  <button type="button" @click=${() => emit(this, 'similar-activate', { file })}>
                    <span class="thumb">${
                      hasThumbnail(file)
                        ? html`<img src=${file.thumbnail} alt="" loading="lazy" />`
                        : icon(fileIcon(file.mime))
                    }</span>
                    <span class="name">${file.name}</span>
                    <span class="match">${l.t('similarMatch', { percent: Math.round((1 - distance) * 100) })}</span>
                  </button>
                </li>`,
              )}
            </ul>`
          : nothing
      }`;
  }
}

customElements.get('ml-similar-view') || customElements.define('ml-similar-view', SimilarViewElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-similar-view': SimilarViewElement;
  }
}
