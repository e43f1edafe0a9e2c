import { html, LitElement, nothing } from 'lit';
import { property, state } from '../../element/decorators.js';
import '../../element/i18n/en-duplicates.js';
import type { RuleMode, ServerSettings, UploadRules } from '../../shared/wire.js';
import { appFetch } from './api.js';
import { failureText, ScreenLocalizer, screenStyles } from './screen-kit.js';

/** A rule's mode as the form sends it: `off` clears the rule. */
type ModeField = RuleMode | 'off';

const megabyte = 1024 * 1024;

/** The upload rules from the form's fields (docs/server.md "Upload rules"). */
export function rulesFromForm(data: FormData): UploadRules {
  const mode = (name: string) => String(data.get(`${name}-mode`) ?? 'off') as ModeField;
  const on = <T>(name: string, rule: () => T): (T & { mode: RuleMode }) | null => {
    const m = mode(name);
    return m === 'off' ? null : { ...rule(), mode: m };
  };
  return {
    naming: on('naming', () => ({
      policy: String(data.get('naming-policy')) as 'unique' | 'version' | 'reject',
    })),
    allowedTypes: on('types', () => ({
      types: String(data.get('types') ?? '')
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    })),
    maxSize: on('size', () => ({ bytes: Math.round(Number(data.get('size')) * megabyte) })),
    folderTags: on('folder-tags', () => ({
      folders: String(data.get('folder-tags') ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const at = line.lastIndexOf(':');
          return {
            folder: (at < 0 ? line : line.slice(0, at)).trim(),
            tags: (at < 0 ? '' : line.slice(at + 1))
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          };
        }),
    })),
  };
}

/**
 * The DAM app's Settings screen (admins; `/_ml/settings`): the library's name (the app's header),
 * how long the activity log keeps entries (forever, or a number of days), the near-duplicate
 * distance and the library-wide upload rules.
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
          nearDuplicateDistance: data.get('near') === '' ? null : Number(data.get('near')),
          uploadRules: rulesFromForm(data),
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
      <label class="field">${t.t('adminSettingsNearDistance')}
        <input name="near" type="number" min="0" max="11" step="1"
          .value=${settings.nearDuplicateDistance === null ? '' : String(settings.nearDuplicateDistance)}
          aria-describedby="near-hint" />
        <span class="hint" id="near-hint">${t.t('adminSettingsNearDistanceHint')}</span>
      </label>
      ${this.#renderRules(settings.uploadRules)}
      ${this.saveError ? html`<p class="alert" role="alert" tabindex="-1">${this.saveError}</p>` : nothing}
      <div class="buttons" style="justify-content: flex-start">
        <button class="btn primary submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${t.t('adminSave')}</button>
      </div>
    </form>`;
  }

  #renderRules(rules: UploadRules) {
    const t = this.#t.value;
    const mode = (name: string, rule: { mode: RuleMode } | null, label: string) =>
      html`<label class="field">${label}
        <select name=${`${name}-mode`}>
          ${(['off', 'default', 'enforced'] as const).map(
            (m) =>
              html`<option value=${m} ?selected=${(rule?.mode ?? 'off') === m}>${t.t(
                m === 'off' ? 'adminRuleOff' : m === 'default' ? 'adminRuleDefault' : 'adminRuleEnforced',
              )}</option>`,
          )}
        </select>
      </label>`;
    const folderLines = (rules.folderTags?.folders ?? [])
      .map((f) => `${f.folder}: ${f.tags.join(', ')}`)
      .join('\n');
    return html`<fieldset class="rules">
      <legend>${t.t('adminRulesTitle')}</legend>
      <p class="hint">${t.t('adminRulesHint')}</p>
      ${mode('naming', rules.naming, t.t('adminRuleNaming'))}
      <select name="naming-policy" aria-label=${t.t('adminRuleNaming')}>
        ${(['unique', 'version', 'reject'] as const).map(
          (p) =>
            html`<option value=${p} ?selected=${(rules.naming?.policy ?? 'unique') === p}>${t.t(
              p === 'unique'
                ? 'adminRuleNamingUnique'
                : p === 'version'
                  ? 'adminRuleNamingVersion'
                  : 'adminRuleNamingReject',
            )}</option>`,
        )}
      </select>
      ${mode('types', rules.allowedTypes, t.t('adminRuleTypes'))}
      <input name="types" aria-label=${t.t('adminRuleTypes')} aria-describedby="types-hint"
        .value=${(rules.allowedTypes?.types ?? []).join(', ')} />
      <span class="hint" id="types-hint">${t.t('adminRuleTypesHint')}</span>
      ${mode('size', rules.maxSize, t.t('adminRuleMaxSize'))}
      <input name="size" type="number" min="0.001" step="any" aria-label=${t.t('adminRuleMaxSize')}
        .value=${rules.maxSize ? String(rules.maxSize.bytes / megabyte) : ''} />
      ${mode('folder-tags', rules.folderTags, t.t('adminRuleFolderTags'))}
      <textarea name="folder-tags" rows="3" aria-label=${t.t('adminRuleFolderTags')} aria-describedby="folder-tags-hint"
        .value=${folderLines}></textarea>
      <span class="hint" id="folder-tags-hint">${t.t('adminRuleFolderTagsHint')}</span>
    </fieldset>`;
  }
}

customElements.get('ml-settings-screen') ||
  customElements.define('ml-settings-screen', SettingsScreenElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-settings-screen': SettingsScreenElement;
  }
}
