import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from '../../element/decorators.js';
import type { ApiKeyPair } from '../../shared/wire.js';
import { appFetch } from './api.js';
import {
  copyText,
  DialogFocus,
  failureText,
  formatTime,
  ScreenLocalizer,
  screenStyles,
} from './screen-kit.js';

type KeyDialog =
  | { kind: 'create' }
  | { kind: 'created'; pair: ApiKeyPair }
  | { kind: 'roll'; pair: ApiKeyPair }
  | { kind: 'delete'; pair: ApiKeyPair };

const graceKeys = {
  immediately: 'adminGraceImmediately',
  '1h': 'adminGrace1h',
  '24h': 'adminGrace24h',
  '3d': 'adminGrace3d',
  '7d': 'adminGrace7d',
} as const;
const permissionKeys = {
  None: 'adminKeyPermNone',
  Read: 'adminKeyPermRead',
  ReadWrite: 'adminKeyPermReadWrite',
} as const;

/**
 * The DAM app's API keys screen (admins; `/_ml/keys`): every key pair with its public key and a
 * masked private key; create a standard or restricted pair (its private key shown once, with a
 * copy button), roll one (the old private key keeps working for a chosen time), delete one.
 */
export class KeysScreenElement extends LitElement {
  static override styles = screenStyles;

  /** The language to speak (BCP 47); the page's `lang` when empty. */
  @property() locale = '';

  @state() private keys: ApiKeyPair[] | undefined;
  @state() private loadError = '';
  @state() private status = '';
  @state() private dialog: KeyDialog | undefined;
  @state() private dialogError = '';
  @state() private busy = false;
  @state() private copied = '';
  @state() private kind: 'standard' | 'restricted' = 'standard';

  readonly #t = new ScreenLocalizer(this);
  readonly #focus = new DialogFocus();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the list again. */
  async load(): Promise<void> {
    this.loadError = '';
    try {
      this.keys = await appFetch<ApiKeyPair[]>('/_ml/keys');
    } catch (error) {
      this.loadError = failureText(this.#t.value, error);
    }
  }

  get #dialogElement() {
    return this.renderRoot.querySelector('dialog');
  }

  async #open(dialog: KeyDialog) {
    this.dialog = dialog;
    this.dialogError = '';
    this.copied = '';
    this.kind = 'standard';
    await this.updateComplete;
    this.#focus.open(this.#dialogElement);
  }

  #close() {
    this.#dialogElement?.close();
  }

  async #closed() {
    this.dialog = undefined;
    await this.updateComplete;
    this.#focus.restore(() => this.renderRoot.querySelector<HTMLElement>('.add'));
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const dialog = this.dialog;
    if (!dialog || this.busy) return;
    const t = this.#t.value;
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.dialogError = '';
    try {
      if (dialog.kind === 'create') {
        const name = String(data.get('name') ?? '').trim();
        const pair = await appFetch<ApiKeyPair>('/_ml/keys', {
          method: 'POST',
          json: {
            kind: this.kind,
            ...(name !== '' && { name }),
            ...(this.kind === 'restricted' && { permission: String(data.get('permission')) }),
          },
        });
        await this.#showPair(pair);
      } else if (dialog.kind === 'roll') {
        const pair = await appFetch<ApiKeyPair>(
          `/_ml/keys/${encodeURIComponent(dialog.pair.publicKey)}/roll`,
          {
            method: 'POST',
            json: { expireOldKeyIn: String(data.get('grace')) },
          },
        );
        await this.#showPair(pair);
      } else if (dialog.kind === 'delete') {
        await appFetch(`/_ml/keys/${encodeURIComponent(dialog.pair.publicKey)}`, { method: 'DELETE' });
        this.status = t.t('adminKeyDeleted', { name: dialog.pair.name });
        await this.load();
        this.#close();
      } else {
        this.#close();
      }
    } catch (error) {
      this.dialogError = failureText(t, error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('dialog .alert')?.focus();
    } finally {
      this.busy = false;
    }
  }

  /** The new private key, once: the dialog turns into its display, focus on it. */
  async #showPair(pair: ApiKeyPair) {
    this.dialog = { kind: 'created', pair };
    this.copied = '';
    void this.load();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.focus();
  }

  async #copy(text: string) {
    const t = this.#t.value;
    const ok = await copyText(text);
    this.copied = ok ? t.t('adminCopied') : t.t('adminCopyFailed');
    if (!ok) this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.select();
  }

  override render() {
    const t = this.#t.value;
    return html`
      <div class="screen" lang=${t.lang} dir=${t.dir}>
      <div class="head">
        <h1 id="title">${t.t('adminKeysTitle')}</h1>
        <button class="btn primary add" type="button" @click=${() => this.#open({ kind: 'create' })}>
          ${t.t('adminKeyAdd')}
        </button>
      </div>
      <p class="status" role="status">${this.status}</p>
      ${this.#renderList()}
      <dialog aria-labelledby="dialog-title" @close=${this.#closed}>${this.#renderDialog()}</dialog>
      </div>
    `;
  }

  #kindText(pair: ApiKeyPair): string {
    const t = this.#t.value;
    return pair.kind === 'standard'
      ? t.t('adminKeyStandard')
      : `${t.t('adminKeyRestricted')}: ${t.t(permissionKeys[pair.permission])}`;
  }

  #renderList(): TemplateResult {
    const t = this.#t.value;
    if (this.loadError) {
      return html`<div role="alert">
        <p class="alert">${t.t('adminLoadFailed', { message: this.loadError })}</p>
        <button class="btn" type="button" @click=${() => this.load()}>${t.t('adminRetry')}</button>
      </div>`;
    }
    if (!this.keys) return html`<p class="loading" role="status">${t.t('adminLoading')}</p>`;
    if (this.keys.length === 0) return html`<p class="empty">${t.t('adminKeysEmpty')}</p>`;
    return html`<table aria-labelledby="title">
      <thead>
        <tr>
          <th scope="col">${t.t('adminName')}</th>
          <th scope="col">${t.t('adminKeyPublic')}</th>
          <th scope="col">${t.t('adminKeyPrivate')}</th>
          <th scope="col">${t.t('adminKeyKind')}</th>
          <th scope="col">${t.t('adminKeyCreatedAt')}</th>
          <th scope="col"><span class="visually-hidden">${t.t('adminActions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${this.keys.map(
          (pair) => html`<tr data-key=${pair.name}>
            <th scope="row">${pair.name}</th>
            <td><code>${pair.publicKey}</code></td>
            <td>
              <code>${pair.privateKey}</code>
              ${
                pair.previousKeyExpiresAt
                  ? html`<div class="hint">${t.t('adminKeyOldUntil', { date: formatTime(t, pair.previousKeyExpiresAt) })}</div>`
                  : nothing
              }
            </td>
            <td>${this.#kindText(pair)}</td>
            <td>${formatTime(t, pair.createdAt)}</td>
            <td class="actions">
              <button class="btn roll" type="button" aria-label=${t.t('adminRollKey', { name: pair.name })}
                @click=${() => this.#open({ kind: 'roll', pair })}>${t.t('adminKeyRoll')}</button>
              <button class="btn delete" type="button" aria-label=${t.t('adminDeleteKey', { name: pair.name })}
                @click=${() => this.#open({ kind: 'delete', pair })}>${t.t('adminDelete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #renderDialog() {
    const t = this.#t.value;
    const dialog = this.dialog;
    if (!dialog) return nothing;
    const error = this.dialogError
      ? html`<p class="alert" role="alert" tabindex="-1">${this.dialogError}</p>`
      : nothing;
    const buttons = (submit: string, danger = false) => html`<div class="buttons">
      <button class="btn cancel" type="button" ?autofocus=${danger} @click=${() => this.#close()}>${t.t('adminCancel')}</button>
      <button class="btn ${danger ? 'danger' : 'primary'} submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${submit}</button>
    </div>`;
    const form = (title: string, body: TemplateResult) =>
      html`<form @submit=${this.#submit} lang=${t.lang} dir=${t.dir}>
        <h2 id="dialog-title">${title}</h2>
        ${body}${error}
      </form>`;
    switch (dialog.kind) {
      case 'create':
        return form(
          t.t('adminKeyNewTitle'),
          html`<label class="field">${t.t('adminName')}
              <input name="name" maxlength="100" autofocus autocomplete="off" />
            </label>
            <fieldset>
              <legend>${t.t('adminKeyKind')}</legend>
              ${(['standard', 'restricted'] as const).map(
                (kind) => html`<label class="check">
                  <input type="radio" name="kind" value=${kind} .checked=${this.kind === kind}
                    @change=${() => (this.kind = kind)} />
                  ${t.t(kind === 'standard' ? 'adminKeyStandard' : 'adminKeyRestricted')}
                </label>`,
              )}
            </fieldset>
            ${
              this.kind === 'restricted'
                ? html`<label class="field">${t.t('adminKeyPermission')}
                    <select name="permission">
                      ${(['Read', 'ReadWrite', 'None'] as const).map(
                        (p) => html`<option value=${p}>${t.t(permissionKeys[p])}</option>`,
                      )}
                    </select>
                  </label>`
                : nothing
            }
            ${buttons(t.t('adminCreate'))}`,
        );
      case 'created':
        return form(
          t.t('adminKeyReadyTitle', { name: dialog.pair.name }),
          html`<p id="once">${t.t('adminKeyShownOnce')}</p>
            <label class="field">${t.t('adminKeyPublic')}<input readonly .value=${dialog.pair.publicKey} /></label>
            <div class="field">
              <label for="private-key">${t.t('adminKeyPrivate')}</label>
              <div class="secret">
                <input id="private-key" readonly aria-describedby="once" .value=${dialog.pair.privateKey} />
                <button class="btn copy" type="button" @click=${() => this.#copy(dialog.pair.privateKey)}>
                  ${t.t('adminCopy')}
                </button>
              </div>
            </div>
            <p role="status" class="hint">${this.copied}</p>
            <div class="buttons"><button class="btn primary submit" type="submit">${t.t('adminClose')}</button></div>`,
        );
      case 'roll':
        return form(
          t.t('adminKeyRollTitle', { name: dialog.pair.name }),
          html`<p>${t.t('adminKeyRollBody')}</p>
            <label class="field">${t.t('adminKeyGrace')}
              <select name="grace">
                ${(Object.keys(graceKeys) as Array<keyof typeof graceKeys>).map(
                  (g) => html`<option value=${g} ?selected=${g === '24h'}>${t.t(graceKeys[g])}</option>`,
                )}
              </select>
            </label>
            ${buttons(t.t('adminKeyRoll'))}`,
        );
      case 'delete':
        return form(
          t.t('adminKeyDeleteTitle', { name: dialog.pair.name }),
          html`<p>${t.t('adminKeyDeleteBody')}</p>
            ${buttons(t.t('adminDelete'), true)}`,
        );
    }
  }
}

customElements.get('ml-keys-screen') || customElements.define('ml-keys-screen', KeysScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-keys-screen': KeysScreenElement;
  }
}
