import '../i18n/en-comments.js';
import { css, html, LitElement, nothing, svg, type TemplateResult } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import {
  type EmailDigest,
  type Notification,
  type NotificationKind,
  type NotificationPage,
  type NotificationSettings,
  notificationKinds,
} from '../../shared/comments.js';
import { property, state } from '../decorators.js';
import type { MessageKey } from '../i18n/en.js';
import { formatDate } from '../i18n/format.js';
import { english, type Localizer, loadLocalizer } from '../i18n/localize.js';
import { icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { tokens } from '../styles/tokens.js';
import { toMediaError } from './media-error.js';

const kindLabels: Record<NotificationKind, MessageKey> = {
  mention: 'bellKindMention',
  comment: 'bellKindComment',
  reply: 'bellKindReply',
  resolved: 'bellKindResolved',
  share: 'bellKindShare',
  upload: 'bellKindUpload',
};
const emailLabels: Record<EmailDigest, MessageKey> = {
  off: 'bellEmailOff',
  immediate: 'bellEmailImmediate',
  daily: 'bellEmailDaily',
};

const bellIcon = svg`<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0"/>`;

/** The detail of `ml-notification-open`. */
export interface NotificationOpenDetail {
  notification: Notification;
  /** Where the link goes: `/app/?file=…&comment=…`. */
  href: string;
}

/**
 * The notification bell for the DAM app's header: the unread count, live over Server-Sent
 * Events (`/_ml/notifications/stream`), and a panel listing notifications, each a link to its
 * file and comment, with Mark read and Mark all read. Signed in with the app's cookie it uses
 * `EventSource`; given a `client` (a session token with a `user`), it reads the stream with fetch.
 *
 * @summary Unread notifications, live, with a panel to read them.
 * @fires ml-notification-open - `{ notification, href }` before a notification's link is followed; cancel it to open the file yourself.
 * @csspart button - The bell button.
 * @csspart panel - The notifications panel.
 */
export class NotificationBellElement extends LitElement {
  static override styles = [
    tokens,
    shared,
    css`
      :host {
        display: inline-block;
        position: relative;
      }
      .bell {
        position: relative;
        padding: 0 8px;
      }
      .count {
        position: absolute;
        top: -4px;
        inset-inline-end: -4px;
        min-width: 18px;
        height: 18px;
        padding: 0 4px;
        border-radius: 9px;
        background: var(--_danger, #c62828);
        color: #fff;
        font-size: 11px;
        font-weight: 700;
        line-height: 18px;
        text-align: center;
      }
      [part='panel'] {
        /* Placed under the bell, kept inside the viewport wherever the header puts the bell. */
        position: fixed;
        z-index: 20;
        width: min(360px, calc(100vw - 16px));
        max-height: 70vh;
        overflow: auto;
        padding: 8px;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_raised);
        box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
      }
      header {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 8px;
        margin-bottom: 6px;
      }
      h2 {
        margin: 0;
        font-size: 14px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        padding: 6px 4px;
        border-top: 1px solid var(--_border);
      }
      li.unread {
        background: var(--_accent-soft);
      }
      li a {
        flex: 1;
        color: inherit;
        text-decoration: none;
        overflow-wrap: anywhere;
      }
      li a:hover .what {
        text-decoration: underline;
      }
      .what {
        font-weight: 600;
        display: block;
      }
      .excerpt,
      time {
        display: block;
        color: var(--_muted);
        font-size: 12px;
        white-space: pre-wrap;
      }
      .btn.small {
        min-height: 24px;
        padding: 0 6px;
        font-size: 12px;
      }
      .alert {
        color: var(--_danger);
      }
      .settings {
        display: flex;
        flex-direction: column;
        gap: 6px;
        margin: 0 0 8px;
        padding: 8px;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) - 2px);
      }
      fieldset {
        display: flex;
        flex-direction: column;
        gap: 2px;
        margin: 0;
        padding: 0;
        border: 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: 4px;
      }
      .settings .btn {
        align-self: flex-start;
      }
    `,
  ];

  /** The media server's base URL; the page's own origin when empty. */
  @property() endpoint = '';
  /** The language of the bell's words (`de`, `fr-CA`…); the document's when empty. */
  @property() locale = '';
  /** Where a notification's link opens the DAM app. */
  @property({ attribute: 'app-path' }) appPath = '/app/';
  /** A client to call the API with (a session token with a `user`); the app's cookie when absent. */
  @property({ attribute: false }) client: MediaClient | undefined;
  /** Unread notifications. */
  @state() unread = 0;
  @state() private open = false;
  @state() private items: Notification[] | undefined;
  @state() private nextCursor: string | undefined;
  @state() private loading = false;
  @state() private error: string | undefined;
  @state() private l10n: Localizer = english;
  /** The settings form is open (loaded), and what it last saved. */
  @state() private settings: NotificationSettings | undefined;
  @state() private settingsStatus = '';
  #source: EventSource | undefined;
  #streamAbort: AbortController | undefined;
  #csrf: string | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** The last event id the fetch-read stream saw: a reconnect resumes after it. */
  #lastId = '';

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.#outside);
    this.#connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.#outside);
    this.#disconnect();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('locale')) {
      const lang = this.locale || document.documentElement.lang || 'en';
      void loadLocalizer(lang).then((l) => {
        this.l10n = l;
      });
    }
    if (
      (changed.has('endpoint') || changed.has('client')) &&
      this.isConnected &&
      changed.get('endpoint') !== undefined
    ) {
      this.#disconnect();
      this.#connect();
    }
  }

  #url(path: string): string {
    const base = this.endpoint || location.origin;
    return new URL(path.replace(/^\//, ''), `${base.replace(/\/+$/, '')}/`).href;
  }

  /** One API call: through the client, or with the cookie (and the CSRF token on writes). */
  async #call<T>(method: string, path: string, json?: unknown): Promise<T> {
    if (this.client) return this.client.request<T>(method, path, json === undefined ? {} : { json });
    const headers: Record<string, string> = {};
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') {
      this.#csrf ??= (
        (await (await fetch(this.#url('/_ml/me'), { credentials: 'include' })).json()) as {
          csrfToken?: string;
        }
      ).csrfToken;
      if (this.#csrf) headers['x-csrf-token'] = this.#csrf;
    }
    const response = await fetch(this.#url(path), {
      method,
      credentials: 'include',
      headers,
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      throw new Error(body.message ?? `HTTP ${response.status}`);
    }
    return (await response.json()) as T;
  }

  #connect(): void {
    if (this.client) {
      void this.#readStream(this.client);
      return;
    }
    const source = new EventSource(this.#url('/_ml/notifications/stream'), { withCredentials: true });
    source.addEventListener('unread', (event) => this.#onUnread((event as MessageEvent).data));
    source.addEventListener('notification', (event) => this.#onNotification((event as MessageEvent).data));
    this.#source = source;
  }

  /** With a token: the stream read by fetch (EventSource cannot send Authorization), reconnecting after a drop. */
  async #readStream(client: MediaClient): Promise<void> {
    const abort = new AbortController();
    this.#streamAbort = abort;
    try {
      const response = await fetch(new URL('_ml/notifications/stream', `${await client.baseUrl()}/`), {
        headers: {
          authorization: await client.authorization(),
          ...(this.#lastId && { 'last-event-id': this.#lastId }),
        },
        signal: abort.signal,
      });
      if (!response.ok || !response.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const field = (name: string) =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          const data = field('data');
          this.#lastId = field('id') ?? this.#lastId;
          if (data === undefined) continue;
          if (field('event') === 'unread') this.#onUnread(data);
          else if (field('event') === 'notification') this.#onNotification(data);
        }
      }
    } catch {
      // Aborted (disconnected) or dropped: reconnect below unless we were taken off the page.
    }
    if (!abort.signal.aborted) this.#retry = setTimeout(() => void this.#readStream(client), 3000);
  }

  #disconnect(): void {
    this.#source?.close();
    this.#source = undefined;
    this.#streamAbort?.abort();
    clearTimeout(this.#retry);
  }

  #onUnread(data: string): void {
    this.unread = (JSON.parse(data) as { unread: number }).unread;
  }

  #onNotification(data: string): void {
    const notification = JSON.parse(data) as Notification;
    if (this.items && !this.items.some((n) => n.id === notification.id))
      this.items = [notification, ...this.items];
  }

  #outside = (event: MouseEvent): void => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  async #load(cursor?: string): Promise<void> {
    this.loading = true;
    this.error = undefined;
    try {
      const page = await this.#call<NotificationPage>(
        'GET',
        `/_ml/notifications${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      this.items = cursor ? [...(this.items ?? []), ...page.notifications] : page.notifications;
      this.nextCursor = page.nextCursor;
      this.unread = page.unread;
    } catch (failure) {
      this.error = toMediaError(failure).message;
    } finally {
      this.loading = false;
    }
  }

  async #toggle(): Promise<void> {
    this.open = !this.open;
    if (this.open) {
      this.#place();
      await this.#load();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part="panel"] a, [part="panel"] button')?.focus();
    }
  }

  /** Under the bell, its end edge at the bell's, moved in where the viewport would cut it. */
  #place(): void {
    const bell = this.renderRoot.querySelector<HTMLElement>('.bell');
    const panel = this.renderRoot.querySelector<HTMLElement>('[part="panel"]');
    if (!bell || !panel) return;
    const box = bell.getBoundingClientRect();
    const width = Math.min(360, innerWidth - 16);
    const rtl = getComputedStyle(this).direction === 'rtl';
    const left = rtl ? box.left : box.right - width;
    panel.style.left = `${Math.max(8, Math.min(left, innerWidth - width - 8))}px`;
    panel.style.top = `${box.bottom + 6}px`;
    panel.style.maxHeight = `${Math.max(200, innerHeight - box.bottom - 16)}px`;
  }

  async #markRead(ids: string[] | 'all'): Promise<void> {
    try {
      const answer = await this.#call<{ unread: number }>(
        'POST',
        '/_ml/notifications/read',
        ids === 'all' ? { all: true } : { ids },
      );
      this.unread = answer.unread;
      this.items = this.items?.map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, read: true } : n));
    } catch (failure) {
      this.error = toMediaError(failure).message;
    }
  }

  #href(n: Notification): string {
    const url = new URL(this.appPath, location.href);
    if (n.fileId) url.searchParams.set('file', n.fileId);
    else if (n.folder) url.searchParams.set('folder', n.folder);
    if (n.commentId) url.searchParams.set('comment', n.commentId);
    return url.pathname + url.search;
  }

  #follow(event: MouseEvent, n: Notification): void {
    const href = this.#href(n);
    if (!n.read) void this.#markRead([n.id]);
    const open = new CustomEvent<NotificationOpenDetail>('ml-notification-open', {
      detail: { notification: n, href },
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    if (!this.dispatchEvent(open)) event.preventDefault();
    this.open = false;
  }

  #headline(n: Notification): string {
    const l = this.l10n;
    const name = n.actor.name;
    switch (n.kind) {
      case 'mention':
        return l.t('bellMention', { name });
      case 'comment':
        return l.t('bellComment', { name });
      case 'reply':
        return l.t('bellReply', { name });
      case 'resolved':
        return l.t('bellResolved', { name });
      case 'share':
        return l.t('bellShare', { name, path: n.excerpt });
      default:
        return l.t('bellUpload', { name, path: n.excerpt });
    }
  }

  async #toggleSettings(): Promise<void> {
    if (this.settings) {
      this.settings = undefined;
      return;
    }
    try {
      this.settings = await this.#call<NotificationSettings>('GET', '/_ml/notifications/settings');
      this.settingsStatus = '';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('form input')?.focus();
    } catch (failure) {
      this.error = toMediaError(failure).message;
    }
  }

  async #saveSettings(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const wanted: NotificationSettings = {
      kinds: notificationKinds.filter((kind) => data.has(kind)),
      email: (data.get('email') as EmailDigest) ?? 'off',
    };
    try {
      this.settings = await this.#call<NotificationSettings>('PUT', '/_ml/notifications/settings', wanted);
      this.settingsStatus = this.l10n.t('bellSettingsSaved');
    } catch (failure) {
      this.settingsStatus = toMediaError(failure).message;
    }
  }

  #renderSettings(l: Localizer, settings: NotificationSettings): TemplateResult {
    return html`<form class="settings" @submit=${this.#saveSettings}>
      <fieldset>
        <legend>${l.t('bellSettingsKinds')}</legend>
        ${notificationKinds.map(
          (
            kind,
          ) => html`<label><input type="checkbox" name=${kind} ?checked=${settings.kinds.includes(kind)} />
            ${l.t(kindLabels[kind])}</label>`,
        )}
      </fieldset>
      <label>${l.t('bellEmail')}
        <select name="email">
          ${(['off', 'immediate', 'daily'] as const).map(
            (value) =>
              html`<option value=${value} ?selected=${settings.email === value}>${l.t(emailLabels[value])}</option>`,
          )}
        </select>
      </label>
      <button class="btn small primary" type="submit">${l.t('bellSettingsSave')}</button>
      <span role="status">${this.settingsStatus}</span>
    </form>`;
  }

  #keys = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.open) {
      event.preventDefault();
      this.open = false;
      this.renderRoot.querySelector<HTMLElement>('.bell')?.focus();
    }
  };

  override render() {
    const l = this.l10n;
    return html`<div @keydown=${this.#keys}>
      <button part="button" class="btn ghost bell" type="button" aria-haspopup="dialog" aria-expanded=${String(this.open)}
        aria-controls="panel" aria-label=${this.unread > 0 ? l.t('bellUnread', { count: this.unread }) : l.t('bellLabel')}
        @click=${this.#toggle}>
        ${icon(bellIcon)}${this.unread > 0 ? html`<span class="count" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>` : nothing}
      </button>
      <div part="panel" id="panel" role="dialog" aria-label=${l.t('bellLabel')} ?hidden=${!this.open}>
        <header>
          <h2>${l.t('bellLabel')}</h2>
          <!-- Never disabled: the focus stays on it after it has done its work (Escape still closes). -->
          <button class="btn small" type="button" @click=${() => this.#markRead('all')}>
            ${l.t('bellMarkAllRead')}</button>
          <button class="btn small" type="button" aria-expanded=${String(!!this.settings)}
            @click=${this.#toggleSettings}>${l.t('bellSettings')}</button>
        </header>
        ${this.settings ? this.#renderSettings(l, this.settings) : nothing}
        ${this.error ? html`<p class="alert" role="alert">${l.t('bellFailed', { message: this.error })}</p>` : nothing}
        <div role="status">${this.loading && !this.items ? l.t('bellLoading') : nothing}</div>
        ${
          this.items && this.items.length === 0
            ? html`<p>${l.t('bellEmpty')}</p>`
            : html`<ul>${(this.items ?? []).map((n) => this.#renderItem(l, n))}</ul>`
        }
        ${
          this.nextCursor
            ? html`<button class="btn small" type="button" ?disabled=${this.loading}
                @click=${() => this.#load(this.nextCursor)}>${l.t('bellMore')}</button>`
            : nothing
        }
      </div>
    </div>`;
  }

  #renderItem(l: Localizer, n: Notification): TemplateResult {
    const excerpt = n.kind === 'share' || n.kind === 'upload' ? '' : n.excerpt;
    return html`<li class=${n.read ? '' : 'unread'}>
      <a href=${this.#href(n)} @click=${(e: MouseEvent) => this.#follow(e, n)}>
        <span class="what">${this.#headline(n)}</span>
        ${excerpt ? html`<span class="excerpt">${excerpt}</span>` : nothing}
        <time datetime=${n.createdAt}>${formatDate(l, n.createdAt)}</time>
      </a>
      ${
        n.read
          ? nothing
          : html`<button class="btn small" type="button" @click=${() => this.#markRead([n.id])}>${l.t('bellMarkRead')}</button>`
      }
    </li>`;
  }
}

customElements.get('ml-notification-bell') ||
  customElements.define('ml-notification-bell', NotificationBellElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-notification-bell': NotificationBellElement;
  }
}
