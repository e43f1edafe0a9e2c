import '../i18n/en-ai-jobs.js';
import { css, html, LitElement, nothing } from 'lit';
import { updateFileDetails } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { aiCapabilities } from './ai-capabilities.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';

/** The formats the server keeps transparency in; anything else gets a background colour. */
const keepsAlpha = (file: MediaFile) => file.mime === 'image/png' || file.mime === 'image/webp';

/**
 * "Remove background" in the details panel, where the server has a background remover and the
 * session may edit the file: asks first (the result is a new version of the file, ImageKit's
 * `remove-bg` on an update; the current one stays in the history), with the new background
 * (transparent, where the format keeps it, or a colour), then asks the server with
 * `PATCH /v1/files/{id}/details` `extensions: [{name: 'remove-bg', options}]`. The job runs on
 * the server; the panel watches it. Renders nothing where the server removes no backgrounds.
 *
 * @fires ai-job-started - `{ file, removingBackground: true }`: the job is asked for.
 */
export class RemoveBackgroundElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .confirm {
        display: flex;
        flex-direction: column;
        gap: 8px;
        padding: 8px;
        border-radius: 6px;
        background: var(--_accent-soft);
        font-size: 13px;
      }
      .confirm p {
        margin: 0;
      }
      fieldset {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 12px;
        margin: 0;
        padding: 0;
        border: 0;
      }
      legend {
        padding: 0 0 4px;
        color: var(--_muted);
        font-size: 12px;
        font-weight: 600;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 4px;
      }
      input[type='color'] {
        width: 36px;
        height: 24px;
        padding: 0;
      }
      .hint {
        color: var(--_muted);
        font-size: 12px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .field-error {
        margin: 0;
        color: var(--_danger);
        font-size: 12px;
      }
      [aria-disabled='true'] {
        opacity: 0.6;
        cursor: default;
      }
    `,
  ];

  /** Asks through this client (the session's, with write access). */
  @property({ attribute: false }) client: MediaClient | undefined;
  /** The file whose background goes. */
  @property({ attribute: false }) file: MediaFile | undefined;
  /** A job on the file is running: no second one meanwhile. */
  @property({ type: Boolean }) running = false;
  @state() private available = false;
  @state() private asking = false;
  @state() private busy = false;
  @state() private fill: 'transparent' | 'colour' = 'transparent';
  @state() private colour = '#ffffff';
  @state() private problem: string | undefined;
  readonly #l10n = new LocalizeController(this);
  #askedFor: MediaClient | undefined;

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    const client = this.client;
    if (client && client !== this.#askedFor) {
      this.#askedFor = client;
      void aiCapabilities(client).then((capabilities) => {
        if (this.client === client) this.available = capabilities?.backgroundRemoval === true;
      });
    }
    const previous = changed.get('file') as MediaFile | undefined;
    if (changed.has('file') && previous?.fileId !== this.file?.fileId) {
      this.asking = false;
      this.problem = undefined;
    }
  }

  override render() {
    const file = this.file;
    if (!this.available || !this.client || !file || file.fileType !== 'image') return nothing;
    const l = this.#l10n.value;
    const blocked = this.running || this.busy;
    return html`<button class="btn" type="button" data-action="remove-background" aria-expanded=${String(this.asking)}
        aria-controls="remove-bg-ask" aria-disabled=${String(blocked)}
        aria-describedby=${this.problem ? 'remove-bg-problem' : nothing}
        @click=${() => {
          if (!blocked) void this.#ask(!this.asking);
        }}>${l.t('removeBackground')}</button>
      ${this.asking ? this.#renderAsk(file) : nothing}
      ${this.problem ? html`<p class="field-error" id="remove-bg-problem" role="alert">${this.problem}</p>` : nothing}`;
  }

  #renderAsk(file: MediaFile) {
    const l = this.#l10n.value;
    const alpha = keepsAlpha(file);
    const colour = !alpha || this.fill === 'colour';
    return html`<div class="confirm" id="remove-bg-ask" role="group" aria-labelledby="remove-bg-question"
      @keydown=${(e: KeyboardEvent) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        void this.#ask(false);
      }}>
      <p id="remove-bg-question">${l.t('removeBackgroundAsk', { name: file.name })}</p>
      <p class="hint">${l.t('removeBackgroundHint')}</p>
      <fieldset ?disabled=${this.busy}>
        <legend>${l.t('removeBackgroundFill')}</legend>
        ${
          alpha
            ? html`<label><input type="radio" name="fill" value="transparent" .checked=${this.fill === 'transparent'}
                  @change=${() => {
                    this.fill = 'transparent';
                  }} />${l.t('removeBackgroundTransparent')}</label>
                <label><input type="radio" name="fill" value="colour" .checked=${this.fill === 'colour'}
                  @change=${() => {
                    this.fill = 'colour';
                  }} />${l.t('removeBackgroundColour')}</label>`
            : html`<span class="hint" id="remove-bg-jpeg">${l.t('removeBackgroundJpeg')}</span>`
        }
        <label>${l.t('removeBackgroundColourLabel')}
          <input type="color" .value=${this.colour} ?disabled=${!colour}
            aria-describedby=${alpha ? nothing : 'remove-bg-jpeg'}
            @input=${(e: Event) => {
              this.colour = (e.target as HTMLInputElement).value;
            }} /></label>
      </fieldset>
      <span class="row">
        <button class="btn primary" type="button" data-action="confirm-remove-background" ?disabled=${this.busy}
          aria-busy=${String(this.busy)} @click=${() => void this.#remove(file, colour)}>${l.t('removeBackground')}</button>
        <button class="btn" type="button" ?disabled=${this.busy} @click=${() => void this.#ask(false)}>${l.t('cancel')}</button>
      </span>
    </div>`;
  }

  /** Opens the question, once the server has said it removes backgrounds (the context menu's item). */
  async ask(): Promise<void> {
    const client = this.client;
    if (!client || !(await aiCapabilities(client))?.backgroundRemoval) return;
    this.available = true;
    if (!this.running && !this.busy) await this.#ask(true);
  }

  /** Opens the question (focus on its first choice) or closes it (focus back on the button). */
  async #ask(open: boolean): Promise<void> {
    this.asking = open;
    if (open) this.problem = undefined;
    await this.updateComplete;
    const target = open
      ? this.renderRoot.querySelector<HTMLElement>('.confirm input:not([disabled])')
      : this.renderRoot.querySelector<HTMLElement>('[data-action="remove-background"]');
    target?.focus();
  }

  async #remove(file: MediaFile, withColour: boolean): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    this.busy = true;
    this.problem = undefined;
    try {
      const options = withColour ? { bg_color: this.colour.replace('#', '').toUpperCase() } : undefined;
      const saved = await updateFileDetails(client, file.fileId, {
        extensions: [{ name: 'remove-bg', ...(options && { options }) }],
      });
      if (this.file?.fileId !== file.fileId) return;
      this.busy = false;
      await this.#ask(false);
      emit(this, 'ai-job-started', { file: saved, removingBackground: true });
    } catch (error) {
      if (this.file?.fileId !== file.fileId) return;
      this.problem = this.#l10n.value.t('removeBackgroundStartFailed', {
        message: toMediaError(error).message,
      });
    } finally {
      this.busy = false;
    }
  }
}

customElements.get('ml-remove-background') ??
  customElements.define('ml-remove-background', RemoveBackgroundElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-remove-background': RemoveBackgroundElement;
  }
}
