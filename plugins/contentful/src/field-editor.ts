import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { type FieldValue, readFieldValue, type StoredFile } from './field-value.js';
import { type DialogInvocation, fieldSettings, readInstallation } from './parameters.js';
import {
  currentLocations,
  entryFileIds,
  entryPlace,
  type FileLocation,
  reportReferences,
} from './references.js';
import type { FieldSdk } from './sdk.js';
import { appStyles, t, tokens } from './styles.js';

/**
 * The field location, on a JSON object field: the chosen files as thumbnails, in order, with
 * remove and reorder (buttons, or dragging), and a button that opens the picker dialog. The
 * dialog answers with the files' stored form, which this stores with `setValue`.
 */
export class ContentfulFieldElement extends LitElement {
  static override properties = {
    files: { state: true },
    disabled: { state: true },
    problem: { state: true },
    notice: { state: true },
  };

  static override styles = [
    appStyles,
    css`
      ol {
        list-style: none;
        margin: 0 0 12px;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      ol:empty {
        display: none;
      }
      li {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 6px;
        border: 1px solid ${t(tokens.gray300)};
        border-radius: ${t(tokens.borderRadiusMedium)};
        background: ${t(tokens.colorWhite)};
      }
      li[draggable='true'] {
        cursor: grab;
      }
      li.drop-target {
        border-color: ${t(tokens.blue600)};
      }
      .thumb {
        flex: none;
        width: 56px;
        height: 56px;
        display: grid;
        place-items: center;
        border-radius: ${t(tokens.borderRadiusSmall)};
        overflow: hidden;
        background: ${t(tokens.gray100)};
        color: ${t(tokens.gray600)};
        font-size: ${t(tokens.fontSizeS)};
        font-weight: 600;
      }
      .thumb img {
        width: 100%;
        height: 100%;
        object-fit: contain;
      }
      .label {
        flex: 1;
        min-width: 0;
      }
      .name,
      .path {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .path {
        color: ${t(tokens.gray600)};
        font-size: ${t(tokens.fontSizeS)};
      }
      .tools {
        display: flex;
        gap: 4px;
      }
    `,
  ];

  declare private files: StoredFile[];
  declare private disabled: boolean;
  declare private problem: string | undefined;
  declare private notice: string | undefined;
  private sdk: FieldSdk | undefined;
  private dragFrom = -1;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.files = [];
    this.disabled = false;
    this.problem = undefined;
    this.notice = undefined;
  }

  /** Takes over the location: shows the stored value and follows changes made elsewhere. */
  start(sdk: FieldSdk): void {
    this.sdk = sdk;
    this.files = readFieldValue(sdk.field.getValue());
    this.disabled = sdk.field.getIsDisabled();
    this.unsubscribe = [
      sdk.field.onValueChanged((value) => {
        this.files = readFieldValue(value);
      }),
      sdk.field.onIsDisabledChanged((disabled) => {
        this.disabled = disabled;
      }),
    ];
    sdk.window.startAutoResizer();
    void this.updateMoved();
  }

  /**
   * A file moved or renamed in the media library has a new URL (the fileId stays): on opening the
   * entry, the stored url, path and name are brought up to date, and the editor is told to publish.
   */
  private async updateMoved(): Promise<void> {
    const sdk = this.sdk!;
    if (this.files.length === 0 || sdk.field.getIsDisabled()) return;
    let locations: Map<string, FileLocation>;
    try {
      const installation = readInstallation(sdk.parameters.installation);
      locations = await currentLocations(
        sdk,
        installation,
        this.files.map((file) => file.fileId),
      );
    } catch {
      return; // No session (not configured, refused): the stored values stay.
    }
    let moved = 0;
    const next = this.files.map((file) => {
      const now = locations.get(file.fileId);
      if (!now || (now.url === file.url && now.filePath === file.filePath && now.name === file.name))
        return file;
      moved++;
      return { ...file, ...now };
    });
    if (moved === 0) return;
    await this.store(next);
    if (!this.problem) {
      this.notice =
        moved === 1
          ? 'A file was moved or renamed in the media library, so its link is updated here. Publish the entry to show it on the site.'
          : `${moved} files were moved or renamed in the media library, so their links are updated here. Publish the entry to show them on the site.`;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe = [];
  }

  private get settings(): DialogInvocation {
    const { installation, instance } = this.sdk!.parameters;
    return fieldSettings(readInstallation(installation), instance ?? {});
  }

  override render(): TemplateResult {
    if (!this.sdk) return html``;
    if (this.sdk.field.type !== 'Object') {
      return html`<p class="note error" role="alert">
        This app stores the chosen files as JSON: use it on a JSON object field.
      </p>`;
    }
    const settings = this.settings;
    const full = settings.multiple && settings.maxFiles > 0 && this.files.length >= settings.maxFiles;
    return html`<ol aria-label="Chosen files">
        ${this.files.map((file, index) => this.renderFile(file, index))}
      </ol>
      ${this.problem ? html`<p class="note error" role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="hint" role="status">${this.notice}</p>` : nothing}
      ${
        this.disabled
          ? nothing
          : html`<button class="primary" type="button" ?disabled=${full} @click=${this.choose}>
              ${settings.multiple ? 'Add files' : this.files.length > 0 ? 'Replace file' : 'Choose a file'}
            </button>`
      }
      ${full ? html`<p class="hint">This field holds at most ${settings.maxFiles} files.</p>` : nothing}`;
  }

  private renderFile(file: StoredFile, index: number): TemplateResult {
    const editable = !this.disabled;
    const several = this.files.length > 1;
    return html`<li
      data-file-id=${file.fileId}
      draggable=${editable && several ? 'true' : 'false'}
      @dragstart=${(event: DragEvent) => this.onDragStart(event, index)}
      @dragover=${(event: DragEvent) => this.onDragOver(event)}
      @dragleave=${(event: DragEvent) => (event.currentTarget as HTMLElement).classList.remove('drop-target')}
      @drop=${(event: DragEvent) => this.onDrop(event, index)}
    >
      <span class="thumb">${thumbnail(file)}</span>
      <span class="label">
        <span class="name">${file.name}</span>
        <span class="path">${file.filePath}</span>
      </span>
      ${
        editable
          ? html`<span class="tools">
              ${
                several
                  ? html`<button
                        class="icon"
                        type="button"
                        aria-label=${`Move ${file.name} up`}
                        ?disabled=${index === 0}
                        @click=${() => this.moveFile(index, index - 1)}
                      >
                        ↑
                      </button>
                      <button
                        class="icon"
                        type="button"
                        aria-label=${`Move ${file.name} down`}
                        ?disabled=${index === this.files.length - 1}
                        @click=${() => this.moveFile(index, index + 1)}
                      >
                        ↓
                      </button>`
                  : nothing
              }
              <button class="icon" type="button" aria-label=${`Remove ${file.name}`} @click=${() => this.removeFile(index)}>
                ×
              </button>
            </span>`
          : nothing
      }
    </li>`;
  }

  /** Opens the picker with this field's settings and stores what it answers. */
  private async choose(): Promise<void> {
    const sdk = this.sdk!;
    const settings = this.settings;
    // The dialog may add only as many as the field still has room for.
    const room = settings.multiple && settings.maxFiles > 0 ? settings.maxFiles - this.files.length : 0;
    const invocation: DialogInvocation = { ...settings, maxFiles: room };
    const answer: unknown = await sdk.dialogs.openCurrentApp({
      title: 'Media library',
      width: 'fullWidth',
      minHeight: '75vh',
      allowHeightOverflow: true,
      shouldCloseOnEscapePress: true,
      shouldCloseOnOverlayClick: true,
      parameters: invocation,
    });
    const picked = readFieldValue(answer);
    if (picked.length === 0) return;
    if (!settings.multiple) {
      await this.store([picked[0]!]);
      return;
    }
    const chosen = new Set(this.files.map((file) => file.fileId));
    const added = picked.filter((file) => !chosen.has(file.fileId));
    const next = [...this.files, ...added];
    await this.store(settings.maxFiles > 0 ? next.slice(0, settings.maxFiles) : next);
  }

  private moveFile(from: number, to: number): void {
    if (to < 0 || to >= this.files.length || from === to) return;
    const next = [...this.files];
    const [file] = next.splice(from, 1);
    next.splice(to, 0, file!);
    void this.store(next);
  }

  private removeFile(index: number): void {
    void this.store(this.files.filter((_, i) => i !== index));
  }

  /** Writes the field: `{ files }`, or no value at all when empty (so a required field reads as empty). */
  private async store(files: StoredFile[]): Promise<void> {
    const previous = this.files;
    this.files = files;
    this.problem = undefined;
    try {
      if (files.length === 0) await this.sdk!.field.removeValue();
      else await this.sdk!.field.setValue<FieldValue>({ files });
    } catch (error) {
      this.files = previous;
      this.problem = `The field could not be saved: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    void this.reportUse(files);
  }

  /**
   * Tells the media server which files the entry uses now, so the library shows "Used in" and
   * warns before deleting them. Best effort: the field is saved either way.
   */
  private async reportUse(files: StoredFile[]): Promise<void> {
    const sdk = this.sdk!;
    try {
      const installation = readInstallation(sdk.parameters.installation);
      await reportReferences(sdk, installation, entryPlace(sdk, entryFileIds(sdk, files)));
    } catch (error) {
      console.warn(
        `media-library: could not record where files are used: ${error instanceof Error ? error.message : error}`,
      );
    }
  }

  private onDragStart(event: DragEvent, index: number): void {
    this.dragFrom = index;
    event.dataTransfer?.setData('text/plain', this.files[index]?.name ?? '');
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  private onDragOver(event: DragEvent): void {
    if (this.dragFrom < 0) return;
    event.preventDefault();
    (event.currentTarget as HTMLElement).classList.add('drop-target');
  }

  private onDrop(event: DragEvent, index: number): void {
    event.preventDefault();
    (event.currentTarget as HTMLElement).classList.remove('drop-target');
    const from = this.dragFrom;
    this.dragFrom = -1;
    if (from >= 0) this.moveFile(from, index);
  }
}

/** The server's thumbnail rendition for what it can draw (images, PDFs, videos), else the type's name. */
function thumbnail(file: StoredFile): TemplateResult {
  const drawable =
    file.mime.startsWith('image/') || file.mime.startsWith('video/') || file.mime === 'application/pdf';
  if (!drawable) return html`${typeLabel(file)}`;
  const src = `${file.url}${file.url.includes('?') ? '&' : '?'}tr=n-ik_ml_thumbnail`;
  return html`<img src=${src} alt=${file.alt ?? ''} loading="lazy" decoding="async" />`;
}

function typeLabel(file: StoredFile): string {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(file.name)?.[1];
  return (extension ?? file.mime.split('/')[1] ?? 'file').toUpperCase();
}

customElements.get('ml-contentful-field') ||
  customElements.define('ml-contentful-field', ContentfulFieldElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-contentful-field': ContentfulFieldElement;
  }
}
