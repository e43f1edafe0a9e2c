import '../i18n/en-comments.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { listAuditEntries } from '../../client/audit.js';
import type { MediaClient } from '../../client/media-client.js';
import type { AuditAction, AuditActor, AuditEntry } from '../../shared/audit.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import type { MessageKey } from '../i18n/en.js';
import { formatDate } from '../i18n/format.js';
import type { Localizer } from '../i18n/localize.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';

/** Entries fetched at a time. */
export const historyPageSize = 20;

const actionLabels: Partial<Record<AuditAction, MessageKey>> = {
  'file.upload': 'auditFileUpload',
  'file.version': 'auditFileVersion',
  'file.update': 'auditFileUpdate',
  'file.publish': 'auditFilePublish',
  'file.rename': 'auditFileRename',
  'file.move': 'auditFileMove',
  'file.copy': 'auditFileCopy',
  'file.delete': 'auditFileDelete',
  'file.edit': 'auditFileEdit',
  'file.tags.add': 'auditTagsAdd',
  'file.tags.remove': 'auditTagsRemove',
  'file.aiTags.remove': 'auditAiTagsRemove',
  'version.delete': 'auditVersionDelete',
  'version.restore': 'auditVersionRestore',
  'comment.create': 'historyComment',
  'comment.update': 'historyCommentEdit',
  'comment.delete': 'historyCommentDelete',
  'comment.resolve': 'historyCommentResolve',
  'comment.reopen': 'historyCommentReopen',
};

/** Fields a change line names with the details panel's own words. */
const fieldLabels: Record<string, MessageKey> = {
  tags: 'detailTags',
  description: 'detailDescription',
};

/** Who, in words: a DAM user or a session by name or id, a key by its name, or the server. */
function actorName(l: Localizer, actor: AuditActor): string {
  if (actor.type === 'system') return l.t('historyByServer');
  if (actor.type === 'key') return l.t('historyByKey', { name: actor.name ?? actor.id });
  return actor.name ?? actor.id;
}

/** A changed value, short: lists joined, objects as JSON, nothing as "none". */
function shortValue(l: Localizer, value: unknown): string {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0))
    return l.t('historyNone');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * One file's history from the audit log, newest first: what happened, who did it, when; its
 * versions come and go in it (uploads, new versions, restores). A page at a time, with Load more.
 * Only shown where the session may read the log (the details panel asks first).
 */
export class AssetHistoryElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      ol {
        display: flex;
        flex-direction: column;
        gap: 10px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        flex-direction: column;
        gap: 2px;
        font-size: 12px;
      }
      .what {
        font-weight: 600;
        font-size: 13px;
      }
      .meta,
      .change {
        color: var(--_muted);
        overflow-wrap: anywhere;
      }
      .alert {
        color: var(--_danger);
        margin: 0 0 6px;
      }
      .more {
        margin-top: 10px;
      }
    `,
  ];

  @property({ attribute: false }) file: MediaFile | undefined;
  @property({ attribute: false }) client: MediaClient | undefined;
  @state() private entries: AuditEntry[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loading = false;
  @state() private error: string | undefined;
  readonly #l10n = new LocalizeController(this);
  #loadedFor = '';
  /** Bumped per file, so a page that arrives for a file no longer shown is dropped. */
  #generation = 0;

  protected override willUpdate(): void {
    const key = this.file ? `${this.file.fileId} ${this.file.updatedAt} ${this.file.versionInfo.id}` : '';
    if (key !== this.#loadedFor) {
      this.#loadedFor = key;
      this.entries = [];
      this.nextCursor = null;
      this.#generation++;
      void this.#load();
    }
  }

  async #load(cursor?: string): Promise<void> {
    const { file, client } = this;
    if (!file || !client) return;
    const generation = this.#generation;
    this.loading = true;
    this.error = undefined;
    try {
      const page = await listAuditEntries(client, {
        fileId: file.fileId,
        limit: historyPageSize,
        ...(cursor && { cursor }),
      });
      if (generation !== this.#generation) return;
      this.entries = [...this.entries, ...page.entries];
      this.nextCursor = page.nextCursor;
    } catch (failure) {
      if (generation === this.#generation) this.error = toMediaError(failure).message;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async #more(): Promise<void> {
    const count = this.entries.length;
    await this.#load(this.nextCursor ?? undefined);
    // Keyboard users land on the first entry the click brought, not back at the top.
    await this.updateComplete;
    this.renderRoot.querySelectorAll<HTMLElement>('li')[count]?.focus();
  }

  override render() {
    const l = this.#l10n.value;
    return html`${
      this.error
        ? html`<p class="alert" role="alert">${l.t('historyFailed', { message: this.error })}
          <button class="btn" type="button" @click=${() => this.#load(this.nextCursor ?? undefined)}>${l.t('retry')}</button></p>`
        : nothing
    }
      ${
        !this.loading && !this.error && this.entries.length === 0
          ? html`<p class="muted">${l.t('historyEmpty')}</p>`
          : html`<ol aria-label=${l.t('tabHistory')}>${this.entries.map((entry) => this.#renderEntry(l, entry))}</ol>`
      }
      <div role="status">${this.loading ? l.t('loading') : nothing}</div>
      ${
        this.nextCursor && !this.loading
          ? html`<button class="btn more" type="button" @click=${this.#more}>${l.t('historyMore')}</button>`
          : nothing
      }`;
  }

  #renderEntry(l: Localizer, entry: AuditEntry): TemplateResult {
    const label = actionLabels[entry.action];
    const changes = Object.entries(entry.changes ?? {}).filter(
      ([field]) => field !== 'versionId' && field !== 'operations' && field !== 'source' && field !== 'text',
    );
    // A comment's words show as they were written (as text), not as a before/after pair.
    const said = entry.action.startsWith('comment.') ? entry.changes?.text?.after : undefined;
    return html`<li tabindex="-1">
      <span class="what">${label ? l.t(label) : entry.action}</span>
      ${typeof said === 'string' ? html`<span class="change">“${said.slice(0, 200)}”</span>` : nothing}
      <span class="meta">${l.t('historyBy', { who: actorName(l, entry.actor) })} ·
        <time datetime=${entry.at}>${formatDate(l, entry.at)}</time></span>
      ${changes.map(
        ([field, change]) =>
          html`<span class="change">${l.t('historyChange', {
            field: fieldLabels[field] ? l.t(fieldLabels[field]) : field,
            before: shortValue(l, change.before),
            after: shortValue(l, change.after),
          })}</span>`,
      )}
    </li>`;
  }
}

customElements.get('ml-asset-history') || customElements.define('ml-asset-history', AssetHistoryElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-asset-history': AssetHistoryElement;
  }
}
