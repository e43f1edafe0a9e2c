import '../i18n/en-ai.js';
import { css, html, LitElement, nothing } from 'lit';
import { updateFileDetails } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { AITag, MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';

const checkPath = 'M4 12l5 5L20 6';
const crossPath = 'M6 6l12 12M18 6 6 18';
const glyph = (path: string) =>
  html`<svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2.5" aria-hidden="true"><path d=${path} /></svg>`;

/**
 * A file's AI tags (`AITags`, from auto-tagging), apart from the tags people gave it, each with
 * its confidence on hover and focus. With a client: Accept moves one into the tags (one PATCH:
 * `tags` plus `removeAITags`), Reject drops it (`removeAITags`). Renders nothing without AI tags.
 *
 * @fires ai-tags-change - `{ file, accepted? }`: the file as the server has it after a change.
 */
export class AiTagsElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      :host([hidden]) {
        display: none;
      }
      h4 {
        margin: 0 0 6px;
      }
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: inline-flex;
        align-items: center;
        gap: 2px;
        padding: 1px 2px 1px 8px;
        border: 1px dashed var(--_accent);
        border-radius: 999px;
        background: var(--_accent-soft);
        font-size: 12px;
      }
      li:not(:has(button)) {
        padding-inline-end: 8px;
      }
      .name {
        position: relative;
      }
      .name:focus-visible {
        outline: 2px solid var(--_accent);
        outline-offset: 1px;
        border-radius: 4px;
      }
      /* The confidence, on hover and on keyboard focus alike (a title shows on hover only). */
      .name:hover::after,
      .name:focus-visible::after {
        content: attr(data-tip);
        position: absolute;
        inset-inline-start: 0;
        bottom: calc(100% + 6px);
        z-index: 2;
        padding: 3px 8px;
        border-radius: 4px;
        background: var(--_text, #222);
        color: var(--_bg, #fff);
        font-size: 12px;
        white-space: nowrap;
        pointer-events: none;
      }
      .visually-hidden {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      li button {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        min-width: 24px;
        min-height: 24px;
        padding: 0;
        border: 0;
        border-radius: 999px;
        background: none;
        color: inherit;
        cursor: pointer;
      }
      li button:hover,
      li button:focus-visible {
        background: var(--_surface);
      }
      .alert {
        margin: 6px 0 0;
      }
    `,
  ];

  @property({ attribute: false }) file: MediaFile | undefined;
  /** The client that may change the file; without one the tags are only shown. */
  @property({ attribute: false }) client: MediaClient | undefined;
  @state() private busy = false;
  @state() private error: string | undefined;
  @state() private status = '';
  readonly #l10n = new LocalizeController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('file')) this.error = undefined;
  }

  override render() {
    const l = this.#l10n.value;
    const aiTags = this.file?.AITags ?? [];
    if (aiTags.length === 0) return nothing;
    return html`<h4 id="ai-tags-title">${l.t('aiTags')}</h4>
      <ul aria-labelledby="ai-tags-title">
        ${aiTags.map((tag) => {
          const confidence = l.t('aiTagConfidence', {
            name: tag.name,
            confidence: l.number(Math.round(tag.confidence)),
          });
          return html`<li>
            <span class="name" tabindex="0" data-tip=${confidence}
              ><span aria-hidden="true">${tag.name}</span><span class="visually-hidden">${confidence}</span></span
            >
            ${
              this.client
                ? html`<button type="button" data-action="accept" ?disabled=${this.busy}
                      aria-label=${l.t('acceptAiTag', { name: tag.name })} title=${l.t('acceptAiTag', { name: tag.name })}
                      @click=${() => this.#change(tag, true)}>${glyph(checkPath)}</button
                    ><button type="button" data-action="reject" ?disabled=${this.busy}
                      aria-label=${l.t('rejectAiTag', { name: tag.name })} title=${l.t('rejectAiTag', { name: tag.name })}
                      @click=${() => this.#change(tag, false)}>${glyph(crossPath)}</button>`
                : nothing
            }
          </li>`;
        })}
      </ul>
      <p class="hint" role="status">${this.status}</p>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}`;
  }

  async #change(tag: AITag, accept: boolean): Promise<void> {
    const { file, client } = this;
    if (!file || !client || this.busy) return;
    const l = this.#l10n.value;
    this.busy = true;
    this.error = undefined;
    try {
      const tags = file.tags ?? [];
      const saved = await updateFileDetails(client, file.fileId, {
        removeAITags: [tag.name],
        ...(accept && !tags.includes(tag.name) && { tags: [...tags, tag.name] }),
      });
      this.status = l.t(accept ? 'aiTagAccepted' : 'aiTagRejected', { name: tag.name });
      emit(this, 'ai-tags-change', { file: saved, ...(accept && { accepted: tag.name }) });
    } catch (error) {
      this.error = l.t('aiTagFailed', { name: tag.name, message: toMediaError(error).message });
    } finally {
      this.busy = false;
    }
    // Focus stays in the list: on the next tag's name, or the heading when none is left.
    await this.updateComplete;
    (
      this.renderRoot.querySelector<HTMLElement>('.name') ?? this.renderRoot.querySelector<HTMLElement>('h4')
    )?.focus();
  }
}

customElements.get('ml-ai-tags') || customElements.define('ml-ai-tags', AiTagsElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-ai-tags': AiTagsElement;
  }
}
