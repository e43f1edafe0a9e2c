import { ContextConsumer } from '@lit/context';
import Box from '@uppy/box';
import Uppy, { type Body, type Meta, type UppyFile, type UppyOptions } from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import Dropbox from '@uppy/dropbox';
import GoldenRetriever from '@uppy/golden-retriever';
import GoogleDrive from '@uppy/google-drive';
import OneDrive from '@uppy/onedrive';
import Url from '@uppy/url';
import Webcam from '@uppy/webcam';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { ErrorReason, MediaFile, UploadRules } from '../../shared/wire.js';
import { state } from '../decorators.js';
import { fire } from '../events.js';
import '../i18n/en-upload.js';
import '../i18n/en-ai-providers.js';
import { libraryContext } from '../state/contexts.js';
import { takenInFolders, uploadFolderFor } from '../state/folder-upload.js';
import type { LibraryConnection, LibraryHost } from '../state/library-host.js';
import { normalizeFolderPath } from '../state/listing.js';
import { type ConflictChoice, conflictFields, storedName } from '../state/upload-conflicts.js';
import {
  allowedConflictChoices,
  allowedDuplicateChoices,
  fetchUploadRules,
  freeNameFields,
  initialConflictChoice,
  ruleRestrictions,
} from '../state/upload-rules.js';
import { closeIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { tokens } from '../styles/tokens.js';
import { aiCapabilities } from './ai-capabilities.js';
import type { FileWithPath } from './dropped-folders.js';
import type { GenerateImageElement } from './generate-image.js';
import { LocalizeController } from './localized.js';
import { friendlyError, MediaServerUpload, serverMessage, uploadedFile } from './media-server-upload.js';
import { type DuplicateRow, duplicatesTemplate, findDuplicates } from './upload-duplicates.js';
import { acceptedKinds, plainUploadError } from './upload-messages.js';
import { uploadPanelStyles, uppyStyles } from './upload-styles.js';

type PanelFile = UppyFile<Meta, Body>;

/** `GET /_ml/config` (the media-library server's; ImageKit has none, and gets plain uploads). */
interface ServerUploadConfig {
  maxFileSize?: number;
  resumable?: { endpoint: string; threshold: number };
  companion?: { endpoint: string; url: boolean; providers: string[] };
}

/** What Tab can reach inside one of Uppy's overlays. */
const focusable =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]';

type UppyLocale = NonNullable<UppyOptions<Meta, Body>['locale']>;

/** Uppy's own words (its dashboard's) for the languages the element ships, each a chunk of its own. */
const uppyLocales: Record<string, () => Promise<{ default: UppyLocale }>> = {
  en: () => import('@uppy/locales/lib/en_US.js'),
  de: () => import('@uppy/locales/lib/de_DE.js'),
  fr: () => import('@uppy/locales/lib/fr_FR.js'),
  es: () => import('@uppy/locales/lib/es_ES.js'),
  ar: () => import('@uppy/locales/lib/ar_SA.js'),
};
const uppyLocaleFor = (lang: string) => uppyLocales[lang.split('-')[0]!.toLowerCase()] ?? uppyLocales.en!;

const providerPlugins = { drive: GoogleDrive, dropbox: Dropbox, onedrive: OneDrive, box: Box } as const;

/**
 * The upload panel: Uppy's dashboard (local files, webcam, links, and the cloud drives the server
 * has set up) inside our shadow root, the target folder and tags, and a choice for names already
 * taken. Small files go to the upload API, big ones to the resumable endpoint; both with the
 * session token, or with a fresh signature per file when the element has `upload-auth="signature"`.
 */
export class UploadPanelElement extends LitElement {
  static override styles = [tokens, shared, uppyStyles, uploadPanelStyles];

  @state() private folder = '/';
  @state() private tags = '';
  /** Files whose names are taken, waiting for the user's choice. */
  @state() private conflicts: { file: PanelFile; choice: ConflictChoice }[] | undefined;
  /** Added files whose bytes the library has already, with a choice each (keep both until changed). */
  @state() private duplicates: DuplicateRow<PanelFile>[] = [];
  /** Whether replaced files keep their tags, custom metadata, alt text and focus area. */
  @state() private keepDetails = true;
  @state() private status = '';
  /** Files waiting to be sent, and files the server refused (they wait for Retry). */
  @state() private count = 0;
  @state() private failed = 0;
  /** The server can generate images from a prompt: the "Generate an image" source shows. */
  @state() private generateAvailable = false;
  @state() private generateOpen = false;
  readonly #l = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext });
  #uppy: Uppy<Meta, Body> | undefined;
  #ready: Promise<void> | undefined;
  #connection: LibraryConnection | undefined;
  /** The library's upload rules: what the conflict and duplicate choices may offer. */
  #rules: UploadRules | undefined;
  /** Auth headers for uploads: a session's `Authorization`, or a signed-in user's CSRF token (its cookie goes along). */
  #authHeaders: Record<string, string> = {};
  #signing = false;
  #decide: ((go: boolean) => void) | undefined;
  #uploadedFiles: MediaFile[] = [];
  /** The language Uppy speaks (the element's, or English). */
  #uppyLang = 'en';

  /** Shows the panel (targeting the folder on screen) and adds `files`. */
  async show(files: File[] = []): Promise<void> {
    this.hidden = false;
    if (!this.#uppy || this.#uppy.getFiles().length === 0) this.folder = this.#host.element.currentFolder;
    await this.updateComplete;
    // A native modal: the rest of the page is inert, Tab stays inside, Escape cancels, and closing
    // gives focus back to what had it (the Upload button).
    const dialog = this.#dialog;
    if (!dialog.open) dialog.showModal();
    this.#ready ??= this.#setUp().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    const uppy = this.#uppy!;
    // A new drop starts a new batch: the finished one leaves (and stops counting against max-files).
    const finished = uppy.getFiles().filter((file) => file.progress.uploadComplete);
    if (files.length > 0 && finished.length > 0) uppy.removeFiles(finished.map((file) => file.id));
    for (const data of files) {
      try {
        const { relativePath } = data as FileWithPath;
        uppy.addFile({
          name: data.name,
          type: data.type,
          data,
          source: 'media-library',
          ...(relativePath && { meta: { relativePath } }),
        });
      } catch {
        // Refused by a restriction: Uppy says why in its dashboard.
      }
    }
  }

  /** Hides the panel; uploads carry on, and opening it again shows them. */
  hide(): void {
    this.#dialog?.close();
    this.hidden = true;
  }

  get #dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  /** The element the panel belongs to (it is made inside it). */
  get #host(): LibraryHost {
    const host = this.#library.value;
    if (!host) throw new Error('The upload panel is outside a <media-library>.');
    return host;
  }

  async #setUp(): Promise<void> {
    const host = this.#host;
    // Files dropped while the element is still connecting wait for it.
    const connection = await host.connection();
    this.#connection = connection;
    void aiCapabilities(connection.client).then((capabilities) => {
      this.generateAvailable = capabilities?.generate === true;
    });
    const base = await connection.client.baseUrl();
    const [config, session, rules] = await Promise.all([
      fetch(`${base}/_ml/config`)
        .then((response) => (response.ok ? response.json() : {}))
        .then((body: { upload?: ServerUploadConfig }) => body.upload ?? {})
        .catch(() => ({}) as ServerUploadConfig),
      connection.authorizer?.session().catch(() => undefined),
      fetchUploadRules(connection.client),
    ]);
    this.#rules = rules;
    const ruled = ruleRestrictions(rules);
    const scope = session?.scope;
    const limits = [config.maxFileSize, scope?.maxFileSize, ruled.maxFileSize].filter(
      (n): n is number => typeof n === 'number',
    );
    const { accept: accepted, maxFiles, theme, id, uploadAuth } = host.element;
    const accept = (accepted || scope?.accept?.join(',') || ruled.types?.join(',') || '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const signing = uploadAuth === 'signature' && connection.fetchAuth !== undefined;
    this.#signing = signing;

    await this.updateComplete;
    const target = this.renderRoot.querySelector<HTMLElement>('.dashboard')!;
    this.#uppyLang = this.#l.value.lang;
    const load = uppyLocaleFor(this.#uppyLang);
    // English is Uppy's own: no chunk to fetch.
    const locale = load === uppyLocales.en ? undefined : (await load().catch(() => undefined))?.default;
    const uppy = new Uppy<Meta, Body>({
      id: `media-library-${id || 'upload'}`,
      autoProceed: false,
      ...(locale && { locale }),
      restrictions: {
        maxFileSize: limits.length > 0 ? Math.min(...limits) : null,
        allowedFileTypes: accept.length > 0 ? accept : null,
        maxNumberOfFiles: maxFiles > 0 ? maxFiles : null,
      },
    });
    this.#uppy = uppy;
    // Uppy's "You can only upload: image/*" names MIME types, not the file: say it in words.
    uppy.on('restriction-failed', (file, error) => {
      const uppyWords = uppy.i18n('youCanOnlyUploadFileTypes', { types: accept.join(', ') });
      if (file && accept.length > 0 && error.message === uppyWords)
        error.message = this.#l.value.t('uploadNotAccepted', {
          name: file.name ?? '',
          types: acceptedKinds(this.#l.value, accept),
        });
    });
    target.addEventListener('keydown', (event) => this.#keepTabInOverlay(event), { capture: true });
    target.addEventListener('keydown', submitDetachedForm);
    target.addEventListener('click', submitDetachedForm);
    uppy.use(Dashboard, {
      inline: true,
      target,
      width: '100%',
      height: 380,
      hideUploadButton: true,
      // "browse folders" too: a chosen folder keeps its structure, as a dropped one does.
      fileManagerSelectionType: 'both',
      proudlyDisplayPoweredByUppy: false,
      theme,
    });
    uppy.use(Webcam);
    const companion = config.companion;
    const companionUrl = companion && `${base}${companion.endpoint}`;
    const remote: string[] = [];
    if (companionUrl && companion.url) {
      uppy.use(Url, { companionUrl });
      remote.push('Url');
    }
    for (const name of companion?.providers ?? []) {
      const plugin = providerPlugins[name as keyof typeof providerPlugins];
      if (!plugin || !companionUrl) continue;
      uppy.use(plugin as typeof GoogleDrive, { companionUrl });
      remote.push(uppy.getPlugin(plugin.name)?.id ?? '');
    }
    keepGoldenRetrieverThrottled();
    uppy.use(GoldenRetriever, { serviceWorker: false });

    // Credentials for the next uploads, and for Companion's calls (link lookups, imports).
    const authorize = async () => {
      this.#authHeaders = await connection.client.authHeaders('POST');
      for (const id of remote) {
        const plugin = uppy.getPlugin(id) as unknown as {
          client?: { setCompanionHeaders(h: Record<string, string>): void };
          provider?: { setCompanionHeaders(h: Record<string, string>): void };
        };
        const headers = this.#authHeaders;
        plugin?.client?.setCompanionHeaders(headers);
        plugin?.provider?.setCompanionHeaders(headers);
      }
    };
    await authorize().catch(() => undefined);
    uppy.addPreProcessor(async (ids) => {
      await authorize();
      if (signing) await Promise.all(ids.map((id) => this.#sign(id)));
    });
    uppy.use(MediaServerUpload, {
      endpoint: `${base}/api/v1/files/upload`,
      resumable: config.resumable && {
        endpoint: `${base}${config.resumable.endpoint}`,
        threshold: config.resumable.threshold,
      },
      headers: (): Record<string, string> => (signing ? {} : this.#authHeaders),
      resumableHeaders: () => this.#authHeaders,
      // A retried file ends no batch of Uppy's: each upload is reported as it ends.
      onUploadEnd: () => this.#finish(),
    });

    this.#listen(uppy);
  }

  /**
   * Uppy keeps Tab inside its overlays (Add more, a webcam, a link) by reading `document.activeElement`,
   * which from our shadow root is the host: it would pin focus to the overlay's first control. The
   * same containment, reading the shadow root's focus; with no overlay, the dialog's own applies.
   */
  #keepTabInOverlay(event: KeyboardEvent): void {
    if (event.key !== 'Tab' || !this.#uppy) return;
    event.stopPropagation();
    const dashboard = this.#uppy.getPlugin<Dashboard<Meta, Body>>('Dashboard');
    const type = dashboard?.getPluginState().activeOverlayType;
    const overlay = type && this.renderRoot.querySelector(`.uppy-Dashboard [data-uppy-paneltype="${type}"]`);
    if (!overlay) return;
    const controls = [...overlay.querySelectorAll<HTMLElement>(focusable)].filter(
      (control) => control.tabIndex >= 0 && control.checkVisibility(),
    );
    const active = (this.renderRoot as ShadowRoot).activeElement;
    const index = controls.indexOf(active as HTMLElement);
    const next =
      index === -1
        ? controls[0]
        : event.shiftKey
          ? index === 0 && controls.at(-1)
          : index === controls.length - 1 && controls[0];
    if (!next) return;
    event.preventDefault();
    next.focus();
  }

  protected override updated(): void {
    // The element's language changed after Uppy was made: Uppy follows.
    const lang = this.#l.value.lang;
    if (!this.#uppy || lang === this.#uppyLang) return;
    this.#uppyLang = lang;
    void uppyLocaleFor(lang)()
      .then(({ default: locale }) => {
        if (this.#uppyLang === lang) this.#uppy?.setOptions({ locale });
      })
      .catch(() => undefined);
  }

  /** A fresh single-use signature from the token endpoint's `upload-auth`, in the file's fields. */
  async #sign(id: string): Promise<void> {
    const response = await this.#connection!.fetchAuth!('upload-auth', { method: 'GET' });
    if (!response.ok) throw new Error(serverMessage(await response.text(), response.status));
    const { publicKey, signature, expire, token } = (await response.json()) as Record<
      string,
      string | number
    >;
    this.#uppy!.setFileMeta(id, { publicKey, signature, expire: String(expire), token });
  }

  #listen(uppy: Uppy<Meta, Body>): void {
    const element = this.#host.element;
    uppy.on('progress', (percent) => this.#progress(percent));
    // Checked in the background as files are added: the choices wait beside the dashboard, never blocking.
    uppy.on('files-added', (files) => {
      const client = this.#connection?.client;
      if (!client) return;
      void findDuplicates(client, files).then((found) => {
        const present = new Set(uppy.getFiles().map((f) => f.id));
        if (found.length)
          this.duplicates = [...this.duplicates, ...found.filter((d) => present.has(d.file.id))];
      });
    });
    uppy.on('file-removed', (file) => {
      if (this.duplicates.some((d) => d.file.id === file.id))
        this.duplicates = this.duplicates.filter((d) => d.file.id !== file.id);
    });
    // Any change of Uppy's state may start, advance or end an upload: the Upload button follows.
    uppy.on('state-update', () => {
      this.#refreshCount();
      this.dispatchEvent(new Event('activity'));
    });
    uppy.on('upload-success', (file, response) => {
      const uploaded = uploadedFile(response.body);
      if (uploaded?.fileId) this.#uploadedFiles.push(uploaded);
      if (file) fire(element, 'ml-upload-success', { file: uploaded, name: file.name });
    });
    const resigned = new Set<string>();
    uppy.on('upload-error', (file, error) => {
      if (!file) return;
      // An expired or already used signature: signed afresh (by the preprocessor) and sent once more.
      const reason = (error as { reason?: ErrorReason }).reason;
      if (
        this.#signing &&
        (reason === 'INVALID_EXPIRE' || reason === 'TOKEN_REUSED') &&
        !resigned.has(file.id)
      ) {
        resigned.add(file.id);
        // After this batch has ended: a retry inside it would be counted as part of it.
        uppy.once('complete', () => void uppy.retryUpload(file.id));
        return;
      }
      const message = plainUploadError(this.#l.value, file.name ?? '', friendlyError(error));
      uppy.setFileState(file.id, { error: message });
      fire(element, 'ml-upload-error', { name: file.name, message });
    });
  }

  readonly #refreshCount = () => {
    const files = this.#uppy?.getFiles() ?? [];
    this.count = files.filter((file) => !file.progress.uploadStarted && !file.error).length;
    this.failed = files.filter((file) => file.error && !file.progress.uploadComplete).length;
    if (files.length === 0) this.status = '';
  };

  /**
   * The files on their way up (started, neither done nor failed) and the batch's percent, for the
   * Upload button; an `activity` event on this element (it stays in the shadow tree) says when they change.
   */
  get activity(): { uploading: number; percent: number } {
    const files = this.#uppy?.getFiles() ?? [];
    const uploading = files.filter(
      (file) => file.progress.uploadStarted && !file.progress.uploadComplete && !file.error,
    ).length;
    return { uploading, percent: uploading > 0 ? (this.#uppy?.getState().totalProgress ?? 0) : 0 };
  }

  /** The batch's progress, on the panel and to the page. */
  #progress(percent: number): void {
    let bytesUploaded = 0;
    let bytesTotal = 0;
    for (const file of this.#uppy?.getFiles() ?? []) {
      bytesUploaded += file.progress.bytesUploaded || 0;
      bytesTotal += file.progress.bytesTotal || file.size || 0;
    }
    this.status = this.#l.value.t('uploadProgress', { percent });
    fire(this.#host.element, 'ml-upload-progress', { percent, bytesUploaded, bytesTotal });
  }

  /** An upload has ended: its new files go to the element and the page. */
  #finish(): void {
    const files = this.#uploadedFiles;
    this.#uploadedFiles = [];
    this.#refreshCount();
    if (files.length === 0) return;
    // Uppy throttles its progress; the batch's end is always reported.
    this.#progress(100);
    this.status = this.#l.value.t('uploadDone', { count: files.length });
    this.#host.uploaded(files);
    fire(this.#host.element, 'ml-upload', { files });
  }

  /** Checks names against the folder, asks about the taken ones, then uploads. */
  async start(): Promise<void> {
    const uppy = this.#uppy;
    if (!uppy || !this.#connection) return;
    const folder = normalizeFolderPath(this.folder);
    const waiting = uppy
      .getFiles()
      .filter((file) => !file.progress.uploadStarted && !file.progress.uploadComplete);
    if (waiting.length === 0) return void uppy.upload();
    // A dropped or chosen folder recreates its structure under the target; names are asked about once for all.
    const folderOf = (file: PanelFile) => uploadFolderFor(folder, file.meta.relativePath);
    const key = (file: PanelFile) => `${folderOf(file)}\n${storedName(file.name ?? '')}`;
    const taken = await takenInFolders(
      this.#connection.client,
      waiting.map((file) => ({ folder: folderOf(file), name: storedName(file.name ?? '') })),
    );
    const conflicted = waiting.filter((file) => taken.has(key(file)));
    const choices = new Map<string, ConflictChoice>();
    if (conflicted.length > 0) {
      const initial = initialConflictChoice(this.#rules);
      this.conflicts = conflicted.map((file) => ({ file, choice: initial }));
      const go = await new Promise<boolean>((resolve) => {
        this.#decide = resolve;
      });
      for (const { file, choice } of this.conflicts ?? []) choices.set(file.id, choice);
      this.conflicts = undefined;
      if (!go) return;
    }
    const tags = this.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean)
      .join(',');
    const duplicateOf = new Map(this.duplicates.map((d) => [d.file.id, d]));
    this.duplicates = this.duplicates.filter((d) => !waiting.includes(d.file));
    const usedExisting: MediaFile[] = [];
    for (const file of waiting) {
      const choice = choices.get(file.id);
      const duplicate = duplicateOf.get(file.id);
      if (choice === 'skip' || duplicate?.choice === 'use-existing') {
        const existing = duplicate?.existing;
        if (choice !== 'skip' && existing && !usedExisting.some((f) => f.fileId === existing.fileId))
          usedExisting.push(existing);
        uppy.removeFile(file.id);
        continue;
      }
      if (!choice && duplicate?.choice === 'replace') {
        // A new version of the file with these bytes, at its path.
        const { existing } = duplicate;
        uppy.setFileMeta(file.id, {
          fileName: existing.name,
          folder: existing.filePath.slice(0, existing.filePath.length - existing.name.length) || '/',
          responseFields: 'tags,customCoordinates,isPrivateFile,isPublished,customMetadata',
          ...(tags && { tags }),
          ...conflictFields('replace', this.keepDetails),
        });
        continue;
      }
      uppy.setFileMeta(file.id, {
        fileName: file.name ?? 'file',
        folder: folderOf(file),
        // The grid and the host get the file as the API lists it.
        responseFields: 'tags,customCoordinates,isPrivateFile,isPublished,customMetadata',
        ...(tags && { tags }),
        // A free name is kept as it is; a taken one as the user chose.
        ...(choice ? conflictFields(choice, this.keepDetails) : freeNameFields(this.#rules)),
      });
    }
    await uppy.upload();
    // Said once the batch has settled: an emptied batch clears the status as it ends.
    if (usedExisting.length > 0) {
      this.status = this.#l.value.t('usedExisting', { names: usedExisting.map((f) => f.name).join(', ') });
      this.#host.uploaded(usedExisting);
      // For the page the library's file stands in for the upload, as if it had just been uploaded.
      fire(this.#host.element, 'ml-upload', { files: usedExisting });
    }
  }

  override render(): TemplateResult {
    const l = this.#l.value;
    const { uploading } = this.activity;
    // Escape closes it as the close button does; a `close` after a quick reopen finds it open again.
    // The section keeps the header and footer from being the page's banner and contentinfo.
    return html`<dialog aria-labelledby="upload-title" @close=${() => {
      if (!this.#dialog.open) this.hidden = true;
    }}>
      <section>
      <header>
        <h3 id="upload-title">${l.t('uploadTitle')}</h3>
        <button class="btn ghost icon-only" type="button" aria-label=${l.t('close')} @click=${() => this.hide()}>
          ${icon(closeIcon)}
        </button>
      </header>
      <div class="options">
        <label
          >${l.t('uploadTo')}
          <input
            name="folder"
            .value=${this.folder}
            @change=${(e: Event) => {
              this.folder = (e.target as HTMLInputElement).value;
            }}
        /></label>
        <label
          >${l.t('uploadTags')}
          <input
            name="tags"
            placeholder=${l.t('uploadTagsHint')}
            .value=${this.tags}
            @change=${(e: Event) => {
              this.tags = (e.target as HTMLInputElement).value;
            }}
        /></label>
      </div>
      ${this.generateAvailable ? this.#renderGenerate() : nothing}
      <div class="dashboard" ?hidden=${this.conflicts !== undefined}></div>
      ${this.conflicts ? this.#renderConflicts() : nothing}
      ${
        this.duplicates.length > 0 && !this.conflicts
          ? duplicatesTemplate(
              this.#l.value,
              this.duplicates,
              (index, choice) => {
                this.duplicates = this.duplicates.map((d, i) =>
                  index === undefined || i === index ? { ...d, choice } : d,
                );
              },
              allowedDuplicateChoices(this.#rules),
            )
          : nothing
      }
      <footer>
        <span role="status">${
          // One state at a time: while files go up their progress, then what failed, then what was done.
          uploading === 0 && this.failed > 0 ? l.t('uploadFailedCount', { count: this.failed }) : this.status
        }</span>
        ${
          this.conflicts
            ? html`<button class="btn" type="button" @click=${() => this.#decide?.(false)}>${l.t('cancel')}</button>
                <button class="btn primary" type="button" @click=${() => this.#decide?.(true)}>
                  ${l.t('uploadStart', { count: this.conflicts.filter((c) => c.choice !== 'skip').length })}
                </button>`
            : this.count === 0 && uploading === 0 && this.failed > 0
              ? html`<button class="btn primary" type="button" @click=${() => void this.#uppy?.retryAll()}>
                  ${l.t('uploadRetry', { count: this.failed })}
                </button>`
              : html`<button
                  class="btn primary"
                  type="button"
                  ?disabled=${this.count === 0}
                  @click=${() => void this.start()}
                >
                  ${
                    this.count === 0 && uploading > 0
                      ? l.t('uploadingFiles', { count: uploading })
                      : l.t('uploadStart', { count: this.count })
                  }
                </button>`
        }
      </footer>
      </section>
    </dialog>`;
  }

  /** "Generate an image": a source beside Uppy's, its form a chunk of its own. */
  #renderGenerate(): TemplateResult {
    const l = this.#l.value;
    return html`<div class="generate">
      <button class="btn" type="button" aria-expanded=${String(this.generateOpen)} aria-controls="generate"
        @click=${() => void this.#toggleGenerate()}>${l.t('generateOpen')}</button>
      ${
        this.generateOpen
          ? html`<ml-generate-image id="generate" .client=${this.#connection?.client}
              .folder=${normalizeFolderPath(this.folder)}
              @generated=${(e: CustomEvent<{ file: MediaFile }>) => this.#generated(e.detail.file)}></ml-generate-image>`
          : nothing
      }
    </div>`;
  }

  async #toggleGenerate(): Promise<void> {
    if (this.generateOpen) {
      this.generateOpen = false;
      return;
    }
    await import('./generate-image.js');
    this.generateOpen = true;
    await this.updateComplete;
    this.renderRoot.querySelector<GenerateImageElement>('ml-generate-image')?.focus();
  }

  /** A generated image is stored: it goes to the element and the page, as an upload does. */
  #generated(file: MediaFile): void {
    this.#host.uploaded([file]);
    fire(this.#host.element, 'ml-upload', { files: [file] });
  }

  #renderConflicts(): TemplateResult {
    const l = this.#l.value;
    const conflicts = this.conflicts ?? [];
    const options = (selected: ConflictChoice | '') =>
      allowedConflictChoices(this.#rules).map(
        (choice) =>
          html`<option value=${choice} ?selected=${choice === selected}>
            ${l.t(choice === 'replace' ? 'conflictReplace' : choice === 'skip' ? 'conflictSkip' : 'conflictKeepBoth')}
          </option>`,
      );
    const all = conflicts.every((c) => c.choice === conflicts[0]?.choice) ? (conflicts[0]?.choice ?? '') : '';
    // Reads the current choices: two changes may come before the next render.
    const set = (index: number | undefined, choice: ConflictChoice) => {
      this.conflicts = this.conflicts?.map((c, i) =>
        index === undefined || i === index ? { ...c, choice } : c,
      );
    };
    return html`<div class="conflicts" role="group" aria-label=${l.t('uploadConflicts', { count: conflicts.length, folder: normalizeFolderPath(this.folder) })}>
      <p>${l.t('uploadConflicts', { count: conflicts.length, folder: normalizeFolderPath(this.folder) })}</p>
      <label class="conflict"
        ><span>${l.t('uploadConflictAll')}</span>
        <select
          name="conflict-all"
          @change=${(e: Event) => set(undefined, (e.target as HTMLSelectElement).value as ConflictChoice)}
        >
          <option value="" ?selected=${all === ''} disabled></option>
          ${options(all)}
        </select></label
      >
      ${conflicts.map(
        (c, index) =>
          html`<label class="conflict"
            ><span>${typeof c.file.meta.relativePath === 'string' ? c.file.meta.relativePath : c.file.name}</span>
            <select
              name="conflict"
              data-file=${c.file.name ?? ''}
              @change=${(e: Event) => set(index, (e.target as HTMLSelectElement).value as ConflictChoice)}
            >
              ${options(c.choice)}
            </select></label
          >`,
      )}
      ${
        conflicts.some((c) => c.choice === 'replace')
          ? html`<label class="keep"
              ><input
                type="checkbox"
                name="keep-details"
                .checked=${this.keepDetails}
                @change=${(e: Event) => {
                  this.keepDetails = (e.target as HTMLInputElement).checked;
                }}
              />${l.t('keepDetails')}</label
            >`
          : nothing
      }
    </div>`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#uppy?.destroy();
    this.#uppy = undefined;
    this.#ready = undefined;
  }
}

customElements.get('ml-upload-panel') ?? customElements.define('ml-upload-panel', UploadPanelElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-upload-panel': UploadPanelElement;
  }
}

/**
 * Uppy's link import (@uppy/url) and its provider search and filter fields (@uppy/provider-views)
 * put their `<form>` in `document.body` and point their input and button at it with `form="id"`,
 * which does not reach into our shadow root: Enter and Import submitted nothing. This submits
 * that form for them (Uppy's submit handler reads the input it holds).
 */
function submitDetachedForm(event: Event): void {
  const control = (event.target as Element).closest?.<HTMLInputElement | HTMLButtonElement>(
    'input[form], button[form]',
  );
  const id = control?.getAttribute('form');
  if (!control || !id || control.form || control.disabled) return;
  if (event.type === 'keydown') {
    const key = event as KeyboardEvent;
    if (key.key !== 'Enter' || key.isComposing || control.localName !== 'input') return;
  } else if (control.localName !== 'button' || control.type !== 'submit') return;
  const form = document.getElementById(id);
  if (!(form instanceof HTMLFormElement)) return;
  event.preventDefault();
  form.requestSubmit();
}

/**
 * @uppy/golden-retriever 5.2 hands its metadata store `throttleTime: undefined`, which replaces
 * the store's 500 ms default, so it serializes the whole batch to localStorage on every state
 * change (every progress event of every file): with a hundred files uploading, more CPU than the
 * uploads. Its test hook sets the value it passes; this sets it to the intended 500 ms.
 */
function keepGoldenRetrieverThrottled(): void {
  (GoldenRetriever as unknown as Record<symbol, number | undefined>)[
    Symbol.for('uppy test: throttleTime')
  ] ??= 500;
}
