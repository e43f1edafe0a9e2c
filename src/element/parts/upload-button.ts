import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, svg, type TemplateResult } from 'lit';
import '../i18n/en-upload.js';
import { MediaApiError } from '../../client/errors.js';
import { state } from '../decorators.js';
import { libraryContext } from '../state/contexts.js';
import { icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { droppedFolders } from './dropped-folders.js';
import { LocalizeController } from './localized.js';

const uploadIcon = svg`<path d="M12 15V3M7 8l5-5 5 5M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4"/>`;

type PanelModule = typeof import('./upload-panel.js');
type Panel = InstanceType<PanelModule['UploadPanelElement']>;
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
      .upload {
        position: relative;
        display: inline-flex;
      }
      /* The batch's progress, on the button's corner: the panel may be closed while files go up. */
      .ring {
        position: absolute;
        inset-block-start: -5px;
        inset-inline-end: -5px;
        width: 16px;
        height: 16px;
        border-radius: 50%;
        pointer-events: none;
        background:
          radial-gradient(var(--_bg) 0 45%, transparent 46%),
          conic-gradient(var(--_accent) calc(var(--done) * 1%), var(--_border) 0);
      }
    `,
  ];

  /** Files going up and the batch's percent, as the panel reports them. */
  @state() private activity = { uploading: 0, percent: 0 };
  #panel: Panel | undefined;

  readonly #l = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext });
  #listening: HTMLElement | undefined;

  override connectedCallback(): void {
    // The context answers while connecting, so the element is known here.
    super.connectedCallback();
    this.#listen(this.#library.value?.element);
  }

  /** Opens the upload panel (loading Uppy the first time), with these files added. */
  async open(files: File[] = []): Promise<void> {
    const host = this.#library.value;
    if (!host) return;
    try {
      panel ??= import('./upload-panel.js');
      await panel;
      const part = host.overlay('ml-upload-panel');
      this.#follow(part);
      void part.show(files);
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

  /** Shows the panel's uploads on the button, so they stay in sight while the panel is closed. */
  #follow(part: Panel): void {
    if (part === this.#panel) return;
    this.#panel?.removeEventListener('activity', this.#onActivity);
    part.addEventListener('activity', this.#onActivity);
    this.#panel = part;
    this.#onActivity();
  }

  readonly #onActivity = () => {
    const next = this.#panel?.activity ?? { uploading: 0, percent: 0 };
    if (next.uploading !== this.activity.uploading || next.percent !== this.activity.percent)
      this.activity = next;
  };

  override render(): TemplateResult {
    const l = this.#l.value;
    const label = l.t('upload');
    const { uploading, percent } = this.activity;
    const busy = uploading > 0 && l.t('uploadingFiles', { count: uploading });
    // The title says it to the pointer, the progress bar to assistive technology.
    return html`<span class="upload"
      ><button
        class="btn"
        type="button"
        title=${busy ? `${busy}: ${l.t('uploadProgress', { percent })}` : label}
        @click=${() => void this.open()}
      >
        ${icon(uploadIcon)}<span class="label">${label}</span></button
      >${
        busy
          ? html`<span
              class="ring"
              role="progressbar"
              aria-label=${busy}
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${percent}
              aria-valuetext=${l.t('uploadProgress', { percent })}
              style="--done: ${percent}"
            ></span>`
          : nothing
      }</span
    >`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listen(undefined);
    this.#panel?.removeEventListener('activity', this.#onActivity);
    this.#panel = undefined;
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
        const transfer = (event as DragEvent).dataTransfer;
        const files = [...(transfer?.files ?? [])];
        if (files.length === 0) return;
        event.preventDefault();
        // A dropped folder keeps its structure under the target folder.
        const folders = transfer && droppedFolders(transfer);
        void (folders ? folders.then((found) => this.open(found)) : this.open(files));
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
