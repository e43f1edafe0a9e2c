import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { type CheckResult, checkConnection } from './connection-check.js';
import {
  type InstallationParameters,
  normalizeInstallation,
  ParameterError,
  readInstallation,
} from './parameters.js';
import type { ConfigSdk } from './sdk.js';
import { appStyles } from './styles.js';

interface TextField {
  name: 'authUrl' | 'endpoint' | 'rootFolder' | 'accept';
  label: string;
  type: 'url' | 'text';
  placeholder: string;
  hint: string;
}

const textFields: TextField[] = [
  {
    name: 'authUrl',
    label: 'Token endpoint URL',
    type: 'url',
    placeholder: 'https://cms-api.example.com/media',
    hint: 'Where your backend mounts the token endpoint (media-library/token-endpoint). The app asks <URL>/session for each editor\u2019s session.',
  },
  {
    name: 'endpoint',
    label: 'Media server URL',
    type: 'url',
    placeholder: 'https://media.example.com',
    hint: 'Optional: leave empty to use the one the token endpoint names in its sessions.',
  },
  {
    name: 'rootFolder',
    label: 'Root folder',
    type: 'text',
    placeholder: '/',
    hint: 'Editors start here and cannot leave it. / for the whole library.',
  },
  {
    name: 'accept',
    label: 'Accepted file types',
    type: 'text',
    placeholder: 'image/*, application/pdf',
    hint: 'MIME types or extensions, comma-separated; empty for any file.',
  },
];

/**
 * The app configuration location: where the media server and the host's token endpoint are,
 * and what fields take. Saving checks the connection first; `onConfigure` refuses a
 * configuration that does not answer, so an editor never meets a broken picker.
 */
export class ContentfulConfigElement extends LitElement {
  static override properties = {
    values: { state: true },
    invalid: { state: true },
    status: { state: true },
    checking: { state: true },
  };

  static override styles = [
    appStyles,
    css`
      :host {
        max-width: 720px;
        margin: 0 auto;
        padding: 40px 24px;
      }
      h1 {
        font-size: 1.5rem;
        line-height: 2rem;
        margin: 0 0 8px;
      }
      form {
        display: grid;
        gap: 20px;
        margin-top: 24px;
      }
      label {
        display: block;
        font-weight: 500;
        margin-bottom: 4px;
      }
      .check {
        display: flex;
        gap: 8px;
        align-items: flex-start;
      }
      .check label {
        margin: 0;
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 4px;
      }
      legend {
        font-weight: 500;
        margin-bottom: 4px;
        padding: 0;
      }
      .actions {
        display: flex;
        gap: 12px;
        align-items: center;
      }
    `,
  ];

  declare private values: InstallationParameters;
  declare private invalid: ParameterError | undefined;
  declare private status: CheckResult | undefined;
  declare private checking: boolean;
  private sdk: ConfigSdk | undefined;
  private installed = false;

  constructor() {
    super();
    this.values = readInstallation(undefined);
    this.invalid = undefined;
    this.status = undefined;
    this.checking = false;
  }

  /** Takes over the location: registers `onConfigure`, loads the saved parameters, tells Contentful it is ready. */
  async start(sdk: ConfigSdk): Promise<void> {
    this.sdk = sdk;
    sdk.app.onConfigure(() => this.configure());
    // After the first Install, Contentful can sign: later checks go the whole way.
    sdk.app.onConfigurationCompleted((error) => {
      if (!error) this.installed = true;
    });
    const [stored, installed] = await Promise.all([
      sdk.app.getParameters<Partial<InstallationParameters>>(),
      sdk.app.isInstalled(),
    ]);
    this.values = readInstallation(stored);
    this.installed = installed;
    await sdk.app.setReady();
  }

  /** Contentful calls this on Install or Save: the parameters to store, or `false` to stay. */
  private async configure() {
    const sdk = this.sdk!;
    const parameters = this.validate();
    if (!parameters) {
      sdk.notifier.error(this.invalid!.message);
      return false;
    }
    const result = await this.check(parameters);
    if (!result.ok) {
      sdk.notifier.error(result.message);
      return false;
    }
    if (result.warning) sdk.notifier.warning(result.message);
    this.values = parameters;
    return { parameters, targetState: await sdk.app.getCurrentState() };
  }

  private validate(): InstallationParameters | undefined {
    try {
      const parameters = normalizeInstallation(this.values);
      this.invalid = undefined;
      return parameters;
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      this.invalid = error;
      this.status = { ok: false, message: error.message };
      return undefined;
    }
  }

  private async check(parameters: InstallationParameters): Promise<CheckResult> {
    this.checking = true;
    this.status = undefined;
    try {
      this.status = await checkConnection(parameters, this.sdk!, { installed: this.installed });
    } finally {
      this.checking = false;
    }
    return this.status;
  }

  private async onCheck(): Promise<void> {
    const parameters = this.validate();
    if (parameters) await this.check(parameters);
  }

  override render(): TemplateResult {
    const v = this.values;
    return html`<h1>Media library</h1>
      <p>
        Editors pick files from your media library into JSON object fields. After installing, add a JSON
        object field to a content type and choose this app under the field's Appearance.
      </p>
      <form @submit=${(event: Event) => event.preventDefault()}>
        ${textFields.map((field) => this.textField(field))}
        <div class="check">
          <input
            id="multiple"
            type="checkbox"
            .checked=${v.multiple}
            @change=${(event: Event) => this.set({ multiple: (event.target as HTMLInputElement).checked })}
          />
          <label for="multiple">A field holds several files</label>
        </div>
        ${
          v.multiple
            ? html`<div>
                <label for="maxFiles">Most files per field</label>
                <input
                  id="maxFiles"
                  type="number"
                  min="0"
                  step="1"
                  .value=${String(v.maxFiles)}
                  aria-invalid=${this.invalid?.field === 'maxFiles' ? 'true' : 'false'}
                  aria-describedby="maxFiles-hint"
                  @input=${(event: Event) => this.set({ maxFiles: Number((event.target as HTMLInputElement).value) })}
                />
                <div class="hint" id="maxFiles-hint">0 for no limit. Instance parameters can set it per field.</div>
              </div>`
            : nothing
        }
        <div>
          <div class="check">
            <input
              id="signRequests"
              type="checkbox"
              aria-describedby="signRequests-hint"
              .checked=${v.signRequests}
              @change=${(event: Event) => this.set({ signRequests: (event.target as HTMLInputElement).checked })}
            />
            <label for="signRequests">Sign requests to the token endpoint (Contentful request verification)</label>
          </div>
          <div class="hint" id="signRequests-hint">
            Recommended. Contentful signs each session request for the editor with the app's signing secret, and
            the token endpoint checks it: no login, no cookies. Needs a signing secret under the app definition's
            Security settings, and the same secret on the token endpoint.
          </div>
        </div>
        <div>
          <div class="check">
            <input
              id="damUser"
              type="checkbox"
              aria-describedby="damUser-hint"
              .checked=${v.damUser}
              @change=${(event: Event) => this.set({ damUser: (event.target as HTMLInputElement).checked })}
            />
            <label for="damUser">Act as the matching DAM user (by email)</label>
          </div>
          <div class="hint" id="damUser-hint">
            Sessions carry the editor's Contentful email, and the media server applies that DAM user's folder grants
            within what the token endpoint allows. The token endpoint reads this setting and the editor's email from
            Contentful: give contentfulAuthorize its damUsers option (a management token). Needs the self-hosted media
            server with users.
          </div>
        </div>
        ${
          v.damUser
            ? html`<fieldset>
                <legend>When an editor has no DAM account with their email</legend>
                ${(
                  [
                    ['refuse', 'Refuse, and tell them to ask for an account'],
                    ['roles', 'Give them the token endpoint\u2019s session, as without this setting'],
                  ] as const
                ).map(
                  ([value, label]) => html`<div class="check">
                    <input
                      id=${`damUserMissing-${value}`}
                      type="radio"
                      name="damUserMissing"
                      .checked=${v.damUserMissing === value}
                      @change=${() => this.set({ damUserMissing: value })}
                    />
                    <label for=${`damUserMissing-${value}`}>${label}</label>
                  </div>`,
                )}
              </fieldset>`
            : nothing
        }
        <div class="actions">
          <button type="button" ?disabled=${this.checking} @click=${this.onCheck}>
            ${this.checking ? 'Checking\u2026' : 'Check connection'}
          </button>
        </div>
        ${this.renderStatus()}
      </form>`;
  }

  private renderStatus(): TemplateResult | typeof nothing {
    const status = this.status;
    if (!status) return nothing;
    const kind = !status.ok ? 'error' : status.warning ? 'warning' : 'ok';
    return html`<p class="note ${kind}" role=${status.ok ? 'status' : 'alert'}>${status.message}</p>`;
  }

  private textField({ name, label, type, placeholder, hint }: TextField): TemplateResult {
    return html`<div>
      <label for=${name}>${label}</label>
      <input
        id=${name}
        name=${name}
        type=${type}
        placeholder=${placeholder}
        .value=${this.values[name]}
        aria-invalid=${this.invalid?.field === name ? 'true' : 'false'}
        aria-describedby=${`${name}-hint`}
        @input=${(event: Event) => this.set({ [name]: (event.target as HTMLInputElement).value })}
      />
      <div class="hint" id=${`${name}-hint`}>${hint}</div>
    </div>`;
  }

  private set(change: Partial<InstallationParameters>): void {
    this.values = { ...this.values, ...change };
    if (this.invalid && this.invalid.field in change) this.invalid = undefined;
  }
}

customElements.get('ml-contentful-config') ||
  customElements.define('ml-contentful-config', ContentfulConfigElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-contentful-config': ContentfulConfigElement;
  }
}
