import '../i18n/en-ai-providers.js';
import { css, html, LitElement, nothing } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';

/** The sizes offered: the ones OpenAI's image models share, and a smaller square for drafts. */
const sizes = [
  { key: 'generateSquare', width: 1024, height: 1024 },
  { key: 'generateLandscape', width: 1792, height: 1024 },
  { key: 'generatePortrait', width: 1024, height: 1792 },
  { key: 'generateSquare', width: 512, height: 512 },
] as const;

/** A file name from the prompt's first words: `a-lighthouse-at-dusk.png`. */
export function fileNameFor(prompt: string): string {
  const words = prompt
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .split(/\s+/)
    .slice(0, 6)
    .join('-');
  return `${words || 'generated'}.png`;
}

/**
 * The upload panel's "Generate" source: a prompt, a size and a name; `POST /_ml/generate` stores
 * the image as an upload into `folder` (the server's upload rules apply) and the new file is
 * handed up, as an upload's are.
 *
 * @fires generated - `{ file }`: the stored file (ImageKit's File object).
 */
export class GenerateImageElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding: 12px 16px;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      h4 {
        margin: 0;
        font-size: 14px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-size: 13px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 10px;
      }
      .row label {
        flex: 1 1 180px;
      }
      textarea {
        resize: vertical;
      }
      .hint {
        margin: 0;
        color: var(--_muted);
        font-size: 12px;
      }
      .field-error {
        margin: 0;
        color: var(--_danger);
        font-size: 12px;
      }
      .actions {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      progress {
        flex: 1;
      }
    `,
  ];

  /** Generates through this client (the panel's connection). */
  @property({ attribute: false }) client: MediaClient | undefined;
  /** Where the image is stored (the panel's target folder). */
  @property() folder = '/';
  @state() private prompt = '';
  @state() private size = 0;
  /** The name typed; the prompt's first words until the user types one. */
  @state() private fileName: string | undefined;
  @state() private busy = false;
  @state() private problem: string | undefined;
  @state() private promptProblem = false;
  @state() private status = '';
  readonly #l10n = new LocalizeController(this);

  /** Puts the cursor in the prompt. */
  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  override render() {
    const l = this.#l10n.value;
    const name = this.fileName ?? fileNameFor(this.prompt);
    return html`<form aria-labelledby="generate-title" aria-busy=${String(this.busy)} novalidate
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.#generate();
      }}>
      <h4 id="generate-title">${l.t('generateTitle')}</h4>
      <label>${l.t('generatePrompt')}
        <textarea name="prompt" rows="3" maxlength="4000" required .value=${this.prompt} ?disabled=${this.busy}
          aria-invalid=${String(this.promptProblem)}
          aria-describedby=${this.promptProblem ? 'prompt-hint prompt-problem' : 'prompt-hint'}
          @input=${(e: Event) => {
            this.prompt = (e.target as HTMLTextAreaElement).value;
            this.promptProblem = false;
          }}
          @keydown=${(e: KeyboardEvent) => {
            // Ctrl/Cmd+Enter generates, as in other prompt fields; Enter alone makes a new line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void this.#generate();
            }
          }}></textarea>
      </label>
      <p class="hint" id="prompt-hint">${l.t('generatePromptHint')}</p>
      ${this.promptProblem ? html`<p class="field-error" id="prompt-problem">${l.t('generatePromptRequired')}</p>` : nothing}
      <div class="row">
        <label>${l.t('generateSize')}
          <select name="size" ?disabled=${this.busy} @change=${(e: Event) => {
            this.size = (e.target as HTMLSelectElement).selectedIndex;
          }}>
            ${sizes.map(
              (size, index) =>
                html`<option ?selected=${index === this.size}>${l.t(size.key, { width: size.width, height: size.height })}</option>`,
            )}
          </select>
        </label>
        <label>${l.t('generateFileName')}
          <input name="fileName" .value=${name} ?disabled=${this.busy}
            @input=${(e: Event) => {
              this.fileName = (e.target as HTMLInputElement).value || undefined;
            }} />
        </label>
      </div>
      <div class="actions">
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${l.t('generateSubmit')}</button>
        ${this.busy ? html`<progress aria-label=${l.t('generating')}></progress>` : nothing}
      </div>
      <p class="hint" role="status">${this.busy ? l.t('generating') : this.status}</p>
      ${this.problem ? html`<p class="field-error" role="alert">${this.problem}</p>` : nothing}
    </form>`;
  }

  async #generate(): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    const prompt = this.prompt.trim();
    if (!prompt) {
      this.promptProblem = true;
      this.focus();
      return;
    }
    const size = sizes[this.size] ?? sizes[0];
    this.busy = true;
    this.problem = undefined;
    this.status = '';
    try {
      const file = await client.request<MediaFile>('POST', '/_ml/generate', {
        json: {
          prompt,
          width: size.width,
          height: size.height,
          folder: this.folder,
          fileName: this.fileName ?? fileNameFor(prompt),
        },
      });
      this.status = this.#l10n.value.t('generated', { name: file.name, folder: this.folder });
      this.prompt = '';
      this.fileName = undefined;
      this.dispatchEvent(new CustomEvent('generated', { detail: { file } }));
    } catch (error) {
      this.problem = toMediaError(error).message;
    } finally {
      this.busy = false;
    }
  }
}

customElements.get('ml-generate-image') ?? customElements.define('ml-generate-image', GenerateImageElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-generate-image': GenerateImageElement;
  }
}
