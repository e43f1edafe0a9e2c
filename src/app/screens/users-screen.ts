import { html, nothing, type TemplateResult } from 'lit';
import { state } from '../../element/decorators.js';
import type { DamUser, UserRole, UserStatus } from '../../shared/wire.js';
import { appFetch } from './api.js';
import { ListScreen, type ListScreenText } from './list-screen.js';
import { copyText } from './screen-kit.js';

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
export class UsersScreenElement extends ListScreen<DamUser, UserDialog> {
  protected readonly text: ListScreenText = {
    title: 'adminUsersTitle',
    add: 'adminUserAdd',
    empty: 'adminUsersEmpty',
  };

  @state() private copied = '';
  @state() private passwordMode: 'invite' | 'password' = 'password';

  protected fetchItems(): Promise<DamUser[]> {
    return appFetch<DamUser[]>('/_ml/users');
  }

  protected override prepareDialog(_dialog: UserDialog): void {
    this.copied = '';
    this.passwordMode = 'password';
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const dialog = this.dialog;
    if (!dialog || this.busy) return;
    const t = this.localizer.value;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    await this.submitting(async () => {
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
        this.closeDialog();
      } else if (dialog.kind === 'edit') {
        const user = await appFetch<DamUser>(`/_ml/users/${encodeURIComponent(dialog.user.id)}`, {
          method: 'PATCH',
          json: { name: text('name'), role: text('role'), status: text('status') },
        });
        this.status = t.t('adminUserUpdated', { email: user.email });
        await this.load();
        this.closeDialog();
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
        this.closeDialog();
      } else {
        this.closeDialog();
      }
    });
  }

  async #copy(text: string) {
    const t = this.localizer.value;
    this.copied = (await copyText(text)) ? t.t('adminCopied') : t.t('adminCopyFailed');
    if (this.copied === t.t('adminCopyFailed'))
      this.renderRoot.querySelector<HTMLInputElement>('.secret input')?.select();
  }

  protected createDialog(): UserDialog {
    return { kind: 'create' };
  }

  protected renderTable(users: DamUser[]): TemplateResult {
    const t = this.localizer.value;
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
        ${users.map(
          (user) => html`<tr data-user=${user.email}>
            <th scope="row">${user.email}</th>
            <td>${user.name}</td>
            <td>${t.t(roleKey[user.role])}</td>
            <td>
              <span class="badge ${user.status === 'disabled' ? 'off' : ''}">${this.#statusText(user)}</span>
            </td>
            <td class="actions">
              <button class="btn edit" type="button" aria-label=${t.t('adminEditUser', { email: user.email })}
                @click=${() => this.openDialog({ kind: 'edit', user })}>${t.t('adminEdit')}</button>
              <button class="btn reset" type="button" aria-label=${t.t('adminResetUser', { email: user.email })}
                @click=${() => this.openDialog({ kind: 'reset', user })}>${t.t('adminUserResetPassword')}</button>
              <button class="btn delete" type="button" aria-label=${t.t('adminDeleteUser', { email: user.email })}
                @click=${() => this.openDialog({ kind: 'delete', user })}>${t.t('adminDelete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #statusText(user: DamUser): string {
    const t = this.localizer.value;
    if (user.status === 'disabled') return t.t('adminStatusDisabled');
    return user.hasPassword ? t.t('adminStatusActive') : t.t('adminStatusInvited');
  }

  #roleSelect(current: UserRole) {
    const t = this.localizer.value;
    return html`<label class="field">${t.t('adminUserRole')}
      <select name="role" aria-describedby="role-hint">
        ${roles.map((role) => html`<option value=${role} ?selected=${role === current}>${t.t(roleKey[role])}</option>`)}
      </select>
      <span class="hint" id="role-hint">${t.t('adminRoleHint')}</span>
    </label>`;
  }

  protected renderDialog() {
    const t = this.localizer.value;
    const dialog = this.dialog;
    if (!dialog) return nothing;
    const wrap = (title: string, body: TemplateResult) =>
      html`<form @submit=${this.#submit} lang=${t.lang} dir=${t.dir}>
        <h2 id="dialog-title">${title}</h2>
        ${body}${this.dialogParts().error}
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
            ${this.dialogParts().buttons(t.t('adminUserAdd'))}`,
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
            ${this.dialogParts().buttons(t.t('adminSave'))}`,
        );
      case 'reset':
        return wrap(
          t.t('adminUserResetTitle', { email: dialog.user.email }),
          html`<p>${t.t('adminUserResetBody')}</p>
            ${this.dialogParts().buttons(t.t('adminUserResetPassword'), true)}`,
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
            ${this.dialogParts().buttons(t.t('adminDelete'), true)}`,
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
