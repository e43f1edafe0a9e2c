import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, svg, type TemplateResult } from 'lit';
import '../i18n/en-upload.js';
import { MediaApiError } from '../../client/errors.js';
import { libraryContext } from '../state/contexts.js';
import { icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';

const uploadIcon = svg`<path d="M12 15V3M7 8l5-5 5 5M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4"/>`;

type PanelModule = typeof import('./upload-panel.js');
let panel: Promise<PanelModule> | undefined;

/**
 * The Upload button, and the drop zone and paste target on the whole element: a lazy part,
 * fetched when the browser is idle. Uppy (the panel) is fetched on the first upload only.
 */
export class UploadButtonElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: contents;
      }
    `,
  ];

  readonly #l = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext });
  #listening: HTMLElement | undefined;

  override connectedCallback(): void {
    // The context answers while connecting, so the element is known here.
    super.connectedCallback();
    this.#listen(this.#library.value?.element);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listen(undefined);
  }

  /** Opens the upload panel (loading Uppy the first time), with these files added. */
  async open(files: File[] = []): Promise<void> {
    const host = this.#library.value;
    if (!host) return;
    try {
      panel ??= import('./upload-panel.js');
      await panel;
      void host.overlay('ml-upload-panel').show(files);
    } catch (error) {
      panel = undefined;
      host.reportError(
        new MediaApiError(this.#l.value.t('uploadLoadFailed'), {
          status: 0,
          source: 'network',
          cause: error,
        }),
      );
    }
  }

  override render(): TemplateResult {
    const label = this.#l.value.t('upload');
    return html`<button class="btn" type="button" title=${label} @click=${() => void this.open()}>
      ${icon(uploadIcon)}<span class="label">${label}</span>
    </button>`;
  }

  #listen(element: HTMLElement | undefined): void {
    if (element === this.#listening) return;
    for (const [type, handler] of this.#handlers) {
      this.#listening?.removeEventListener(type, handler);
      element?.addEventListener(type, handler);
    }
    this.#listening = element;
  }

  /** Files dragged from the desktop (not a drag inside the page) and pasted files open the panel. */
  readonly #handlers: [string, (event: Event) => void][] = [
    [
      'dragover',
      (event) => {
        const drag = event as DragEvent;
        if (!drag.dataTransfer?.types.includes('Files')) return;
        drag.preventDefault();
        drag.dataTransfer.dropEffect = 'copy';
      },
    ],
    [
      'drop',
      (event) => {
        const files = [...((event as DragEvent).dataTransfer?.files ?? [])];
        if (files.length === 0) return;
        event.preventDefault();
        void this.open(files);
      },
    ],
    [
      'paste',
      (event) => {
        const files = [...((event as ClipboardEvent).clipboardData?.files ?? [])];
        if (files.length === 0) return;
        event.preventDefault();
        void this.open(files);
      },
    ],
  ];
}

customElements.get('ml-upload-button') ?? customElements.define('ml-upload-button', UploadButtonElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-upload-button': UploadButtonElement;
  }
}
