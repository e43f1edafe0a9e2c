import '../i18n/en-shares.js';
import { css, html, LitElement, nothing } from 'lit';
import type { MediaClient } from '../../client/media-client.js';
import { createShare, listShares, revokeShare } from '../../client/shares.js';
import type { Share, ShareTarget } from '../../shared/shares.js';
import { property, state } from '../decorators.js';
import { formatDate } from '../i18n/format.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';

/** What a link is made for: a target as the API names it, and the name the dialog shows. */
export interface ShareSubject {
  target: ShareTarget;
  name: string;
}

const minPassword = 8;

/**
 * "Share link…": makes a public link to a file, folder or collection (title, expiry, password, whether
 * downloads are allowed), shows its URL once to copy, and lists the target's links with Revoke.
 * A native modal `<dialog>`: focus is trapped, Escape closes it, and focus goes back to what
 * opened it. Its own lazy chunk.
 *
 * @fires share-change - `{ shares }`: a link was made or revoked.
 */
export class ShareLinkDialogElement extends LitElement {
  static override styles = [
    shared,
    css`
      dialog {
        width: min(480px, calc(100vw - 32px));
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      form,
      section {
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      h2 {
        margin: 0 0 8px;
        font-size: 15px;
        overflow-wrap: anywhere;
      }
      h3 {
        margin: 12px 0 0;
        font-size: 13px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      label.check {
        flex-direction: row;
        align-items: center;
        gap: 6px;
      }
      .row {
        display: flex;
        gap: 6px;
      }
      .row input {
        flex: 1;
        min-width: 0;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 8px;
        justify-content: space-between;
        padding: 4px 0;
        border-bottom: 1px solid var(--_border);
      }
      li span {
        overflow-wrap: anywhere;
      }
      .muted {
        color: var(--_muted, inherit);
        font-size: 12px;
      }
      .alert {
        color: var(--_danger);
        margin: 0;
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
        gap: 6px;
        margin-top: 12px;
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  @state() private subject: ShareSubject | undefined;
  /** The target's links; undefined while they load. */
  @state() private shares: Share[] | undefined;
  /** The link just made: its URL is shown until the dialog closes. */
  @state() private made: Share | undefined;
  @state() private busy = false;
  @state() private error: string | undefined;
  @state() private status = '';
  readonly #l10n = new LocalizeController(this);
  #opener: Element | null = null;

  /** Opens the dialog for `subject` and loads its links. */
  async open(subject: ShareSubject): Promise<void> {
    Object.assign(this, {
      subject,
      shares: undefined,
      made: undefined,
      busy: false,
      error: undefined,
      status: '',
    });
    this.#opener = deepActiveElement();
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.renderRoot.querySelector('dialog')!.showModal();
    this.renderRoot.querySelector<HTMLElement>('input[name="title"]')?.focus();
    await this.#load();
  }

  async #load(): Promise<void> {
    const { client, subject } = this;
    if (!client || !subject) return;
    const t = subject.target;
    try {
      this.shares = await listShares(
        client,
        t.type === 'folder'
          ? { folder: t.path }
          : t.type === 'file'
            ? { fileId: t.id }
            : { collectionId: t.id },
      );
    } catch (failure) {
      this.shares = [];
      this.error = toMediaError(failure).message;
    }
  }

  async #create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const l = this.#l10n.value;
    const { client, subject } = this;
    if (!client || !subject || this.busy) return;
    const form = new FormData(event.target as HTMLFormElement);
    const title = String(form.get('title') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const date = String(form.get('expiry') ?? '');
    this.error = undefined;
    if (password && password.length < minPassword) {
      this.error = l.t('sharePasswordShort');
      return;
    }
    // The chosen day's end, in the user's time zone.
    const expiresAt = date ? new Date(`${date}T23:59:59`) : undefined;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      this.error = l.t('shareExpiryPast');
      return;
    }
    this.busy = true;
    this.status = l.t('shareCreating');
    try {
      const made = await createShare(client, {
        target: subject.target,
        allowDownload: form.get('allowDownload') === 'on',
        ...(title && { title }),
        ...(password && { password }),
        ...(expiresAt && { expiresAt: expiresAt.toISOString() }),
      });
      this.made = made;
      this.shares = [made, ...(this.shares ?? [])];
      this.status = l.t('shareCreated');
      this.#changed();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input.url')?.select();
      this.renderRoot.querySelector<HTMLElement>('.copy')?.focus();
    } catch (failure) {
      this.status = '';
      this.error = toMediaError(failure).message;
    } finally {
      this.busy = false;
    }
  }

  async #copy(): Promise<void> {
    const url = this.made?.url;
    if (!url) return;
    const l = this.#l10n.value;
    try {
      await navigator.clipboard.writeText(url);
      this.status = l.t('shareCopied');
    } catch {
      // The URL stays selected in its field, to copy by hand.
      this.renderRoot.querySelector<HTMLInputElement>('input.url')?.select();
      this.status = l.t('copyFailed');
    }
  }

  async #revoke(share: Share, button: HTMLElement): Promise<void> {
    const { client } = this;
    if (!client) return;
    const l = this.#l10n.value;
    this.error = undefined;
    try {
      await revokeShare(client, share.id);
      const at = this.shares?.indexOf(share) ?? -1;
      this.shares = this.shares?.filter((s) => s.id !== share.id);
      if (this.made?.id === share.id) this.made = undefined;
      this.status = l.t('shareRevoked');
      this.#changed();
      await this.updateComplete;
      // Focus stays in the list: on the next link's Revoke, else on the form.
      const buttons = [...this.renderRoot.querySelectorAll<HTMLElement>('li button')];
      (
        buttons[Math.min(at, buttons.length - 1)] ??
        this.renderRoot.querySelector<HTMLElement>('input[name="title"]')
      )?.focus();
    } catch (failure) {
      this.error = toMediaError(failure).message;
      button.focus();
    }
  }

  #changed(): void {
    this.dispatchEvent(
      new CustomEvent('share-change', { detail: { shares: this.shares }, bubbles: true, composed: true }),
    );
  }

  #closed(): void {
    if (this.renderRoot.querySelector('dialog')?.open) return;
    if (this.#opener?.isConnected) (this.#opener as HTMLElement).focus();
    this.#opener = null;
  }

  override render() {
    return html`<dialog aria-labelledby="share-title" @close=${this.#closed}>${this.subject ? this.#renderBody(this.subject) : nothing}</dialog>`;
  }

  #renderBody(subject: ShareSubject) {
    const l = this.#l10n.value;
    const today = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    return html`<h2 id="share-title">${l.t('shareLinkDialogTitle', { name: subject.name })}</h2>
      <form @submit=${(e: SubmitEvent) => this.#create(e)} aria-describedby="share-error">
        <label>${l.t('shareLinkTitle')}<input name="title" maxlength="200" autocomplete="off" /></label>
        <label>${l.t('shareExpiry')}<input name="expiry" type="date" min=${today} /></label>
        <label>${l.t('sharePassword')}<input name="password" type="password" minlength=${minPassword} autocomplete="new-password" /></label>
        <label class="check"><input name="allowDownload" type="checkbox" checked />${l.t('shareAllowDownload')}</label>
        <div class="buttons">
          <button class="btn primary" type="submit" ?disabled=${this.busy}>${l.t('shareCreate')}</button>
        </div>
      </form>
      ${
        this.made?.url
          ? html`<section>
              <label>${l.t('shareUrl')}
                <div class="row">
                  <input class="url" readonly .value=${this.made.url} />
                  <button class="btn copy" type="button" @click=${() => this.#copy()}>${l.t('shareCopy')}</button>
                </div>
              </label>
            </section>`
          : nothing
      }
      <p class="alert" id="share-error" role="alert">${this.error ?? nothing}</p>
      <p role="status" class="muted">${this.status}</p>
      <h3>${l.t('shareExisting')}</h3>
      ${this.#renderList()}
      <div class="buttons">
        <button class="btn" type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>${l.t('close')}</button>
      </div>`;
  }

  #renderList() {
    const l = this.#l10n.value;
    if (this.shares === undefined)
      return html`<p class="muted" aria-busy="true">${l.t('shareLinksLoading')}</p>`;
    if (this.shares.length === 0) return html`<p class="muted">${l.t('shareNone')}</p>`;
    return html`<ul aria-label=${l.t('shareExisting')}>
      ${this.shares.map((share) => {
        const name = share.title ?? l.t('shareUntitled');
        const facts = [
          share.expiresAt
            ? l.t('shareExpires', { date: formatDate(l, share.expiresAt) })
            : l.t('shareNoExpiry'),
          share.hasPassword ? l.t('shareProtected') : '',
          share.allowDownload ? '' : l.t('sharePreviewsOnly'),
        ].filter(Boolean);
        return html`<li>
          <span>${name}<br /><span class="muted">${facts.join(' · ')}</span></span>
          <button class="btn" type="button" aria-label=${l.t('shareRevokeNamed', { name })}
            @click=${(e: Event) => this.#revoke(share, e.currentTarget as HTMLElement)}>${l.t('shareRevoke')}</button>
        </li>`;
      })}
    </ul>`;
  }
}

/** The focused element, inside shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

customElements.get('ml-share-link-dialog') ??
  customElements.define('ml-share-link-dialog', ShareLinkDialogElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-share-link-dialog': ShareLinkDialogElement;
  }
}
