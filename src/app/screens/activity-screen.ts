import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from '../../element/decorators.js';
import { type AuditEntry, type AuditPage, auditActions } from '../../shared/audit.js';
import type { ApiKeyPair, DamUser } from '../../shared/wire.js';
import { appFetch, withQuery } from './api.js';
import { failureText, formatTime, ScreenLocalizer, screenStyles } from './screen-kit.js';

/** The filters of `GET /_ml/audit`, as the form holds them. */
export interface ActivityFilters {
  fileId?: string;
  folder?: string;
  actor?: string;
  action?: string;
  /** `YYYY-MM-DD`, local days, both ends included. */
  from?: string;
  to?: string;
}

const pageSize = 50;

/** A change's value for reading: text as it is, anything else as JSON. */
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * The DAM app's Activity screen: the audit log, newest first, filtered by file id, folder (and
 * below), who did it, action and days; "Load more" fetches the older entries. Each entry shows
 * when, who (by name), what, on what, and each changed value before and after.
 */
export class ActivityScreenElement extends LitElement {
  static override styles = screenStyles;

  /** The language to speak (BCP 47); the page's `lang` when empty. */
  @property() locale = '';

  /** Filters to start with (the app may open the screen on one file or folder). */
  @property({ attribute: false }) filters: ActivityFilters = {};

  @state() private entries: AuditEntry[] | undefined;
  @state() private nextCursor: string | null = null;
  @state() private loadError = '';
  @state() private moreError = '';
  @state() private loading = false;
  @state() private status = '';
  @state() private users: DamUser[] = [];
  @state() private keys: ApiKeyPair[] = [];

  readonly #t = new ScreenLocalizer(this);
  #applied: ActivityFilters = {};

  override connectedCallback(): void {
    super.connectedCallback();
    this.#applied = { ...this.filters };
    void this.#loadActors();
    void this.load();
  }

  /** Who can be picked: users and keys; without them (a manager) the log still reads. */
  async #loadActors() {
    const [users, keys] = await Promise.allSettled([
      appFetch<DamUser[]>('/_ml/users'),
      appFetch<ApiKeyPair[]>('/_ml/keys'),
    ]);
    if (users.status === 'fulfilled') this.users = users.value;
    if (keys.status === 'fulfilled') this.keys = keys.value;
  }

  #query(cursor?: string) {
    const f = this.#applied;
    const day = (text: string | undefined, end: boolean) =>
      text ? String(new Date(`${text}T${end ? '23:59:59.999' : '00:00:00'}`).getTime()) : undefined;
    return withQuery('/_ml/audit', {
      fileId: f.fileId,
      folder: f.folder,
      actor: f.actor,
      action: f.action,
      from: day(f.from, false),
      to: day(f.to, true),
      limit: String(pageSize),
      cursor,
    });
  }

  /** Reads the first page with the applied filters. */
  async load(): Promise<void> {
    this.loadError = '';
    this.moreError = '';
    this.entries = undefined;
    this.loading = true;
    try {
      const page = await appFetch<AuditPage>(this.#query());
      this.entries = page.entries;
      this.nextCursor = page.nextCursor;
      this.status = this.#t.value.t('adminActivityCount', { count: page.entries.length });
    } catch (error) {
      this.loadError = failureText(this.#t.value, error);
    } finally {
      this.loading = false;
    }
  }

  async #more() {
    if (!this.nextCursor || this.loading) return;
    this.loading = true;
    this.moreError = '';
    try {
      const page = await appFetch<AuditPage>(this.#query(this.nextCursor));
      this.entries = [...(this.entries ?? []), ...page.entries];
      this.nextCursor = page.nextCursor;
      this.status = this.#t.value.t('adminActivityCount', { count: this.entries.length });
      if (!this.nextCursor) {
        // The button goes away: focus stays in the list, on the last row.
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('tbody tr:last-child')?.focus();
      }
    } catch (error) {
      this.moreError = failureText(this.#t.value, error);
    } finally {
      this.loading = false;
    }
  }

  #apply(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const filters: ActivityFilters = {};
    for (const name of ['fileId', 'folder', 'actor', 'action', 'from', 'to'] as const) {
      const value = String(data.get(name) ?? '').trim();
      if (value !== '') filters[name] = value;
    }
    this.#applied = filters;
    void this.load();
  }

  #clear() {
    this.#applied = {};
    this.filters = {};
    this.renderRoot.querySelector('form')?.reset();
    void this.load();
  }

  override render() {
    const t = this.#t.value;
    return html`
      <div class="screen" lang=${t.lang} dir=${t.dir}>
      <div class="head"><h1 id="title">${t.t('adminActivityTitle')}</h1></div>
      ${this.#renderFilters()}
      <p class="status" role="status">${this.loading ? t.t('adminLoading') : this.status}</p>
      ${this.#renderList()}
      </div>
    `;
  }

  #renderFilters() {
    const t = this.#t.value;
    const f = this.filters;
    return html`<form class="filters" role="search" aria-label=${t.t('adminActivityFilters')} @submit=${this.#apply}
      style="flex-direction: row; flex-wrap: wrap; align-items: flex-end; margin-block-end: 12px;" lang=${t.lang} dir=${t.dir}>
      <label class="field">${t.t('adminActivityFileId')}<input name="fileId" maxlength="100" .value=${f.fileId ?? ''} /></label>
      <label class="field">${t.t('adminActivityFolder')}<input name="folder" maxlength="1024" placeholder="/" .value=${f.folder ?? ''} /></label>
      <label class="field">${t.t('adminActivityActor')}
        <select name="actor">
          <option value="">${t.t('adminActivityAnyone')}</option>
          ${this.users.map((u) => html`<option value=${u.id} ?selected=${f.actor === u.id}>${u.name} (${u.email})</option>`)}
          ${this.keys.map((k) => html`<option value=${k.publicKey} ?selected=${f.actor === k.publicKey}>${t.t('adminActivityKey', { name: k.name })}</option>`)}
        </select>
      </label>
      <label class="field">${t.t('adminActivityAction')}
        <select name="action">
          <option value="">${t.t('adminActivityAnyAction')}</option>
          ${auditActions.map((a) => html`<option value=${a} ?selected=${f.action === a}>${a}</option>`)}
        </select>
      </label>
      <label class="field">${t.t('adminActivityFrom')}<input name="from" type="date" .value=${f.from ?? ''} /></label>
      <label class="field">${t.t('adminActivityTo')}<input name="to" type="date" .value=${f.to ?? ''} /></label>
      <div class="buttons">
        <button class="btn primary apply" type="submit">${t.t('adminActivityApply')}</button>
        <button class="btn clear" type="button" @click=${this.#clear}>${t.t('adminActivityClear')}</button>
      </div>
    </form>`;
  }

  #actorText(entry: AuditEntry): string {
    const t = this.#t.value;
    const { actor } = entry;
    if (actor.type === 'system') return t.t('adminActivitySystem');
    if (actor.type === 'key') return t.t('adminActivityKey', { name: actor.name ?? actor.id });
    if (actor.type === 'session') return t.t('adminActivitySession', { name: actor.name ?? actor.id });
    return actor.name ?? this.users.find((u) => u.id === actor.id)?.name ?? actor.id;
  }

  #targetText(entry: AuditEntry): TemplateResult {
    const { target } = entry;
    const parts = [
      target.path ?? target.name,
      target.principal,
      target.fileId ?? (target.path ? undefined : target.id),
    ].filter((p): p is string => p !== undefined);
    return html`${parts.map((p, i) => html`${i > 0 ? html`<br />` : nothing}<code>${p}</code>`)}`;
  }

  #changesOf(entry: AuditEntry) {
    const t = this.#t.value;
    const changes = Object.entries(entry.changes ?? {});
    if (changes.length === 0) return nothing;
    return html`<ul style="margin: 0; padding-inline-start: 16px">
      ${changes.map(
        ([field, change]) => html`<li>
          <strong>${field}</strong>:
          ${'before' in change ? html`<del>${show(change.before)}</del>` : html`<span class="muted">${t.t('adminActivityNoValue')}</span>`}
          <span aria-hidden="true">→</span><span class="visually-hidden">${t.t('adminActivityBecame')}</span>
          ${'after' in change ? html`<ins>${show(change.after)}</ins>` : html`<span class="muted">${t.t('adminActivityNoValue')}</span>`}
        </li>`,
      )}
    </ul>`;
  }

  #renderList(): TemplateResult {
    const t = this.#t.value;
    if (this.loadError) {
      return html`<div role="alert">
        <p class="alert">${t.t('adminLoadFailed', { message: this.loadError })}</p>
        <button class="btn" type="button" @click=${() => this.load()}>${t.t('adminRetry')}</button>
      </div>`;
    }
    if (!this.entries) return html`<p class="loading">${t.t('adminLoading')}</p>`;
    if (this.entries.length === 0) return html`<p class="empty">${t.t('adminActivityEmpty')}</p>`;
    return html`<table aria-labelledby="title">
        <thead>
          <tr>
            <th scope="col">${t.t('adminActivityTime')}</th>
            <th scope="col">${t.t('adminActivityActor')}</th>
            <th scope="col">${t.t('adminActivityAction')}</th>
            <th scope="col">${t.t('adminActivityTarget')}</th>
            <th scope="col">${t.t('adminActivityChanges')}</th>
          </tr>
        </thead>
        <tbody>
          ${this.entries.map(
            (entry) => html`<tr data-entry=${entry.id} tabindex="-1">
              <th scope="row"><time datetime=${entry.at}>${formatTime(t, entry.at)}</time></th>
              <td class="actor">${this.#actorText(entry)}</td>
              <td class="action"><code>${entry.action}</code></td>
              <td>${this.#targetText(entry)}</td>
              <td>${this.#changesOf(entry)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.moreError ? html`<p class="alert" role="alert">${this.moreError}</p>` : nothing}
      ${
        this.nextCursor
          ? html`<p><button class="btn more" type="button" aria-disabled=${this.loading ? 'true' : 'false'} @click=${this.#more}>${t.t('adminActivityMore')}</button></p>`
          : nothing
      }`;
  }
}

customElements.get('ml-activity-screen') ||
  customElements.define('ml-activity-screen', ActivityScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-activity-screen': ActivityScreenElement;
  }
}
