import { html, LitElement, nothing } from 'lit';
import { property, state } from '../../element/decorators.js';
import type { ServerSettings } from '../../shared/wire.js';
import { appFetch } from './api.js';
import { failureText, ScreenLocalizer, screenStyles } from './screen-kit.js';

/**
 * The DAM app's Settings screen (admins; `/_ml/settings`): the library's name (the app's header)
 * and how long the activity log keeps entries (forever, or a number of days).
 *
 * @fires ml-settings-change - `{ settings }` after a save, so the app can show the new name.
 */
export class SettingsScreenElement extends LitElement {
  static override styles = screenStyles;

  /** The language to speak (BCP 47); the page's `lang` when empty. */
  @property() locale = '';

  @state() private settings: ServerSettings | undefined;
  @state() private loadError = '';
  @state() private saveError = '';
  @state() private status = '';
  @state() private busy = false;
  @state() private forever = true;

  readonly #t = new ScreenLocalizer(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the settings again. */
  async load(): Promise<void> {
    this.loadError = '';
    try {
      this.settings = await appFetch<ServerSettings>('/_ml/settings');
      this.forever = this.settings.auditRetentionDays === null;
    } catch (error) {
      this.loadError = failureText(this.#t.value, error);
    }
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    const t = this.#t.value;
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.saveError = '';
    this.status = '';
    try {
      const settings = await appFetch<ServerSettings>('/_ml/settings', {
        method: 'PATCH',
        json: {
          libraryName: String(data.get('libraryName') ?? '').trim(),
          auditRetentionDays: this.forever ? null : Number(data.get('days')),
        },
      });
      this.settings = settings;
      this.status = t.t('adminSettingsSaved');
      this.dispatchEvent(
        new CustomEvent('ml-settings-change', { detail: { settings }, bubbles: true, composed: true }),
      );
    } catch (error) {
      this.saveError = failureText(t, error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('form .alert')?.focus();
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const t = this.#t.value;
    return html`
      <div class="screen" lang=${t.lang} dir=${t.dir}>
      <div class="head"><h1 id="title">${t.t('adminSettingsTitle')}</h1></div>
      <p class="status" role="status">${this.status}</p>
      ${this.#renderForm()}
      </div>
    `;
  }

  #renderForm() {
    const t = this.#t.value;
    if (this.loadError) {
      return html`<div role="alert">
        <p class="alert">${t.t('adminLoadFailed', { message: this.loadError })}</p>
        <button class="btn" type="button" @click=${() => this.load()}>${t.t('adminRetry')}</button>
      </div>`;
    }
    const settings = this.settings;
    if (!settings) return html`<p class="loading" role="status">${t.t('adminLoading')}</p>`;
    const days = settings.auditRetentionDays ?? 365;
    return html`<form @submit=${this.#submit} aria-labelledby="title" style="max-width: 480px" lang=${t.lang} dir=${t.dir}>
      <label class="field">${t.t('adminSettingsLibraryName')}
        <input name="libraryName" required maxlength="100" .value=${settings.libraryName} aria-describedby="name-hint" />
        <span class="hint" id="name-hint">${t.t('adminSettingsLibraryNameHint')}</span>
      </label>
      <fieldset>
        <legend>${t.t('adminSettingsRetention')}</legend>
        <label class="check">
          <input type="radio" name="retention" value="forever" .checked=${this.forever} @change=${() => (this.forever = true)} />
          ${t.t('adminSettingsForever')}
        </label>
        <label class="check">
          <input type="radio" name="retention" value="days" .checked=${!this.forever} @change=${() => (this.forever = false)} />
          ${t.t('adminSettingsForDays')}
        </label>
        ${
          this.forever
            ? nothing
            : html`<label class="field">${t.t('adminSettingsDays')}
                <input name="days" type="number" min="1" max="36500" step="1" required .value=${String(Math.round(days))}
                  aria-describedby="days-hint" />
                <span class="hint" id="days-hint">${t.t('adminSettingsDaysHint')}</span>
              </label>`
        }
      </fieldset>
      ${this.saveError ? html`<p class="alert" role="alert" tabindex="-1">${this.saveError}</p>` : nothing}
      <div class="buttons" style="justify-content: flex-start">
        <button class="btn primary submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${t.t('adminSave')}</button>
      </div>
    </form>`;
  }
}

customElements.get('ml-settings-screen') ||
  customElements.define('ml-settings-screen', SettingsScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-settings-screen': SettingsScreenElement;
  }
}
