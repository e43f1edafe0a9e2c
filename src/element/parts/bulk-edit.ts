import './tag-input.js';
import { css, html, LitElement, nothing } from 'lit';
import { changeTags, suggestTags, updateFileDetails } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { CustomMetadataField, MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { type DraftValue, fieldProblem, renderField } from './metadata-form.js';
import { type Outcome, runEach, summary } from './organise.js';
import { emit } from './part-events.js';

/**
 * Edits for several files at once: add or remove tags (ImageKit's bulk tag endpoints), set one
 * custom metadata field (one call per file, with a progress bar). Failures are listed by name;
 * the rest is applied.
 *
 * @fires organised - `{ text }` after a change.
 */
export class BulkEditElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      section {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      h4 {
        margin: 0;
        color: var(--_muted);
        font-size: 12px;
        font-weight: 600;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin: 0;
        padding: 0;
        border: 0;
      }
      .field-error {
        margin: 0;
        color: var(--_danger);
        font-size: 12px;
      }
      .apply {
        align-self: flex-start;
      }
      progress {
        width: 100%;
      }
      p {
        margin: 0;
        font-size: 13px;
      }
    `,
  ];

  @property({ attribute: false }) files: MediaFile[] = [];
  @property({ attribute: false }) fields: CustomMetadataField[] = [];
  @property({ attribute: false }) client: MediaClient | undefined;
  @state() private addTags: string[] = [];
  @state() private removeTags: string[] = [];
  @state() private field = '';
  @state() private value: DraftValue;
  @state() private progress: [number, number] | undefined;
  @state() private result: string | undefined;
  readonly #l10n = new LocalizeController(this);

  override render() {
    const l = this.#l10n.value;
    const busy = this.progress !== undefined;
    const field = this.fields.find((f) => f.name === this.field);
    const problem = field && fieldProblem(l, field, this.value);
    const suggest = (prefix: string) => suggestTags(this.client!, prefix);
    return html`<section>
        <h4>${l.t('addTags')}</h4>
        <ml-tag-input .tags=${this.addTags} .label=${l.t('addTags')} .suggest=${suggest} ?disabled=${busy}
          @tags-change=${(e: CustomEvent<{ tags: string[] }>) => {
            this.addTags = e.detail.tags;
          }}></ml-tag-input>
        <button class="btn apply" type="button" data-action="add-tags" ?disabled=${busy || !this.addTags.length}
          @click=${() => this.#tags('add')}>${l.t('apply')}</button>
      </section>
      <section>
        <h4>${l.t('removeTags')}</h4>
        <ml-tag-input .tags=${this.removeTags} .label=${l.t('removeTags')} .suggest=${suggest} ?disabled=${busy}
          @tags-change=${(e: CustomEvent<{ tags: string[] }>) => {
            this.removeTags = e.detail.tags;
          }}></ml-tag-input>
        <button class="btn apply" type="button" data-action="remove-tags" ?disabled=${busy || !this.removeTags.length}
          @click=${() => this.#tags('remove')}>${l.t('apply')}</button>
      </section>
      ${
        this.fields.length
          ? html`<section>
              <h4>${l.t('setField')}</h4>
              <label class="field">${l.t('chooseField')}
                <select id="bulk-field" ?disabled=${busy} @change=${(e: Event) => {
                  this.field = (e.target as HTMLSelectElement).value;
                  this.value = undefined;
                }}>
                  <option value="">${l.t('fieldNone')}</option>
                  ${this.fields.map((f) => html`<option value=${f.name} ?selected=${f.name === this.field}>${f.label}</option>`)}
                </select>
              </label>
              ${
                field
                  ? renderField(
                      l,
                      field,
                      this.value,
                      problem,
                      (value) => {
                        this.value = value;
                      },
                      busy,
                    )
                  : nothing
              }
              <button class="btn apply" type="button" data-action="set-field" ?disabled=${busy || !field || !!problem}
                @click=${this.#setField}>${l.t('apply')}</button>
            </section>`
          : nothing
      }
      ${
        this.progress
          ? html`<progress aria-label=${l.t('progress', { done: this.progress[0], total: this.progress[1] })}
              max=${this.progress[1]} value=${this.progress[0]}></progress>`
          : nothing
      }
      <p role="status">${this.result ?? ''}</p>`;
  }

  async #run(work: () => Promise<Outcome>): Promise<void> {
    const l = this.#l10n.value;
    this.result = undefined;
    this.progress = [0, this.files.length];
    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (failure) {
      const message = toMediaError(failure).message;
      outcome = { done: 0, failed: this.files.map((f) => ({ name: f.name, message })) };
    }
    this.progress = undefined;
    this.result = summary(l, 'updated', outcome);
    emit(this, 'organised', { text: this.result });
  }

  #tags(how: 'add' | 'remove'): Promise<void> {
    const tags = how === 'add' ? this.addTags : this.removeTags;
    const files = this.files;
    return this.#run(async () => {
      const result = await changeTags(
        this.client!,
        how,
        files.map((f) => f.fileId),
        tags,
      );
      const updated = new Set(result.successfullyUpdatedFileIds ?? []);
      if (how === 'add') this.addTags = [];
      else this.removeTags = [];
      return {
        done: updated.size,
        failed: files
          .filter((f) => !updated.has(f.fileId))
          .map((f) => ({ name: f.name, message: 'not found' })),
      };
    });
  }

  #setField(): Promise<void> {
    const { field, value, files } = this;
    return this.#run(() =>
      runEach(
        files,
        (f) => f.name,
        (f) => updateFileDetails(this.client!, f.fileId, { customMetadata: { [field]: value ?? null } }),
        (done, total) => {
          this.progress = [done, total];
        },
      ),
    );
  }
}

customElements.get('ml-bulk-edit') || customElements.define('ml-bulk-edit', BulkEditElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-bulk-edit': BulkEditElement;
  }
}
