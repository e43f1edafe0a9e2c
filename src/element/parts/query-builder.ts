import '../i18n/en-comments.js';
import '../i18n/en-more.js';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, svg, type TemplateResult } from 'lit';
import { commentCounts } from '../../client/comments.js';
import type { MediaApiError } from '../../client/errors.js';
import type { MediaClient } from '../../client/media-client.js';
import type { QueryOperator } from '../../client/search-query.js';
import type { CustomMetadataField } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import type { MessageKey } from '../i18n/en.js';
import { libraryContext } from '../state/contexts.js';
import { type AdvancedCondition, emptySearch, type SearchState } from '../state/search.js';
import { closeIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { emit } from './part-events.js';
import { builtInFields, customFieldSpecs, type FieldSpec, operatorsFor, ownFields } from './query-fields.js';

/**
 * Whether a client's server is the media server, which answers fields ImageKit rejects
 * (`hasOpenComments`): it answers `/_ml/comment-counts` (asked with no files: no query runs).
 * Asked once per client.
 */
const mediaServer = new WeakMap<MediaClient, Promise<boolean>>();
function isMediaServer(client: MediaClient): Promise<boolean> {
  let known = mediaServer.get(client);
  if (!known) {
    known = commentCounts(client, []).then(
      () => true,
      () => false,
    );
    mediaServer.set(client, known);
  }
  return known;
}

const plusIcon = svg`<path d="M12 5v14M5 12h14"/>`;

const fieldLabels: Record<string, MessageKey> = {
  name: 'fieldName',
  tags: 'fieldTags',
  fileType: 'fieldFileType',
  format: 'fieldFormat',
  mime: 'fieldMime',
  size: 'fieldSize',
  width: 'fieldWidth',
  height: 'fieldHeight',
  createdAt: 'fieldCreatedAt',
  updatedAt: 'fieldUpdatedAt',
  path: 'fieldPath',
  hasOpenComments: 'filterOpenComments',
};

const operatorLabels: Record<QueryOperator, MessageKey> = {
  '=': 'opIs',
  'NOT =': 'opIsNot',
  ':': 'opContains',
  'NOT :': 'opNotContains',
  IN: 'opAnyOf',
  'NOT IN': 'opNoneOf',
  '<': 'opLess',
  '<=': 'opAtMost',
  '>': 'opMore',
  '>=': 'opAtLeast',
};

/**
 * The advanced search: condition rows (field, operator, value) joined by AND or OR, and the
 * whole query, editable, with the server's error shown where it happened. Loaded lazily.
 *
 * @fires search-change - `{ search }`
 */
export class QueryBuilderElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 12px;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      h3 {
        margin: 0 0 8px;
        font-size: 13px;
      }
      .match {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        margin: 0 0 8px;
        padding: 0;
        border: 0;
      }
      .match label {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      ol {
        display: flex;
        flex-direction: column;
        gap: 6px;
        margin: 0 0 8px;
        padding: 0;
        list-style: none;
      }
      li {
        display: grid;
        grid-template-columns: minmax(120px, 1fr) minmax(110px, 0.8fr) minmax(120px, 1.4fr) auto;
        gap: 6px;
      }
      .query {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        margin-top: 12px;
      }
      textarea {
        flex: 1;
        min-height: 56px;
        padding: 6px 8px;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 13px;
        resize: vertical;
      }
      textarea[aria-invalid='true'] {
        border-color: var(--_danger);
      }
      label.block {
        display: block;
        margin-top: 12px;
        font-weight: 600;
        font-size: 13px;
      }
      .hint {
        margin: 4px 0 0;
        color: var(--_muted);
        font-size: 12px;
      }
      .error {
        margin: 6px 0 0;
        color: var(--_danger);
      }
      .error pre {
        margin: 4px 0 0;
        padding: 6px 8px;
        overflow-x: auto;
        border-radius: 4px;
        background: var(--_bg);
        color: var(--_text);
        font-size: 12px;
        white-space: pre-wrap;
        word-break: break-all;
      }
      mark {
        border-radius: 2px;
        background: var(--_danger);
        color: var(--_bg);
      }
    `,
  ];

  @property({ attribute: false }) search: SearchState = emptySearch;
  /** The account's custom metadata fields, offered after the built-in ones. */
  @property({ attribute: false }) customFields: CustomMetadataField[] = [];
  @property() query = '';
  @property({ attribute: false }) queryError: MediaApiError | undefined;
  /** The server is the media server: its own fields are offered too (not against ImageKit). */
  @state() private serverFields = false;
  readonly #l10n = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext });

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#askServer();
  }

  async #askServer(): Promise<void> {
    const host = this.#library.value;
    if (!host || this.serverFields) return;
    const connection = await host.connection().catch(() => undefined);
    if (connection) this.serverFields = await isMediaServer(connection.client);
  }

  get #fields(): FieldSpec[] {
    const used = new Set(this.search.advanced.conditions.map((c) => c.field));
    const own = ownFields.filter((f) => this.serverFields || used.has(f.name));
    return [...builtInFields, ...own, ...customFieldSpecs(this.customFields)];
  }

  override render() {
    const l = this.#l10n.value;
    const { match, conditions } = this.search.advanced;
    const error = this.queryError?.isQueryError ? this.queryError : undefined;
    return html`<section aria-labelledby="advanced-title">
      <h3 id="advanced-title">${l.t('advancedTitle')}</h3>
      <fieldset class="match">
        <legend class="visually-hidden">${l.t('advancedTitle')}</legend>
        ${(['AND', 'OR'] as const).map(
          (value) => html`<label
            ><input
              type="radio"
              name="match"
              .checked=${match === value}
              @change=${() => this.#setAdvanced({ match: value, conditions })}
            />${l.t(value === 'AND' ? 'matchAll' : 'matchAny')}</label
          >`,
        )}
      </fieldset>
      <ol>
        ${conditions.map((row, index) => this.#renderRow(row, index))}
      </ol>
      <button class="btn" type="button" @click=${this.#addRow}>${icon(plusIcon)}${l.t('addCondition')}</button>
      <form class="query-form" @submit=${this.#applyQuery}>
        <label class="block" for="query">${l.t('query')}</label>
        <div class="query">
          <textarea
            id="query"
            name="query"
            spellcheck="false"
            aria-describedby=${error ? 'query-hint query-error' : 'query-hint'}
            aria-invalid=${error ? 'true' : 'false'}
            .value=${this.query}
            @keydown=${(event: KeyboardEvent) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                (event.target as HTMLTextAreaElement).form?.requestSubmit();
              }
            }}
          ></textarea>
          <button class="btn primary" type="submit">${l.t('apply')}</button>
        </div>
        <p class="hint" id="query-hint">${l.t('queryHint')}</p>
        ${error ? this.#renderError(error) : nothing}
      </form>
    </section>`;
  }

  #renderError(error: MediaApiError): TemplateResult {
    const l = this.#l10n.value;
    const position = error.queryPosition;
    const query = this.query;
    // Positions are 1-based; mark the character there (a space past the end).
    const at = position === undefined ? -1 : Math.min(position - 1, query.length);
    return html`<div class="error" id="query-error" role="alert">
      ${error.message}
      ${
        at >= 0
          ? html`<pre aria-label=${l.t('queryErrorAt', { position: position! })}>${query.slice(0, at)}<mark>${
              query.slice(at, at + 1) || ' '
            }</mark>${query.slice(at + 1)}</pre>`
          : nothing
      }
    </div>`;
  }

  #renderRow(row: AdvancedCondition, index: number): TemplateResult {
    const l = this.#l10n.value;
    const spec = this.#fields.find((f) => f.name === row.field);
    const ops = operatorsFor[spec?.kind ?? 'text'];
    const n = index + 1;
    const update = (change: Partial<AdvancedCondition>) => {
      const conditions = [...this.search.advanced.conditions];
      conditions[index] = { ...conditions[index]!, ...change };
      this.#setAdvanced({ ...this.search.advanced, conditions });
    };
    const valueInput = spec?.options
      ? html`<select aria-label=${`${l.t('value')} ${n}`} @change=${(e: Event) => update({ value: (e.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${row.value === ''}></option>
          ${spec.options.map((o) => html`<option ?selected=${String(o) === row.value}>${String(o)}</option>`)}
        </select>`
      : html`<input
          type=${spec?.kind === 'date' ? 'date' : spec?.kind === 'number' ? 'number' : 'text'}
          aria-label=${`${l.t('value')} ${n}`}
          .value=${row.value}
          placeholder=${spec?.kind === 'size' ? '1mb' : row.op === 'IN' || row.op === 'NOT IN' ? 'a, b, c' : ''}
          @change=${(e: Event) => update({ value: (e.target as HTMLInputElement).value })}
        />`;
    return html`<li aria-label=${l.t('conditionLabel', { index: n })}>
      <select
        aria-label=${`${l.t('field')} ${n}`}
        @change=${(e: Event) => {
          const field = (e.target as HTMLSelectElement).value;
          const kind = this.#fields.find((f) => f.name === field)?.kind ?? 'text';
          update({ field, kind, op: operatorsFor[kind][0]!, value: '' });
        }}
      >
        ${this.#fields.map(
          (f) =>
            html`<option value=${f.name} ?selected=${f.name === row.field}>
              ${f.label ?? (fieldLabels[f.name] ? l.t(fieldLabels[f.name]!) : f.name)}
            </option>`,
        )}
      </select>
      <select
        aria-label=${`${l.t('operator')} ${n}`}
        @change=${(e: Event) => update({ op: (e.target as HTMLSelectElement).value as QueryOperator })}
      >
        ${ops.map(
          (op) =>
            html`<option value=${op} ?selected=${op === row.op}>
              ${l.t(spec?.kind === 'date' && (op === '<' || op === '>') ? (op === '<' ? 'opBefore' : 'opAfter') : operatorLabels[op])}
            </option>`,
        )}
      </select>
      ${valueInput}
      <button
        class="btn ghost icon-only"
        type="button"
        aria-label=${l.t('removeCondition', { index: n })}
        @click=${() =>
          this.#setAdvanced({
            ...this.search.advanced,
            conditions: this.search.advanced.conditions.filter((_, i) => i !== index),
          })}
      >
        ${icon(closeIcon)}
      </button>
    </li>`;
  }

  #addRow(): void {
    const first = this.#fields[0];
    const row: AdvancedCondition = {
      field: first?.name ?? 'name',
      kind: first?.kind ?? 'text',
      op: operatorsFor[first?.kind ?? 'text'][0]!,
      value: '',
    };
    this.#setAdvanced({ ...this.search.advanced, conditions: [...this.search.advanced.conditions, row] });
    void this.updateComplete.then(() => {
      const selects = this.renderRoot.querySelectorAll<HTMLSelectElement>('li select');
      selects[selects.length - 2]?.focus();
    });
  }

  #setAdvanced(advanced: SearchState['advanced']): void {
    emit(this, 'search-change', { search: { ...this.search, advanced } });
  }

  /** The edited query replaces the whole search: it already holds every condition. */
  #applyQuery(event: SubmitEvent): void {
    event.preventDefault();
    const query = String(new FormData(event.target as HTMLFormElement).get('query') ?? '').trim();
    emit(this, 'search-change', { search: { ...emptySearch, ...(query && { raw: query }) } });
  }
}

customElements.get('ml-query-builder') || customElements.define('ml-query-builder', QueryBuilderElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-query-builder': QueryBuilderElement;
  }
}
