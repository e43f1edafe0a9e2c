import Box from '@uppy/box';
import Uppy, { type Body, type Meta, type UppyFile, type UppyOptions } from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import Dropbox from '@uppy/dropbox';
import GoldenRetriever from '@uppy/golden-retriever';
import GoogleDrive from '@uppy/google-drive';
import OneDrive from '@uppy/onedrive';
import Tus from '@uppy/tus';
import Url from '@uppy/url';
import Webcam from '@uppy/webcam';
import XHRUpload from '@uppy/xhr-upload';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { type FetchAuth, fetchAuthFrom } from '../../client/auth.js';
import type { ErrorReason, MediaFile } from '../../shared/wire.js';
import '../i18n/en-upload.js';
import type { MediaLibraryElement } from '../media-library.js';
import { normalizeFolderPath } from '../state/listing.js';
import { type ConflictChoice, conflictFields, nameQueries, storedName } from '../state/upload-conflicts.js';
import { closeIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { tokens } from '../styles/tokens.js';
import { LocalizeController } from './localized.js';
import { uploadPanelStyles, uppyStyles } from './upload-styles.js';

type UploadContext = NonNullable<ReturnType<MediaLibraryElement['uploadContext']>>;
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
};
const uppyLocaleFor = (lang: string) => uppyLocales[lang.split('-')[0]!.toLowerCase()] ?? uppyLocales.en!;

const providerPlugins = { drive: GoogleDrive, dropbox: Dropbox, onedrive: OneDrive, box: Box } as const;

/** `ml-upload-progress` detail: the whole batch's progress. */
export interface UploadProgressDetail {
  percent: number;
  bytesUploaded: number;
  bytesTotal: number;
}

/** Opens the upload panel over `host` (made the first time), adding `files` to it. */
export function openUploadPanel(host: MediaLibraryElement, files: File[]): UploadPanelElement {
  const root = host.shadowRoot!;
  let panel = root.querySelector('ml-upload-panel');
  if (!panel) {
    panel = document.createElement('ml-upload-panel');
    panel.host = host;
    (root.querySelector('.shell') ?? root).append(panel);
  }
  panel.show(files);
  return panel;
}

/**
 * The upload panel: Uppy's dashboard (local files, webcam, links, and the cloud drives the server
 * has set up) inside our shadow root, the target folder and tags, and a choice for names already
 * taken. Small files go to the upload API, big ones to the resumable endpoint; both with the
 * session token, or with a fresh signature per file when the element has `upload-auth="signature"`.
 */
export class UploadPanelElement extends LitElement {
  static override properties = {
    folder: { state: true },
    tags: { state: true },
    conflicts: { state: true },
    status: { state: true },
    count: { state: true },
  };
  static override styles = [tokens, shared, uppyStyles, uploadPanelStyles];

  declare host: MediaLibraryElement;
  declare private folder: string;
  declare private tags: string;
  /** Files whose names are taken, waiting for the user's choice. */
  declare private conflicts: { file: PanelFile; choice: ConflictChoice }[] | undefined;
  declare private status: string;
  declare private count: number;
  private readonly l = new LocalizeController(this);
  private uppy: Uppy<Meta, Body> | undefined;
  private ready: Promise<void> | undefined;
  private context: UploadContext | undefined;
  private authorization = '';
  private fetchAuth: FetchAuth | undefined;
  private signing = false;
  private decide: ((go: boolean) => void) | undefined;
  private uploadedFiles: MediaFile[] = [];
  /** The language Uppy speaks (the element's, or English). */
  private uppyLang = 'en';

  constructor() {
    super();
    this.folder = '/';
    this.tags = '';
    this.conflicts = undefined;
    this.status = '';
    this.count = 0;
  }

  /** Shows the panel (targeting the folder on screen) and adds `files`. */
  async show(files: File[] = []): Promise<void> {
    this.hidden = false;
    if (!this.uppy || this.uppy.getFiles().length === 0) this.folder = this.host.currentFolder;
    await this.updateComplete;
    // A native modal: the rest of the page is inert, Tab stays inside, Escape cancels, and closing
    // gives focus back to what had it (the Upload button).
    const dialog = this.dialog;
    if (!dialog.open) dialog.showModal();
    this.ready ??= this.setUp().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    const uppy = this.uppy!;
    // A new drop starts a new batch: the finished one leaves (and stops counting against max-files).
    const finished = uppy.getFiles().filter((file) => file.progress.uploadComplete);
    if (files.length > 0 && finished.length > 0) uppy.removeFiles(finished.map((file) => file.id));
    for (const data of files) {
      try {
        uppy.addFile({ name: data.name, type: data.type, data, source: 'media-library' });
      } catch {
        // Refused by a restriction: Uppy says why in its dashboard.
      }
    }
  }

  /** Hides the panel; uploads carry on, and opening it again shows them. */
  hide(): void {
    this.dialog?.close();
    this.hidden = true;
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  private async setUp(): Promise<void> {
    // Files dropped while the element is still connecting wait for it (10 s at most).
    let context = this.host.uploadContext();
    for (let waited = 0; !context && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      context = this.host.uploadContext();
    }
    if (!context) throw new Error('The media library is not connected.');
    this.context = context;
    const base = await context.client.baseUrl();
    const [config, session] = await Promise.all([
      fetch(`${base}/_ml/config`)
        .then((response) => (response.ok ? response.json() : {}))
        .then((body: { upload?: ServerUploadConfig }) => body.upload ?? {})
        .catch(() => ({}) as ServerUploadConfig),
      context.authorizer?.session().catch(() => undefined),
    ]);
    const scope = session?.scope;
    const limits = [config.maxFileSize, scope?.maxFileSize].filter((n): n is number => typeof n === 'number');
    const accept = (this.host.accept || scope?.accept?.join(',') || '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const fetchAuth =
      this.host.fetchAuth ?? (this.host.authUrl ? fetchAuthFrom(this.host.authUrl) : undefined);
    this.fetchAuth = fetchAuth;
    const signing = this.host.getAttribute('upload-auth') === 'signature' && fetchAuth !== undefined;
    this.signing = signing;

    await this.updateComplete;
    const target = this.renderRoot.querySelector<HTMLElement>('.dashboard')!;
    this.uppyLang = this.l.value.lang;
    const load = uppyLocaleFor(this.uppyLang);
    // English is Uppy's own: no chunk to fetch.
    const locale = load === uppyLocales.en ? undefined : (await load().catch(() => undefined))?.default;
    const uppy = new Uppy<Meta, Body>({
      id: `media-library-${this.host.id || 'upload'}`,
      autoProceed: false,
      ...(locale && { locale }),
      restrictions: {
        maxFileSize: limits.length > 0 ? Math.min(...limits) : null,
        allowedFileTypes: accept.length > 0 ? accept : null,
        maxNumberOfFiles: this.host.maxFiles > 0 ? this.host.maxFiles : null,
      },
    });
    this.uppy = uppy;
    target.addEventListener('keydown', (event) => this.keepTabInOverlay(event), { capture: true });
    uppy.use(Dashboard, {
      inline: true,
      target,
      width: '100%',
      height: 380,
      hideUploadButton: true,
      proudlyDisplayPoweredByUppy: false,
      theme: this.host.theme === 'dark' ? 'dark' : this.host.theme === 'light' ? 'light' : 'auto',
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
      this.authorization = await context.client.authorization();
      for (const id of remote) {
        const plugin = uppy.getPlugin(id) as unknown as {
          client?: { setCompanionHeaders(h: Record<string, string>): void };
          provider?: { setCompanionHeaders(h: Record<string, string>): void };
        };
        const headers = { authorization: this.authorization };
        plugin?.client?.setCompanionHeaders(headers);
        plugin?.provider?.setCompanionHeaders(headers);
      }
    };
    await authorize().catch(() => undefined);
    uppy.addPreProcessor(async (ids) => {
      await authorize();
      if (signing) await Promise.all(ids.map((id) => this.sign(id)));
    });
    const headers = (): Record<string, string> => (signing ? {} : { authorization: this.authorization });

    // One uploader per file: the upload API for small files, tus above the server's threshold.
    const threshold = config.resumable?.threshold ?? Number.POSITIVE_INFINITY;
    const uploaders: Record<string, (ids: string[], uploadId: string) => unknown> = {};
    const addUploader = uppy.addUploader.bind(uppy);
    let capturing = '';
    uppy.addUploader = (fn) => {
      uploaders[capturing] = fn;
      return uppy;
    };
    capturing = 'form';
    uppy.use(XHRUpload, {
      endpoint: `${base}/api/v1/files/upload`,
      fieldName: 'file',
      // A file's meta holds only what it should send: ImageKit's fields, its name and type.
      allowedMetaFields: true,
      // As many at once as a browser opens to one host over HTTP/1.1.
      limit: 6,
      headers,
      shouldRetry: (xhr) => xhr.status === 0 || xhr.status === 429 || xhr.status >= 500,
      onAfterResponse: (xhr) => {
        if (xhr.status >= 400)
          throw Object.assign(new Error(serverMessage(xhr.responseText, xhr.status)), {
            reason: serverReason(xhr.responseText),
          });
      },
      getResponseData: (xhr) => JSON.parse(xhr.responseText) as Body,
    });
    if (config.resumable) {
      capturing = 'tus';
      uppy.use(Tus, {
        endpoint: `${base}${config.resumable.endpoint}`,
        chunkSize: 16 * 1024 * 1024,
        allowedMetaFields: true,
        removeFingerprintOnSuccess: true,
        headers: () => ({ authorization: this.authorization }),
        onShouldRetry: (error, attempt, _options, next) => {
          const status = error.originalResponse?.getStatus() ?? 0;
          return status >= 400 && status < 500 && status !== 409 && status !== 423 && status !== 429
            ? false
            : next(error) && attempt < 5;
        },
      });
    }
    uppy.addUploader = addUploader;
    uppy.addUploader(async (ids, uploadId) => {
      const big = ids.filter((id) => (uppy.getFile(id)?.size ?? 0) > threshold);
      const small = ids.filter((id) => !big.includes(id));
      await Promise.all([
        small.length > 0 ? uploaders.form!(small, uploadId) : undefined,
        big.length > 0 ? uploaders.tus!(big, uploadId) : undefined,
      ]);
    });

    this.listen(uppy);
  }

  /**
   * Uppy keeps Tab inside its overlays (Add more, a webcam, a link) by reading `document.activeElement`,
   * which from our shadow root is the host: it would pin focus to the overlay's first control. The
   * same containment, reading the shadow root's focus; with no overlay, the dialog's own applies.
   */
  private keepTabInOverlay(event: KeyboardEvent): void {
    if (event.key !== 'Tab' || !this.uppy) return;
    event.stopPropagation();
    const dashboard = this.uppy.getPlugin<Dashboard<Meta, Body>>('Dashboard');
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
    const lang = this.l.value.lang;
    if (!this.uppy || lang === this.uppyLang) return;
    this.uppyLang = lang;
    void uppyLocaleFor(lang)()
      .then(({ default: locale }) => {
        if (this.uppyLang === lang) this.uppy?.setOptions({ locale });
      })
      .catch(() => undefined);
  }

  /** A fresh single-use signature from the token endpoint's `upload-auth`, in the file's fields. */
  private async sign(id: string): Promise<void> {
    const response = await this.fetchAuth!('upload-auth', { method: 'GET' });
    if (!response.ok) throw new Error(serverMessage(await response.text(), response.status));
    const { publicKey, signature, expire, token } = (await response.json()) as Record<
      string,
      string | number
    >;
    this.uppy!.setFileMeta(id, { publicKey, signature, expire: String(expire), token });
  }

  private listen(uppy: Uppy<Meta, Body>): void {
    const emit = (type: string, detail: unknown) =>
      this.host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    const refreshCount = () => {
      this.count = uppy.getFiles().filter((file) => !file.progress.uploadComplete).length;
    };
    uppy.on('files-added', refreshCount);
    uppy.on('file-removed', refreshCount);
    uppy.on('restored', refreshCount);
    const progress = (percent: number) => {
      let bytesUploaded = 0;
      let bytesTotal = 0;
      for (const file of uppy.getFiles()) {
        bytesUploaded += file.progress.bytesUploaded || 0;
        bytesTotal += file.progress.bytesTotal || file.size || 0;
      }
      this.status = this.l.value.t('uploadProgress', { percent });
      emit('ml-upload-progress', { percent, bytesUploaded, bytesTotal } satisfies UploadProgressDetail);
    };
    uppy.on('progress', progress);
    uppy.on('upload-success', (file, response) => {
      const body = response.body as (MediaFile & { xhr?: XMLHttpRequest }) | undefined;
      // tus answers the file in the last PATCH's body.
      const uploaded = body?.xhr ? (JSON.parse(body.xhr.responseText) as MediaFile) : body;
      if (uploaded?.fileId) this.uploadedFiles.push(uploaded);
      if (file) emit('ml-upload-success', { file: uploaded, name: file.name });
    });
    const resigned = new Set<string>();
    uppy.on('upload-error', (file, error) => {
      if (!file) return;
      // An expired or already used signature: signed afresh (by the preprocessor) and sent once more.
      const reason = (error as { reason?: ErrorReason }).reason;
      if (
        this.signing &&
        (reason === 'INVALID_EXPIRE' || reason === 'TOKEN_REUSED') &&
        !resigned.has(file.id)
      ) {
        resigned.add(file.id);
        // After this batch has ended: a retry inside it would be counted as part of it.
        uppy.once('complete', () => void uppy.retryUpload(file.id));
        return;
      }
      const message = friendlyError(error);
      uppy.setFileState(file.id, { error: message });
      emit('ml-upload-error', { name: file.name, message });
    });
    const finish = () => {
      const files = this.uploadedFiles;
      this.uploadedFiles = [];
      refreshCount();
      if (files.length === 0) return;
      // Uppy throttles its progress; the batch's end is always reported.
      progress(100);
      this.status = this.l.value.t('uploadDone', { count: files.length });
      this.context?.uploaded(files);
      emit('ml-upload', { files });
    };
    uppy.on('complete', finish);
    // Retrying one file (the dashboard's retry button, or a signature renewed) ends no batch: it is reported on its own.
    const retryUpload = uppy.retryUpload.bind(uppy);
    uppy.retryUpload = async (id) => {
      const result = await retryUpload(id);
      finish();
      return result;
    };
  }

  /** Checks names against the folder, asks about the taken ones, then uploads. */
  async start(): Promise<void> {
    const uppy = this.uppy;
    const context = this.context;
    if (!uppy || !context) return;
    const folder = normalizeFolderPath(this.folder);
    const waiting = uppy
      .getFiles()
      .filter((file) => !file.progress.uploadStarted && !file.progress.uploadComplete);
    if (waiting.length === 0) return void uppy.upload();
    const taken = await this.takenNames(
      folder,
      waiting.map((file) => storedName(file.name ?? '')),
    );
    const conflicted = waiting.filter((file) => taken.has(storedName(file.name ?? '')));
    const choices = new Map<string, ConflictChoice>();
    if (conflicted.length > 0) {
      this.conflicts = conflicted.map((file) => ({ file, choice: 'keep-both' }));
      const go = await new Promise<boolean>((resolve) => {
        this.decide = resolve;
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
    for (const file of waiting) {
      const choice = choices.get(file.id);
      if (choice === 'skip') {
        uppy.removeFile(file.id);
        continue;
      }
      uppy.setFileMeta(file.id, {
        fileName: file.name ?? 'file',
        folder,
        // The grid and the host get the file as the API lists it.
        responseFields: 'tags,customCoordinates,isPrivateFile,isPublished,customMetadata',
        ...(tags && { tags }),
        // A free name is kept as it is; a taken one as the user chose.
        ...(choice ? conflictFields(choice) : { useUniqueFileName: 'false', overwriteFile: 'false' }),
      });
    }
    await uppy.upload();
  }

  /** The names among `names` that files in `folder` already have. */
  private async takenNames(folder: string, names: string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    const prefix = folder === '/' ? '/' : `${folder}/`;
    for (const searchQuery of nameQueries(names)) {
      // A folder the session cannot list is one it cannot upload to either: the server says so per file.
      const found = await this.context!.client.listAssets({
        path: folder,
        searchQuery,
        type: 'file',
        limit: 1000,
      }).catch(() => []);
      for (const asset of found)
        if ('filePath' in asset && asset.filePath === prefix + asset.name) taken.add(asset.name);
    }
    return taken;
  }

  override render(): TemplateResult {
    const l = this.l.value;
    // Escape closes it as the close button does; a `close` after a quick reopen finds it open again.
    // The section keeps the header and footer from being the page's banner and contentinfo.
    return html`<dialog aria-labelledby="upload-title" @close=${() => {
      if (!this.dialog.open) this.hidden = true;
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
      <div class="dashboard" ?hidden=${this.conflicts !== undefined}></div>
      ${this.conflicts ? this.renderConflicts() : nothing}
      <footer>
        <span role="status">${this.status}</span>
        ${
          this.conflicts
            ? html`<button class="btn" type="button" @click=${() => this.decide?.(false)}>${l.t('cancel')}</button>
                <button class="btn primary" type="button" @click=${() => this.decide?.(true)}>
                  ${l.t('uploadStart', { count: this.conflicts.filter((c) => c.choice !== 'skip').length })}
                </button>`
            : html`<button
                class="btn primary"
                type="button"
                ?disabled=${this.count === 0}
                @click=${() => void this.start()}
              >
                ${l.t('uploadStart', { count: this.count })}
              </button>`
        }
      </footer>
      </section>
    </dialog>`;
  }

  private renderConflicts(): TemplateResult {
    const l = this.l.value;
    const conflicts = this.conflicts ?? [];
    const options = (selected: ConflictChoice | '') =>
      (['replace', 'keep-both', 'skip'] as const).map(
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
            ><span>${c.file.name}</span>
            <select
              name="conflict"
              data-file=${c.file.name ?? ''}
              @change=${(e: Event) => set(index, (e.target as HTMLSelectElement).value as ConflictChoice)}
            >
              ${options(c.choice)}
            </select></label
          >`,
      )}
    </div>`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.uppy?.destroy();
    this.uppy = undefined;
    this.ready = undefined;
  }
}

/** The server's `{message}` from an error body, or a plain line for a status. */
function serverMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return status === 0 ? 'The media server could not be reached.' : `The upload failed (HTTP ${status}).`;
}

/** The server's `reason` from an error body. */
function serverReason(text: string): ErrorReason | undefined {
  try {
    const { reason } = JSON.parse(text) as { reason?: unknown };
    return typeof reason === 'string' ? (reason as ErrorReason) : undefined;
  } catch {
    return undefined;
  }
}

/** An upload error as the user should read it: the server's own message when there is one. */
function friendlyError(
  error: Error & { originalResponse?: { getBody(): string; getStatus(): number } | null },
) {
  const response = error.originalResponse;
  if (response) return serverMessage(response.getBody(), response.getStatus());
  const json = /response text: (\{.*\})/s.exec(error.message)?.[1];
  return json ? serverMessage(json, 0) : error.message;
}

customElements.get('ml-upload-panel') ?? customElements.define('ml-upload-panel', UploadPanelElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-upload-panel': UploadPanelElement;
  }
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
