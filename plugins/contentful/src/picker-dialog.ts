import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import 'media-library';
import type { FetchAuth, FilesDetail } from 'media-library';
import { type FieldValue, toStoredFile } from './field-value.js';
import {
  type DialogInvocation,
  type InstallationParameters,
  readInstallation,
  readInvocation,
} from './parameters.js';
import type { DialogSdk } from './sdk.js';
import { appStyles, elementTheme } from './styles.js';
import { tokenEndpointFetch } from './token-endpoint-client.js';

/**
 * The dialog the field opens: `<media-library>` inline, with the field's settings, signing in
 * through the host's token endpoint. Inserting closes the dialog with the files' stored form.
 * Browsing, search, selection (and upload, where the session allows it) are the element's own.
 */
export class ContentfulDialogElement extends LitElement {
  static override properties = {
    installation: { state: true },
    settings: { state: true },
  };

  static override styles = [
    appStyles,
    elementTheme,
    css`
      :host {
        height: 100vh;
        min-height: 480px;
      }
      media-library {
        display: block;
        height: 100%;
      }
      .note {
        margin: 24px;
      }
    `,
  ];

  declare private installation: InstallationParameters | undefined;
  declare private settings: DialogInvocation | undefined;
  private sdk: DialogSdk | undefined;
  private fetchAuth: FetchAuth | undefined;
  private locale = '';

  constructor() {
    super();
    this.installation = undefined;
    this.settings = undefined;
  }

  start(sdk: DialogSdk): void {
    this.sdk = sdk;
    const installation = readInstallation(sdk.parameters.installation);
    this.fetchAuth = installation.authUrl
      ? tokenEndpointFetch(installation.authUrl, { sign: installation.signRequests, sdk })
      : undefined;
    this.locale = sdk.uiLanguageLocale ?? '';
    this.settings = readInvocation(sdk.parameters.invocation);
    this.installation = installation;
  }

  override render(): TemplateResult {
    const installation = this.installation;
    const settings = this.settings;
    if (!installation || !settings) return html``;
    if (!this.fetchAuth) {
      return html`<p class="note error" role="alert">
        The media library app is not configured yet: an admin sets its token endpoint under Apps, Media library,
        Configure.
      </p>`;
    }
    return html`<media-library
      mode="inline"
      theme="light"
      endpoint=${installation.endpoint || nothing}
      root-folder=${settings.rootFolder}
      accept=${settings.accept || nothing}
      ?multiple=${settings.multiple}
      max-files=${settings.maxFiles}
      locale=${this.locale || nothing}
      .fetchAuth=${this.fetchAuth}
      @ml-insert=${this.onInsert}
    ></media-library>`;
  }

  private onInsert(event: CustomEvent<FilesDetail>): void {
    const value: FieldValue = { files: event.detail.files.map(toStoredFile) };
    this.sdk!.close(value);
  }
}

customElements.get('ml-contentful-dialog') ||
  customElements.define('ml-contentful-dialog', ContentfulDialogElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-contentful-dialog': ContentfulDialogElement;
  }
}
