import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from '../element/decorators.js';
import { english, type Localizer } from '../element/i18n/localize.js';
import { shared } from '../element/styles/shared.js';
import { tokens } from '../element/styles/tokens.js';
import { signInStyles } from './app.styles.js';
import { AppRequestError, type SignedIn, signIn } from './session.js';

/**
 * The DAM's sign-in page: email and password, with what is wrong said at the field (missing) or
 * the form (wrong password, locked after too many failures, server unreachable).
 *
 * @event signed-in - `{ session }`: the server set the session cookie.
 */
export class SignInForm extends LitElement {
  static override styles = [tokens, shared, signInStyles];

  @property({ attribute: false }) l10n: Localizer = english;
  /** A message above the form (the session ended). */
  @property({ attribute: false }) notice = '';

  @state() private busy = false;
  @state() private fieldErrors: { email?: string; password?: string } = {};
  @state() private formError = '';

  override render(): TemplateResult {
    const l = this.l10n;
    const { email, password } = this.fieldErrors;
    return html`<main><form novalidate @submit=${this.#submit} aria-labelledby="title" lang=${l.lang} dir=${l.dir}>
      <h1 id="title">${l.t('appSignInTitle', { name: l.t('appName') })}</h1>
      ${this.notice && !this.formError ? html`<p class="muted" role="status">${this.notice}</p>` : nothing}
      ${this.formError ? html`<p class="error form-error" role="alert" id="form-error">${this.formError}</p>` : nothing}
      <label>
        ${l.t('appEmail')}
        <input
          name="email"
          type="email"
          autocomplete="username"
          required
          aria-invalid=${email ? 'true' : 'false'}
          aria-describedby=${email ? 'email-error' : nothing}
        />
        ${email ? html`<span class="error" id="email-error">${email}</span>` : nothing}
      </label>
      <label>
        ${l.t('appPassword')}
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          required
          aria-invalid=${password || this.formError ? 'true' : 'false'}
          aria-describedby=${password ? 'password-error' : this.formError ? 'form-error' : nothing}
        />
        ${password ? html`<span class="error" id="password-error">${password}</span>` : nothing}
      </label>
      <button class="btn primary" type="submit" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>
        ${this.busy ? l.t('appSigningIn') : l.t('appSignIn')}
      </button>
    </form></main>`;
  }

  protected override firstUpdated(): void {
    this.focus();
  }

  /** Puts the cursor in the first field. */
  override focus(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector('input')?.focus());
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    const l = this.l10n;
    this.formError = '';
    this.fieldErrors = {
      ...(!email && { email: l.t('appEmailMissing') }),
      ...(!password && { password: l.t('appPasswordMissing') }),
    };
    if (!email || !password) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.busy = true;
    let session: SignedIn;
    try {
      session = await signIn(email, password);
    } catch (error) {
      this.formError = this.#describe(error);
      this.busy = false;
      await this.updateComplete;
      const field = this.renderRoot.querySelector<HTMLInputElement>('input[name="password"]');
      field?.select();
      field?.focus();
      return;
    }
    this.busy = false;
    this.dispatchEvent(new CustomEvent('signed-in', { detail: { session }, bubbles: true, composed: true }));
  }

  #describe(error: unknown): string {
    const l = this.l10n;
    if (!(error instanceof AppRequestError)) return l.t('appSignInError', { message: String(error) });
    if (error.status === 401) return l.t('appSignInFailed');
    if (error.status === 429) {
      const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
      return l.t('appSignInLocked', { count: minutes });
    }
    if (error.status === 0) return l.t('appOffline');
    return l.t('appSignInError', { message: error.message });
  }
}

customElements.get('ml-sign-in') || customElements.define('ml-sign-in', SignInForm);

declare global {
  interface HTMLElementTagNameMap {
    'ml-sign-in': SignInForm;
  }
}
