import { html, nothing, type TemplateResult } from 'lit';
import { state } from '../../element/decorators.js';
import type { ApiKeyPair } from '../../shared/wire.js';
import { appFetch } from './api.js';
import { ListScreen, type ListScreenText } from './list-screen.js';
import { copyText, formatTime } from './screen-kit.js';

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
export class KeysScreenElement extends ListScreen<ApiKeyPair, KeyDialog> {
  protected readonly text: ListScreenText = {
    title: 'adminKeysTitle',
    add: 'adminKeyAdd',
    empty: 'adminKeysEmpty',
  };

  @state() private copied = '';
  @state() private kind: 'standard' | 'restricted' = 'standard';

  protected fetchItems(): Promise<ApiKeyPair[]> {
    return appFetch<ApiKeyPair[]>('/_ml/keys');
  }

  protected override prepareDialog(_dialog: KeyDialog): void {
    this.copied = '';
    this.kind = 'standard';
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const dialog = this.dialog;
    if (!dialog || this.busy) return;
    const t = this.localizer.value;
    const data = new FormData(event.target as HTMLFormElement);
    await this.submitting(async () => {
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
        this.closeDialog();
      } else {
        this.closeDialog();
      }
    });
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
    const t = this.localizer.value;
    const ok = await copyText(text);
    this.copied = ok ? t.t('adminCopied') : t.t('adminCopyFailed');
    if (!ok) this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.select();
  }

  protected createDialog(): KeyDialog {
    return { kind: 'create' };
  }

  #kindText(pair: ApiKeyPair): string {
    const t = this.localizer.value;
    return pair.kind === 'standard'
      ? t.t('adminKeyStandard')
      : `${t.t('adminKeyRestricted')}: ${t.t(permissionKeys[pair.permission])}`;
  }

  protected renderTable(keys: ApiKeyPair[]): TemplateResult {
    const t = this.localizer.value;
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
        ${keys.map(
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
                @click=${() => this.openDialog({ kind: 'roll', pair })}>${t.t('adminKeyRoll')}</button>
              <button class="btn delete" type="button" aria-label=${t.t('adminDeleteKey', { name: pair.name })}
                @click=${() => this.openDialog({ kind: 'delete', pair })}>${t.t('adminDelete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  protected renderDialog() {
    const t = this.localizer.value;
    const dialog = this.dialog;
    if (!dialog) return nothing;
    const { error, buttons } = this.dialogParts();
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
