import '../i18n/en-ai-providers.js';
import { css, html, LitElement, nothing } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { aiCapabilities } from './ai-capabilities.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';

/**
 * "Suggest alt text" beside the alt text field, where the server has a captioner: asks
 * `POST /_ml/files/{id}/alt-text-suggestion` and hands the answer up to fill the field, for the
 * user to review before saving. Renders nothing where the server offers no captioner.
 *
 * @fires alt-suggested - `{ altText }`: the suggestion, for the field.
 */
export class AltSuggestElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
      }
      :host([hidden]) {
        display: none;
      }
      .hint {
        color: var(--_muted);
        font-size: 12px;
      }
      .field-error {
        flex-basis: 100%;
        margin: 0;
        color: var(--_danger);
        font-size: 12px;
      }
    `,
  ];

  /** Asks through this client (the session's, with write access). */
  @property({ attribute: false }) client: MediaClient | undefined;
  /** The file to describe. */
  @property({ attribute: false }) file: MediaFile | undefined;
  /** The form is saving: no suggestion meanwhile. */
  @property({ type: Boolean }) disabled = false;
  @state() private available = false;
  @state() private busy = false;
  @state() private problem: string | undefined;
  @state() private suggested = false;
  readonly #l10n = new LocalizeController(this);
  #askedFor: MediaClient | undefined;
  #request = 0;

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    const client = this.client;
    if (client && client !== this.#askedFor) {
      this.#askedFor = client;
      void aiCapabilities(client).then((capabilities) => {
        if (this.client === client) this.available = capabilities?.altText === true;
      });
    }
    const previous = changed.get('file') as MediaFile | undefined;
    if (changed.has('file') && previous?.fileId !== this.file?.fileId) {
      this.#request++;
      this.busy = false;
      this.problem = undefined;
      this.suggested = false;
    }
  }

  override render() {
    const file = this.file;
    if (!this.available || !file || file.fileType !== 'image') return nothing;
    const l = this.#l10n.value;
    return html`<button class="btn" type="button" ?disabled=${this.disabled || this.busy}
        aria-busy=${String(this.busy)} aria-describedby=${this.problem ? 'suggest-problem' : nothing}
        @click=${() => void this.#suggest(file)}>
        ${this.busy ? l.t('suggestingAltText') : l.t('suggestAltText')}
      </button>
      <span class="hint" role="status">${this.suggested ? l.t('altTextSuggested') : ''}</span>
      ${this.problem ? html`<p class="field-error" id="suggest-problem" role="alert">${this.problem}</p>` : nothing}`;
  }

  async #suggest(file: MediaFile): Promise<void> {
    const client = this.client;
    if (!client) return;
    const request = ++this.#request;
    this.busy = true;
    this.problem = undefined;
    this.suggested = false;
    try {
      const { altText } = await client.request<{ altText: string }>(
        'POST',
        `/_ml/files/${encodeURIComponent(file.fileId)}/alt-text-suggestion`,
        { json: { language: this.#l10n.value.lang } },
      );
      if (request !== this.#request) return;
      this.suggested = true;
      this.dispatchEvent(new CustomEvent('alt-suggested', { detail: { altText } }));
    } catch (error) {
      if (request === this.#request) this.problem = toMediaError(error).message;
    } finally {
      if (request === this.#request) this.busy = false;
    }
  }
}

customElements.get('ml-alt-suggest') ?? customElements.define('ml-alt-suggest', AltSuggestElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-alt-suggest': AltSuggestElement;
  }
}
