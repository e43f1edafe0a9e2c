import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from '../../element/decorators.js';
import type { DamUser, UserRole, UserStatus } from '../../shared/wire.js';
import { appFetch } from './api.js';
import { copyText, DialogFocus, failureText, ScreenLocalizer, screenStyles } from './screen-kit.js';

type UserDialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: DamUser }
  | { kind: 'reset'; user: DamUser }
  | { kind: 'password'; user: DamUser; password: string }
  | { kind: 'delete'; user: DamUser };

const roles: readonly UserRole[] = ['admin', 'manager', 'member'];
const roleKey = { admin: 'adminRoleAdmin', manager: 'adminRoleManager', member: 'adminRoleMember' } as const;

/**
 * The DAM app's Users screen (admins): every user with email, name, role and status; add one with
 * an initial password or as an invitation; change name, role and status; reset a password (the new
 * one-time password is shown once, with a copy button); delete after a confirmation. The server's
 * refusals (the last admin, an email in use) are shown in the dialog that caused them.
 */
export class UsersScreenElement extends LitElement {
  static override styles = screenStyles;

  /** The language to speak (BCP 47); the page's `lang` when empty. */
  @property() locale = '';

  @state() private users: DamUser[] | undefined;
  @state() private loadError = '';
  @state() private status = '';
  @state() private dialog: UserDialog | undefined;
  @state() private dialogError = '';
  @state() private busy = false;
  @state() private copied = '';
  @state() private passwordMode: 'invite' | 'password' = 'password';

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
      this.users = await appFetch<DamUser[]>('/_ml/users');
    } catch (error) {
      this.loadError = failureText(this.#t.value, error);
    }
  }

  get #dialogElement() {
    return this.renderRoot.querySelector('dialog');
  }

  async #open(dialog: UserDialog) {
    this.dialog = dialog;
    this.dialogError = '';
    this.copied = '';
    this.passwordMode = 'password';
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
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    this.busy = true;
    this.dialogError = '';
    try {
      if (dialog.kind === 'create') {
        const user = await appFetch<DamUser>('/_ml/users', {
          method: 'POST',
          json: {
            email: text('email'),
            role: text('role'),
            ...(text('name') !== '' && { name: text('name') }),
            ...(this.passwordMode === 'password' && { password: String(data.get('password') ?? '') }),
          },
        });
        this.status = t.t('adminUserCreated', { email: user.email });
        await this.load();
        this.#close();
      } else if (dialog.kind === 'edit') {
        const user = await appFetch<DamUser>(`/_ml/users/${encodeURIComponent(dialog.user.id)}`, {
          method: 'PATCH',
          json: { name: text('name'), role: text('role'), status: text('status') },
        });
        this.status = t.t('adminUserUpdated', { email: user.email });
        await this.load();
        this.#close();
      } else if (dialog.kind === 'reset') {
        const { password } = await appFetch<{ password: string }>(
          `/_ml/users/${encodeURIComponent(dialog.user.id)}/reset-password`,
          { method: 'POST' },
        );
        this.dialog = { kind: 'password', user: dialog.user, password };
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.focus();
        void this.load();
      } else if (dialog.kind === 'delete') {
        await appFetch(`/_ml/users/${encodeURIComponent(dialog.user.id)}`, { method: 'DELETE' });
        this.status = t.t('adminUserDeleted', { email: dialog.user.email });
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

  async #copy(text: string) {
    const t = this.#t.value;
    this.copied = (await copyText(text)) ? t.t('adminCopied') : t.t('adminCopyFailed');
    if (this.copied === t.t('adminCopyFailed'))
      this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.select();
  }

  override render() {
    const t = this.#t.value;
    return html`
      <div class="screen" lang=${t.lang} dir=${t.dir}>
      <div class="head">
        <h1 id="title">${t.t('adminUsersTitle')}</h1>
        <button class="btn primary add" type="button" @click=${() => this.#open({ kind: 'create' })}>
          ${t.t('adminUserAdd')}
        </button>
      </div>
      <p class="status" role="status">${this.status}</p>
      ${this.#renderList()}
      <dialog aria-labelledby="dialog-title" @close=${this.#closed}>${this.#renderDialog()}</dialog>
      </div>
    `;
  }

  #renderList(): TemplateResult {
    const t = this.#t.value;
    if (this.loadError) {
      return html`<div role="alert">
        <p class="alert">${t.t('adminLoadFailed', { message: this.loadError })}</p>
        <button class="btn" type="button" @click=${() => this.load()}>${t.t('adminRetry')}</button>
      </div>`;
    }
    if (!this.users) return html`<p class="loading" role="status">${t.t('adminLoading')}</p>`;
    if (this.users.length === 0) return html`<p class="empty">${t.t('adminUsersEmpty')}</p>`;
    return html`<table aria-labelledby="title">
      <thead>
        <tr>
          <th scope="col">${t.t('adminEmail')}</th>
          <th scope="col">${t.t('adminName')}</th>
          <th scope="col">${t.t('adminUserRole')}</th>
          <th scope="col">${t.t('adminUserStatus')}</th>
          <th scope="col"><span class="visually-hidden">${t.t('adminActions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${this.users.map(
          (user) => html`<tr data-user=${user.email}>
            <th scope="row">${user.email}</th>
            <td>${user.name}</td>
            <td>${t.t(roleKey[user.role])}</td>
            <td>
              <span class="badge ${user.status === 'disabled' ? 'off' : ''}">${this.#statusText(user)}</span>
            </td>
            <td class="actions">
              <button class="btn edit" type="button" aria-label=${t.t('adminEditUser', { email: user.email })}
                @click=${() => this.#open({ kind: 'edit', user })}>${t.t('adminEdit')}</button>
              <button class="btn reset" type="button" aria-label=${t.t('adminResetUser', { email: user.email })}
                @click=${() => this.#open({ kind: 'reset', user })}>${t.t('adminUserResetPassword')}</button>
              <button class="btn delete" type="button" aria-label=${t.t('adminDeleteUser', { email: user.email })}
                @click=${() => this.#open({ kind: 'delete', user })}>${t.t('adminDelete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #statusText(user: DamUser): string {
    const t = this.#t.value;
    if (user.status === 'disabled') return t.t('adminStatusDisabled');
    return user.hasPassword ? t.t('adminStatusActive') : t.t('adminStatusInvited');
  }

  #renderError() {
    return this.dialogError
      ? html`<p class="alert" role="alert" tabindex="-1">${this.dialogError}</p>`
      : nothing;
  }

  #buttons(submit: string, danger = false) {
    const t = this.#t.value;
    return html`<div class="buttons">
      <button class="btn cancel" type="button" ?autofocus=${danger} @click=${() => this.#close()}>${t.t('adminCancel')}</button>
      <button class="btn ${danger ? 'danger' : 'primary'} submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${submit}</button>
    </div>`;
  }

  #roleSelect(current: UserRole) {
    const t = this.#t.value;
    return html`<label class="field">${t.t('adminUserRole')}
      <select name="role" aria-describedby="role-hint">
        ${roles.map((role) => html`<option value=${role} ?selected=${role === current}>${t.t(roleKey[role])}</option>`)}
      </select>
      <span class="hint" id="role-hint">${t.t('adminRoleHint')}</span>
    </label>`;
  }

  #renderDialog() {
    const t = this.#t.value;
    const dialog = this.dialog;
    if (!dialog) return nothing;
    const wrap = (title: string, body: TemplateResult) =>
      html`<form @submit=${this.#submit} lang=${t.lang} dir=${t.dir}>
        <h2 id="dialog-title">${title}</h2>
        ${body}${this.#renderError()}
      </form>`;
    switch (dialog.kind) {
      case 'create':
        return wrap(
          t.t('adminUserAdd'),
          html`<label class="field">${t.t('adminEmail')}
              <input name="email" type="email" required autocomplete="off" autofocus maxlength="320" />
            </label>
            <label class="field">${t.t('adminName')}<input name="name" maxlength="200" autocomplete="off" /></label>
            ${this.#roleSelect('member')}
            <fieldset>
              <legend>${t.t('adminUserSignIn')}</legend>
              <label class="check"><input type="radio" name="mode" value="password" .checked=${this.passwordMode === 'password'}
                @change=${() => (this.passwordMode = 'password')} />${t.t('adminUserSetPassword')}</label>
              <label class="check"><input type="radio" name="mode" value="invite" .checked=${this.passwordMode === 'invite'}
                @change=${() => (this.passwordMode = 'invite')} />${t.t('adminUserInvite')}</label>
            </fieldset>
            ${
              this.passwordMode === 'password'
                ? html`<label class="field">${t.t('adminUserPassword')}
                    <input name="password" type="password" required minlength="12" maxlength="1024" autocomplete="new-password"
                      aria-describedby="password-hint" />
                    <span class="hint" id="password-hint">${t.t('adminUserPasswordHint')}</span>
                  </label>`
                : nothing
            }
            ${this.#buttons(t.t('adminUserAdd'))}`,
        );
      case 'edit':
        return wrap(
          t.t('adminUserEditTitle', { email: dialog.user.email }),
          html`<label class="field">${t.t('adminName')}
              <input name="name" maxlength="200" autofocus .value=${dialog.user.name} />
            </label>
            ${this.#roleSelect(dialog.user.role)}
            <label class="field">${t.t('adminUserStatus')}
              <select name="status">
                ${(['active', 'disabled'] as UserStatus[]).map(
                  (status) =>
                    html`<option value=${status} ?selected=${status === dialog.user.status}>
                      ${t.t(status === 'active' ? 'adminStatusActive' : 'adminStatusDisabled')}
                    </option>`,
                )}
              </select>
            </label>
            ${this.#buttons(t.t('adminSave'))}`,
        );
      case 'reset':
        return wrap(
          t.t('adminUserResetTitle', { email: dialog.user.email }),
          html`<p>${t.t('adminUserResetBody')}</p>
            ${this.#buttons(t.t('adminUserResetPassword'), true)}`,
        );
      case 'password':
        return wrap(
          t.t('adminUserNewPassword', { email: dialog.user.email }),
          html`<p id="once">${t.t('adminUserPasswordOnce')}</p>
            <div class="secret">
              <input readonly aria-label=${t.t('adminUserPassword')} aria-describedby="once" .value=${dialog.password} />
              <button class="btn copy" type="button" @click=${() => this.#copy(dialog.password)}>${t.t('adminCopy')}</button>
            </div>
            <p role="status" class="hint">${this.copied}</p>
            <div class="buttons"><button class="btn primary submit" type="submit">${t.t('adminClose')}</button></div>`,
        );
      case 'delete':
        return wrap(
          t.t('adminUserDeleteTitle', { email: dialog.user.email }),
          html`<p>${t.t('adminUserDeleteBody')}</p>
            ${this.#buttons(t.t('adminDelete'), true)}`,
        );
    }
  }
}

customElements.get('ml-users-screen') || customElements.define('ml-users-screen', UsersScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-users-screen': UsersScreenElement;
  }
}
