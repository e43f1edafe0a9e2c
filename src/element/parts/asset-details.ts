import '../i18n/en-ai.js';
import '../i18n/en-ai-jobs.js';
import '../i18n/en-comments.js';
import '../i18n/en-more.js';
import '../i18n/en-shares.js';
import './ai-tags.js';
import './used-in.js';
import './bulk-edit.js';
import './organise-dialog.js';
import './tag-input.js';
import './versions.js';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, svg, type TemplateResult } from 'lit';
import { mayReadAudit } from '../../client/audit.js';
import { commentCounts } from '../../client/comments.js';
import {
  downloadUrl,
  editImage,
  renameFile,
  restoreVersion,
  suggestTags,
  updateFileDetails,
} from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type {
  Asset,
  CustomMetadataField,
  CustomMetadataValue,
  MediaFile,
  MediaFolder,
} from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { enEdit } from '../i18n/en-edit.js';
import { formatBytes, formatDate } from '../i18n/format.js';
import { addEnglish } from '../i18n/localize.js';
import { libraryContext } from '../state/contexts.js';
import { type Draft, detailsPatch, draftOf, isDirty, optimistic } from '../state/file-draft.js';
import { closeIcon, fileIcon, folderIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { AiJobWatch } from './ai-watch.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { type DraftValue, fieldProblem, renderField } from './metadata-form.js';
import type { OrganiseDialogElement, OrganiseTask } from './organise-dialog.js';
import { emit } from './part-events.js';
import { openShareDialog } from './share-actions.js';
import { hasThumbnail, withTransform } from './thumbnails.js';

const copyIcon = svg`<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"/>`;
const downloadIcon = svg`<path d="M12 3v12M7 10l5 5 5-5M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"/>`;
const externalIcon = svg`<path d="M15 3h6v6M10 14 21 3M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6"/>`;

addEnglish(enEdit);

/** Whether a client may read the audit log: asked once per client, whatever panel asks. */
const auditAccess = new WeakMap<MediaClient, Promise<boolean>>();

type DetailsTab = 'details' | 'comments' | 'history';

/** Private or unpublished: its URL works only signed. */
const isPrivate = (file: MediaFile) => file.isPrivateFile || file.isPublished === false;

export { transferDropped } from './organise.js';

/**
 * What the user is looking at: preview, name, path, type, size, dimensions, tags, custom
 * metadata, dates, and its URL to copy. With a client and write access it is an editor: rename,
 * alt text (ImageKit's `description`), tags, custom metadata from the field schemas, with Save
 * and Cancel. Unsaved changes stay on screen when the selection moves on, until saved or discarded.
 *
 * @fires details-close
 * @fires focus-grid - a dialog closed and what opened it is gone: focus belongs in the grid.
 * @fires asset-change - `{ asset }`: a file changed (optimistically, then as the server has it).
 * @fires share - the user asked to share the shown file or folder with people.
 */
export class AssetDetailsElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        overflow: auto;
      }
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 8px 8px 8px 16px;
        border-bottom: 1px solid var(--_border);
      }
      h2 {
        margin: 0;
        font-size: 14px;
      }
      .body {
        display: flex;
        flex-direction: column;
        gap: 14px;
        padding: 16px;
      }
      .preview {
        position: relative;
        display: flex;
        align-items: center;
        justify-content: center;
        aspect-ratio: 4 / 3;
        overflow: hidden;
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      .preview img {
        width: 100%;
        height: 100%;
        object-fit: contain;
      }
      .preview video {
        width: 100%;
        height: 100%;
        background: #000;
      }
      .preview.audio {
        flex-direction: column;
        gap: 12px;
        aspect-ratio: auto;
        padding: 16px;
      }
      .preview audio {
        width: 100%;
      }
      .preview .icon {
        width: 64px;
        height: 64px;
        color: var(--_muted);
        stroke-width: 1.25;
      }
      h3 {
        margin: 0;
        font-size: 15px;
        overflow-wrap: anywhere;
      }
      .path {
        margin: 2px 0 0;
        color: var(--_muted);
        font-size: 12px;
        overflow-wrap: anywhere;
      }
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 6px 12px;
        margin: 0;
        font-size: 13px;
      }
      dt {
        color: var(--_muted);
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      h4 {
        margin: 0 0 6px;
        color: var(--_muted);
        font-size: 12px;
        font-weight: 600;
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .tags li {
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--_surface);
        font-size: 12px;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .empty {
        padding: 24px 16px;
        color: var(--_muted);
        text-align: center;
      }
      .url {
        width: 100%;
        font-size: 12px;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin: 0;
        padding: 0;
        border: 0;
        font-size: 13px;
      }
      .field > label,
      legend {
        color: var(--_muted);
        font-size: 12px;
        font-weight: 600;
      }
      .check {
        flex-direction: row;
        align-items: center;
        gap: 6px;
        display: flex;
      }
      .field-error,
      .alert {
        margin: 0;
        color: var(--_danger);
        font-size: 12px;
      }
      .hint {
        margin: 0;
        color: var(--_muted);
        font-size: 12px;
      }
      textarea {
        resize: vertical;
      }
      .save-bar {
        display: flex;
        align-items: center;
        gap: 6px;
        flex-wrap: wrap;
      }
      .tabs {
        display: flex;
        gap: 4px;
        padding: 4px 16px 0;
        border-bottom: 1px solid var(--_border);
      }
      .tabs [role='tab'] {
        padding: 6px 10px;
        border: 0;
        border-bottom: 2px solid transparent;
        background: none;
        color: var(--_muted);
        font: inherit;
        font-size: 13px;
        cursor: pointer;
      }
      .tabs [role='tab'][aria-selected='true'] {
        border-bottom-color: var(--_accent);
        color: var(--_text);
      }
      .ai-status {
        position: absolute;
        inset-inline-start: 8px;
        bottom: 8px;
        display: flex;
        align-items: center;
        gap: 6px;
        max-width: calc(100% - 16px);
        margin: 0;
        padding: 4px 10px;
        border-radius: 999px;
        background: var(--_bg, #fff);
        box-shadow: 0 1px 3px rgb(0 0 0 / 0.25);
        font-size: 12px;
      }
      .ai-status:empty {
        padding: 0;
        box-shadow: none;
        background: none;
      }
      .ai-status.pending::before {
        content: '';
        width: 10px;
        height: 10px;
        border: 2px solid var(--_accent);
        border-inline-end-color: transparent;
        border-radius: 50%;
        animation: ai-spin 0.8s linear infinite;
      }
      @keyframes ai-spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .ai-status.pending::before {
          animation: none;
        }
      }
      .banner {
        margin: 0;
        padding: 8px;
        border-radius: calc(var(--_radius) - 2px);
        background: var(--_accent-soft);
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) asset: Asset | undefined;
  /** Custom metadata field definitions, for their labels. */
  @property({ attribute: false }) fields: CustomMetadataField[] = [];
  /** Saves through this client; without one (a read-only session) the panel only shows. */
  @property({ attribute: false }) client: MediaClient | undefined;
  /**
   * The session's client at any level: comments are read and written with it (commenting needs
   * only `view`), so a member who only views a folder sees the Comments tab.
   */
  @property({ attribute: false }) reader: MediaClient | undefined;
  /** The level allows moving, renaming and deleting (`manage`); without it the panel edits, uploads versions and copies only. */
  @property({ attribute: false }) manage = true;
  /** Offers "Share with people…" (fires `share`). */
  @property({ attribute: false }) shareable = false;
  /** The selected files: with more than one, the panel edits them together. */
  @property({ attribute: false }) selected: MediaFile[] = [];
  /** The folder the element is confined to (for the folder picker). */
  @property() root = '/';
  @state() private copyState: 'idle' | 'copied' | 'failed' = 'idle';
  /** Why the last download could not start. */
  @state() private downloadProblem: string | undefined;
  /** A private file's signed URL for its player. */
  @state() private signedMedia: { fileId: string; url: string; until: number } | undefined;
  #signingFor: string | undefined;
  @state() private previewFailed = false;
  /** The file being edited: `asset`, unless unsaved changes hold on to an earlier one. */
  @state() private file: MediaFile | undefined;
  @state() private draft: Draft | undefined;
  /** The asset the user moved on to while the draft was dirty. */
  @state() private pending: Asset | undefined;
  /** Problems by field (`name`, `description`, a custom field's name), ours or the server's. */
  @state() private problems: Record<string, string> = {};
  @state() private saving = false;
  @state() private status: { text: string; error: boolean } | undefined;
  @state() private versionsOpen = false;
  /** The image editor (a lazy chunk of its own) is open. */
  @state() private editing = false;
  /** The session may read the audit log, so a file's History tab shows. */
  @state() private historyAllowed = false;
  @state() private tab: DetailsTab = 'details';
  /** Comments on the file (its tab's count); undefined where the server has no comments (ImageKit). */
  @state() private commentCount: number | undefined;
  #countedFor = '';
  #auditAskedFor: MediaClient | undefined;
  #auditFileId: string | undefined;
  readonly #l10n = new LocalizeController(this);
  readonly #library = new ContextConsumer(this, { context: libraryContext });
  /** The open file's AI jobs: watched while pending, the file read again when they are done. */
  readonly #aiJobs = new AiJobWatch(this, (saved) => this.#aiFinished(saved));

  /** Whether there are changes not saved yet. */
  get dirty(): boolean {
    return !!this.file && !!this.draft && isDirty(this.file, this.draft);
  }

  /** Shows the active file alone even while several are selected (Insert asked for its alt text). */
  #single = false;

  /** Puts the cursor in the alt text field of the active file (Insert asked for alt text). */
  async focusAlt(): Promise<void> {
    this.#single = true;
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('#alt')?.focus();
  }

  /** Opens "Remove background"'s question for the shown file (the context menu's item). */
  async askRemoveBackground(): Promise<void> {
    this.#selectTab('details');
    await import('./remove-background.js');
    await this.updateComplete;
    await this.renderRoot.querySelector('ml-remove-background')?.ask();
  }

  /** The comment to focus when the Comments tab opens (a notification's link). */
  #focusComment: string | undefined;

  /**
   * Selects the Comments tab (it shows once the server has answered the file's count; never
   * against ImageKit), with `commentId`'s comment focused once the threads are there.
   */
  async showComments(commentId?: string): Promise<void> {
    this.#selectTab('comments');
    this.#focusComment = commentId;
    await this.updateComplete;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('asset')) this.#show(this.asset);
    // "Suggest alt text" and "Remove background" are chunks of their own; each shows only where the server offers it.
    if (changed.has('client') && this.client) {
      void import('./alt-suggest.js');
      void import('./remove-background.js');
    }
    const { file } = this;
    const client = this.reader ?? this.client;
    this.#aiJobs.follow(client, file);
    if (client && file && file.fileId !== this.#countedFor) {
      this.#countedFor = file.fileId;
      void commentCounts(client, [file.fileId]).then(
        (counts) => {
          if (this.file?.fileId === file.fileId) this.commentCount = counts[file.fileId]?.count ?? 0;
        },
        () => {
          this.commentCount = undefined;
        },
      );
    }
    this.#askAudit(this.client, file);
  }

  /** Whether the History tab shows: the audit log's probe, once per client and file. */
  #askAudit(client: MediaClient | undefined, file: MediaFile | undefined): void {
    if (client && file && (client !== this.#auditAskedFor || file.fileId !== this.#auditFileId)) {
      if (client !== this.#auditAskedFor) this.historyAllowed = false;
      this.#auditAskedFor = client;
      const fileId = file.fileId;
      this.#auditFileId = fileId;
      const whole = auditAccess.get(client) ?? mayReadAudit(client);
      auditAccess.set(client, whole);
      // The whole log (keys, admins, managers), else this file's, where a DAM member manages it.
      const member = this.shareable;
      void whole
        .then(async (all) => all || (member && (await mayReadAudit(client, { fileId }))))
        .then((allowed) => {
          if (this.client === client && this.#auditFileId === fileId) this.historyAllowed = allowed;
        });
    }
  }

  #selectTab(tab: DetailsTab, focus = false): void {
    // A notification's comment is focused once, not again when the tab is chosen later.
    this.#focusComment = undefined;
    this.tab = tab;
    if (tab === 'history') void import('./asset-history.js');
    if (tab === 'comments') void import('./comments-panel.js');
    if (focus)
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  /** The tabs pattern: arrows, Home and End move between tabs and select them. */
  #tabKeys = (event: KeyboardEvent): void => {
    const tabs = this.#tabs();
    const at = tabs.indexOf(this.tab);
    const next =
      event.key === 'ArrowRight'
        ? tabs[(at + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs[(at + tabs.length - 1) % tabs.length]
          : event.key === 'Home'
            ? tabs[0]
            : event.key === 'End'
              ? tabs.at(-1)
              : undefined;
    if (!next) return;
    event.preventDefault();
    this.#selectTab(next, true);
  };

  #show(asset: Asset | undefined): void {
    const next = asset?.type === 'folder' ? undefined : asset;
    if (next && this.file && next.fileId === this.file.fileId) {
      // The same file again (a refresh, our own save): keep the draft, take the server's state.
      if (!this.dirty) this.draft = draftOf(next);
      this.file = next;
      this.pending = undefined;
      return;
    }
    if (this.dirty && !this.saving) {
      this.pending = asset;
      return;
    }
    this.pending = undefined;
    this.#single = false;
    this.#focusComment = undefined;
    this.copyState = 'idle';
    this.previewFailed = false;
    this.problems = {};
    this.status = undefined;
    this.file = next;
    this.draft = next && draftOf(next);
  }

  override render() {
    const l = this.#l10n.value;
    const asset = this.file ?? this.asset;
    return html`<header>
        <h2>${l.t('details')}</h2>
        <button class="btn ghost icon-only" type="button" aria-label=${l.t('closeDetails')} @click=${() => emit(this, 'details-close')}>
          ${icon(closeIcon)}
        </button>
      </header>
      ${
        this.#canEdit && this.selected.length > 1 && !this.dirty && !this.#single
          ? this.#renderBulk(this.selected)
          : !asset
            ? html`<p class="empty">${l.t('noActive')}</p>`
            : asset.type === 'folder'
              ? html`<div class="body">
                <div class="preview">${icon(folderIcon)}</div>
                <div><h3>${asset.name}</h3><p class="path">${asset.folderPath}</p></div>
                <dl>
                  <dt>${l.t('detailCreated')}</dt><dd>${formatDate(l, asset.createdAt)}</dd>
                  <dt>${l.t('detailModified')}</dt><dd>${formatDate(l, asset.updatedAt)}</dd>
                </dl>
                ${this.#canEdit && this.manage ? this.#renderOrganise(asset) : nothing}
                ${this.#renderShare()}
              </div>`
              : this.#renderFile(asset)
      }
      <ml-organise-dialog .client=${this.client} .root=${this.root}
        @organised=${(e: CustomEvent<{ folder?: string; text: string }>) => emit(this, 'asset-change', e.detail)}
        @focus-grid=${() => emit(this, 'focus-grid')}
      ></ml-organise-dialog>`;
  }

  get #canEdit(): boolean {
    return !!this.client;
  }

  #organise(task: OrganiseTask): void {
    void this.renderRoot.querySelector<OrganiseDialogElement>('ml-organise-dialog')!.open(task);
  }

  #renderOrganise(target: MediaFile[] | MediaFolder): TemplateResult {
    const l = this.#l10n.value;
    const task = (kind: 'move' | 'copy' | 'delete'): OrganiseTask =>
      Array.isArray(target)
        ? { kind, files: target }
        : {
            kind: kind === 'copy' ? 'rename-folder' : kind === 'move' ? 'move-folder' : 'delete-folder',
            folder: target,
          };
    // Without `manage`, files can still be copied (folders show no organising at all).
    const manage = this.manage;
    return html`<section class="actions" aria-label=${l.t('organise')}>
      ${manage ? html`<button class="btn" type="button" @click=${() => this.#organise(task('move'))}>${l.t('moveTo')}</button>` : nothing}
      <button class="btn" type="button" @click=${() => this.#organise(task('copy'))}>
        ${Array.isArray(target) ? l.t('copyTo') : l.t('renameFolder')}
      </button>
      ${manage ? html`<button class="btn" type="button" @click=${() => this.#organise(task('delete'))}>${l.t('deleteAction')}</button>` : nothing}
    </section>`;
  }

  #renderShare(): TemplateResult | typeof nothing {
    return this.shareable
      ? html`<button class="btn" type="button" data-action="share" aria-haspopup="dialog" @click=${() => emit(this, 'share')}>
          ${this.#l10n.value.t('shareWithPeople')}
        </button>`
      : nothing;
  }

  #renderBulk(files: MediaFile[]): TemplateResult {
    const l = this.#l10n.value;
    return html`<div class="body">
      <h3>${l.t('bulkTitle', { count: files.length })}</h3>
      <ml-bulk-edit .files=${files} .fields=${this.fields} .client=${this.client}
        @organised=${(e: CustomEvent<{ text: string }>) => emit(this, 'asset-change', e.detail)}></ml-bulk-edit>
      ${this.#renderOrganise(files)}
    </div>`;
  }

  #tabs(): DetailsTab[] {
    return [
      'details',
      ...(this.commentCount !== undefined ? (['comments'] as const) : []),
      ...(this.historyAllowed ? (['history'] as const) : []),
    ];
  }

  /** A file's details, its comments, and its history where the session may read the audit log. */
  #renderFile(file: MediaFile): TemplateResult {
    const l = this.#l10n.value;
    const tabbed = this.#tabs().length > 1;
    const tab = (id: DetailsTab, label: string) =>
      html`<button type="button" role="tab" id=${`tab-${id}`} aria-controls=${`panel-${id}`}
        aria-selected=${String(this.tab === id)} tabindex=${this.tab === id ? 0 : -1}
        @click=${() => this.#selectTab(id)}>${label}</button>`;
    // One structure with or without tabs, so the details (and what is open in them) stay put when the tabs appear.
    return html`${
      tabbed
        ? html`<div class="tabs" role="tablist" aria-label=${l.t('detailsTabs')} @keydown=${this.#tabKeys}>
            ${tab('details', l.t('tabDetails'))}${
              this.commentCount !== undefined
                ? tab(
                    'comments',
                    this.commentCount > 0
                      ? l.t('tabCommentsCount', { count: this.commentCount })
                      : l.t('tabComments'),
                  )
                : nothing
            }${this.historyAllowed ? tab('history', l.t('tabHistory')) : nothing}
          </div>`
        : nothing
    }
      <div id="panel-details" role=${tabbed ? 'tabpanel' : nothing} aria-labelledby=${tabbed ? 'tab-details' : nothing}
        ?hidden=${tabbed && this.tab !== 'details'}>
        ${this.#renderFileDetails(file)}
      </div>
      ${
        tabbed && this.tab === 'comments'
          ? html`<div role="tabpanel" id="panel-comments" class="body" aria-labelledby="tab-comments">
              <ml-comments-panel .file=${file} .client=${this.reader ?? this.client} .focusComment=${this.#focusComment}
                @comments-count=${(e: CustomEvent<{ count: number }>) => {
                  this.commentCount = e.detail.count;
                }}></ml-comments-panel>
            </div>`
          : nothing
      }
      ${
        tabbed && this.tab === 'history'
          ? html`<div role="tabpanel" id="panel-history" class="body" aria-labelledby="tab-history" tabindex="0">
              <ml-asset-history .file=${file} .client=${this.client}></ml-asset-history>
            </div>`
          : nothing
      }`;
  }

  #renderFileDetails(file: MediaFile): TemplateResult {
    const l = this.#l10n.value;
    return html`<div class="body">
      ${
        this.pending
          ? html`<p class="banner" role="alert">
              ${l.t('unsavedKept', { name: file.name, other: this.pending.name })}
              <button class="link" type="button" @click=${this.#discard}>${l.t('discard')}</button>
            </p>`
          : nothing
      }
      <div class=${file.mime.startsWith('audio/') ? 'preview audio' : 'preview'}>
        ${
          file.mime.startsWith('video/')
            ? // The server's poster frame (a placeholder where it cannot draw one) until it plays.
              html`<video controls preload="metadata" poster=${isPrivate(file) ? nothing : file.thumbnail} src=${this.#mediaSource(file) ?? nothing} aria-label=${file.name}></video>`
            : file.mime.startsWith('audio/')
              ? html`${icon(fileIcon(file.mime))}<audio controls preload="metadata" src=${this.#mediaSource(file) ?? nothing} aria-label=${file.name}></audio>`
              : this.#renderPicture(file)
        }
        ${this.#renderAiStatus(file)}
      </div>
      ${this.#renderAiFailures()}
      <div>
        <h3>${file.name}</h3>
        <p class="path">${file.filePath}</p>
      </div>
      ${this.#canEdit && this.draft ? this.#renderEditor(file, this.draft) : this.#renderReadOnly(file)}
      <ml-used-in .client=${this.client} .file=${file} ?renaming=${this.draft !== undefined && this.draft.name.trim() !== file.name}></ml-used-in>
      <dl>
        <dt>${l.t('detailType')}</dt>
        <dd>${file.mime}</dd>
        <dt>${l.t('detailSize')}</dt>
        <dd>${formatBytes(l, file.size)}</dd>
        ${
          file.width && file.height
            ? html`<dt>${l.t('detailDimensions')}</dt>
                <dd>${l.t('dimensions', { width: file.width, height: file.height })}</dd>`
            : nothing
        }
        <dt>${l.t('detailCreated')}</dt>
        <dd>${formatDate(l, file.createdAt)}</dd>
        <dt>${l.t('detailModified')}</dt>
        <dd>${formatDate(l, file.updatedAt)}</dd>
      </dl>
      ${
        this.#canEdit && file.fileType === 'image' && file.width
          ? html`<button class="btn" type="button" data-action="edit-image" @click=${this.#openEditor}>${l.t('editImage')}</button>`
          : nothing
      }
      ${
        this.#canEdit && file.fileType === 'image'
          ? html`<ml-remove-background .client=${this.client} .file=${file} ?running=${this.#aiJobs.state.phase === 'pending'}
              @ai-job-started=${(e: CustomEvent<{ file: MediaFile; removingBackground: boolean }>) =>
                this.#aiJobs.started(
                  this.reader ?? this.client!,
                  e.detail.file.fileId,
                  e.detail.removingBackground,
                )}></ml-remove-background>`
          : nothing
      }
      ${
        this.editing
          ? html`<ml-image-editor .file=${file} .client=${this.client} .calls=${{ editImage, restoreVersion, updateFileDetails }} .l10n=${l}
              @asset-change=${(e: CustomEvent) => emit(this, 'asset-change', e.detail)}
              @editor-close=${() => {
                this.editing = false;
              }}></ml-image-editor>`
          : nothing
      }
      ${this.#canEdit ? this.#renderOrganise([file]) : nothing}
      ${
        this.#canEdit
          ? html`<details class="versions" ?open=${this.versionsOpen} @toggle=${(e: Event) => {
              this.versionsOpen = (e.target as HTMLDetailsElement).open;
            }}>
              <summary>${l.t('versions')}</summary>
              ${
                this.versionsOpen
                  ? html`<ml-versions .file=${file} .client=${this.client} .manage=${this.manage}
                      @asset-change=${(e: CustomEvent<{ asset: MediaFile }>) => emit(this, 'asset-change', e.detail)}></ml-versions>`
                  : nothing
              }
            </details>`
          : nothing
      }
      ${this.#renderShare()}
      <div class="actions">
        <button class="btn" type="button" data-action="download" @click=${() => this.download(file)}>${icon(downloadIcon)}${l.t('download')}</button>
        <button class="btn" type="button" @click=${() => this.#copyUrl(file.url)}>${icon(copyIcon)}${l.t('copyUrl')}</button>
        <a class="btn" href=${file.url} target="_blank" rel="noopener noreferrer">${icon(externalIcon)}${l.t('openOriginal')}</a>
        ${this.#canEdit && this.manage ? html`<button class="btn" type="button" data-action="share-link" @click=${() => this.#share(file)}>${l.t('shareLink')}</button>` : nothing}
        ${
          file.fileType === 'image' && this.#library.value
            ? html`<button class="btn" type="button" data-action="find-similar"
                @click=${() => void this.#library.value?.findSimilar(file)}>${l.t('findSimilar')}</button>`
            : nothing
        }
      </div>
      <div role="status">
        ${this.downloadProblem ? html`<p class="alert">${this.downloadProblem}</p>` : nothing}
        ${this.copyState === 'copied' ? l.t('copied') : nothing}
        ${
          this.copyState === 'failed'
            ? html`<p class="muted">${l.t('copyFailed')}</p>
                <input class="url" readonly .value=${file.url} aria-label=${l.t('copyUrl')} />`
            : nothing
        }
      </div>
    </div>`;
  }

  /** An image, a PDF's first page or a glyph for the file's type. */
  #renderPicture(file: MediaFile): TemplateResult {
    return hasThumbnail(file) && !this.previewFailed
      ? html`<img
          src=${file.thumbnail}
          srcset=${`${file.thumbnail} 400w, ${withTransform(file.url, 'w-800,h-800,c-at_max,f-webp,q-80')} 800w`}
          sizes="320px"
          alt=${file.description ?? ''}
          decoding="async"
          @error=${() => {
            this.previewFailed = true;
          }}
        />`
      : icon(fileIcon(file.mime));
  }

  #renderReadOnly(file: MediaFile): TemplateResult {
    const l = this.#l10n.value;
    const custom = Object.entries(file.customMetadata ?? {});
    const tags = file.tags ?? [];
    return html`${
      file.description
        ? html`<section><h4>${l.t('detailDescription')}</h4><p style="margin:0">${file.description}</p></section>`
        : nothing
    }
      <section>
        <h4>${l.t('detailTags')}</h4>
        ${
          tags.length
            ? html`<ul class="tags">${tags.map((tag) => html`<li>${tag}</li>`)}</ul>`
            : html`<span class="muted">${l.t('noTags')}</span>`
        }
      </section>
      <ml-ai-tags .file=${file}></ml-ai-tags>
      ${
        custom.length
          ? html`<section>
              <h4>${l.t('detailCustomMetadata')}</h4>
              <dl>
                ${custom.map(
                  ([name, value]) => html`<dt>${this.fields.find((f) => f.name === name)?.label ?? name}</dt>
                    <dd>${this.#formatValue(value)}</dd>`,
                )}
              </dl>
            </section>`
          : nothing
      }`;
  }

  #renderEditor(file: MediaFile, draft: Draft): TemplateResult {
    const l = this.#l10n.value;
    const problems = this.#allProblems(draft);
    const dirty = isDirty(file, draft);
    const disabled = this.saving;
    const error = (key: string) =>
      problems[key] ? html`<p class="field-error" id=${`${key}-problem`}>${problems[key]}</p>` : nothing;
    // Reads this.draft when called: a second change may come before the first re-render.
    const set = (change: Partial<Draft>) => {
      this.draft = { ...this.draft!, ...change };
      const cleared = Object.keys(change).concat(Object.keys(change.custom ?? {}));
      this.problems = Object.fromEntries(Object.entries(this.problems).filter(([k]) => !cleared.includes(k)));
      this.status = undefined;
    };
    const chars = [...draft.description].length;
    return html`<form novalidate @submit=${(e: Event) => {
      e.preventDefault();
      void this.#save();
    }} @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape' && dirty && !e.defaultPrevented) {
        e.preventDefault();
        this.#discard();
      }
    }}>
      <div class="field">
        <label for="name">${l.t('fieldName')}</label>
        <input id="name" type="text" required .value=${draft.name} ?disabled=${disabled} ?readonly=${!this.manage}
          aria-invalid=${String(!!problems.name)} aria-describedby=${problems.name ? 'name-problem' : nothing}
          @input=${(e: Event) => set({ name: (e.target as HTMLInputElement).value })} />
        ${error('name')}
      </div>
      <div class="field">
        <label for="alt">${l.t('altText')}</label>
        <textarea id="alt" rows="3" maxlength="4096" .value=${draft.description} ?disabled=${disabled}
          aria-invalid=${String(!!problems.description)}
          aria-describedby=${problems.description ? 'alt-count description-problem' : 'alt-count'}
          @input=${(e: Event) => set({ description: (e.target as HTMLTextAreaElement).value })}></textarea>
        <p class="hint" id="alt-count">${l.t('altHint')} ${l.t('altCount', { count: chars })}</p>
        ${error('description')}
        ${
          file.fileType === 'image'
            ? html`<ml-alt-suggest .client=${this.client} .file=${file} ?disabled=${disabled}
              @alt-suggested=${(e: CustomEvent<{ altText: string }>) => {
                set({ description: e.detail.altText });
                void this.updateComplete.then(() =>
                  this.renderRoot.querySelector<HTMLTextAreaElement>('#alt')?.focus(),
                );
              }}></ml-alt-suggest>`
            : nothing
        }
      </div>
      <div class="field">
        <label>${l.t('tagsLabel')}</label>
        <ml-tag-input .tags=${draft.tags} .label=${l.t('tagsLabel')} ?disabled=${disabled}
          .suggest=${(prefix: string) => suggestTags(this.client!, prefix)}
          @tags-change=${(e: CustomEvent<{ tags: string[] }>) => set({ tags: e.detail.tags })}></ml-tag-input>
        ${error('tags')}
      </div>
      <ml-ai-tags .file=${file} .client=${disabled ? undefined : this.client}
        @ai-tags-change=${(e: CustomEvent<{ file: MediaFile; accepted?: string }>) => this.#aiTagsChanged(e.detail.file, e.detail.accepted)}></ml-ai-tags>
      ${this.fields.map((field) =>
        renderField(
          l,
          field,
          draft.custom[field.name],
          problems[field.name],
          (value: DraftValue) => set({ custom: { ...this.draft!.custom, [field.name]: value } }),
          disabled,
        ),
      )}
      <div class="save-bar">
        <button class="btn primary" type="submit" ?disabled=${!dirty || disabled || Object.keys(problems).length > 0}>
          ${this.saving ? l.t('saving') : l.t('save')}
        </button>
        <button class="btn" type="button" ?disabled=${!dirty || disabled} @click=${this.#discard}>${l.t('cancel')}</button>
        <span class="hint" role="status">${dirty ? l.t('unsaved') : this.status && !this.status.error ? this.status.text : ''}</span>
      </div>
      ${this.status?.error ? html`<p class="alert" role="alert">${this.status.text}</p>` : nothing}
    </form>`;
  }

  /**
   * Where the open file's AI jobs stand, on its picture: a live region that is always there (so
   * the change is read out), empty and unseen when there is nothing to say.
   */
  #renderAiStatus(file: MediaFile): TemplateResult {
    const l = this.#l10n.value;
    const state = this.#aiJobs.state;
    const text =
      state.phase === 'pending'
        ? l.t(state.removingBackground ? 'aiRemovingBackground' : 'aiAnalysing')
        : state.phase === 'timed-out'
          ? l.t('aiTooLong')
          : state.phase === 'done' && state.removedBackground
            ? l.t('backgroundRemoved', { version: file.versionInfo.name })
            : state.phase === 'done' && state.failed.length === 0
              ? l.t('aiAnalysed')
              : '';
    return html`<p class=${state.phase === 'pending' ? 'ai-status pending' : 'ai-status'} role="status" aria-live="polite">${text}</p>`;
  }

  /** The AI jobs that failed, said under the picture they were about. */
  #renderAiFailures(): TemplateResult | typeof nothing {
    const l = this.#l10n.value;
    const state = this.#aiJobs.state;
    const failed = state.phase === 'done' ? state.failed : [];
    if (failed.length === 0) return nothing;
    return html`<p class="alert" role="alert">${[
      ...(failed.includes('remove-bg') ? [l.t('removeBackgroundFailed')] : []),
      ...(failed.some((name) => name !== 'remove-bg') ? [l.t('aiTaggingFailed')] : []),
    ].join(' ')}</p>`;
  }

  /**
   * The file's AI jobs are done: show it as the server has it now (its AI tags, a version without
   * background, their thumbnail), keeping unsaved edits, and tell the grid.
   */
  #aiFinished(saved: MediaFile): void {
    if (this.file?.fileId !== saved.fileId) return;
    const { file, draft } = this;
    if (!draft || !isDirty(file, draft)) this.draft = draftOf(saved);
    if (saved.versionInfo.id !== file.versionInfo.id) {
      this.previewFailed = false;
      // A new version (the background removed): its place in the history shows.
      if (this.#canEdit) this.versionsOpen = true;
    }
    this.file = saved;
    emit(this, 'asset-change', { asset: saved });
  }

  /** An AI tag was accepted or rejected on the server: show the file as it is, keeping unsaved edits. */
  #aiTagsChanged(saved: MediaFile, accepted: string | undefined): void {
    const { file, draft } = this;
    if (draft && file && isDirty(file, draft)) {
      this.draft =
        accepted && !draft.tags.includes(accepted) ? { ...draft, tags: [...draft.tags, accepted] } : draft;
    } else {
      this.draft = draftOf(saved);
    }
    this.file = saved;
    emit(this, 'asset-change', { asset: saved });
  }

  /** Our own checks (as the server will judge) and the server's last answer, by field. */
  #allProblems(draft: Draft): Record<string, string> {
    const l = this.#l10n.value;
    const problems: Record<string, string> = {};
    if (!draft.name.trim()) problems.name = l.t('fieldRequired');
    for (const field of this.fields) {
      const problem = fieldProblem(l, field, draft.custom[field.name]);
      if (problem) problems[field.name] = problem;
    }
    return { ...problems, ...this.problems };
  }

  async #openEditor(): Promise<void> {
    await import('./image-editor.js');
    this.editing = true;
  }

  #discard(): void {
    const pending = this.pending;
    this.draft = this.file && draftOf(this.file);
    this.problems = {};
    this.status = undefined;
    if (pending) this.#show(pending);
  }

  /** Saves optimistically: the grid shows the change at once and gets the server's state (or the old one) after. */
  async #save(): Promise<void> {
    const { file, draft, client } = this;
    if (!file || !draft || !client || this.saving) return;
    if (Object.keys(this.#allProblems(draft)).length > 0) return;
    const l = this.#l10n.value;
    this.saving = true;
    this.status = undefined;
    emit(this, 'asset-change', { asset: optimistic(file, draft) });
    let saved = file;
    try {
      if (draft.name.trim() !== file.name) {
        try {
          saved = await renameFile(client, file, draft.name.trim());
        } catch (failure) {
          throw Object.assign(toMediaError(failure), { field: 'name' });
        }
      }
      const patch = detailsPatch(file, draft);
      if (patch) saved = await updateFileDetails(client, file.fileId, patch);
      this.saving = false;
      this.file = saved;
      this.draft = draftOf(saved);
      this.problems = {};
      this.status = { text: l.t('saved'), error: false };
      emit(this, 'asset-change', { asset: saved });
      if (this.pending) this.#show(this.pending);
    } catch (failure) {
      const error = toMediaError(failure);
      // Roll back to what the server has now (a rename may have gone through before a later step failed).
      const truth = await client.getFileDetails(file.fileId).catch(() => saved);
      this.saving = false;
      this.file = truth;
      emit(this, 'asset-change', { asset: truth });
      const byField = error.body?.errors ?? {};
      const field = (error as { field?: string }).field;
      const problems: Record<string, string> = { ...byField };
      if (field) problems[field] = error.message;
      else if (error.body?.message?.includes("'description'")) problems.description = error.message;
      this.problems = problems;
      if (Object.keys(problems).length === 0)
        this.status = { text: l.t('saveFailed', { message: error.message }), error: true };
    }
  }

  #formatValue(value: CustomMetadataValue): string {
    const l = this.#l10n.value;
    if (Array.isArray(value)) return value.map((v) => this.#formatValue(v)).join(', ');
    if (typeof value === 'boolean') return l.t(value ? 'yes' : 'no');
    if (typeof value === 'number') return l.number(value);
    return /^\d{4}-\d{2}-\d{2}T/.test(value) ? formatDate(l, value) : value;
  }

  /**
   * Downloads the file's original under its name (`ik-attachment=true`). A private or unpublished
   * file needs a signed URL, which the server makes (`GET /_ml/files/{id}/download-url`).
   */
  async download(file: MediaFile): Promise<void> {
    this.downloadProblem = undefined;
    let url = `${file.url}${file.url.includes('?') ? '&' : '?'}ik-attachment=true`;
    if (isPrivate(file)) {
      try {
        url = await this.#signedUrl(file);
      } catch (error) {
        const message = toMediaError(error).message;
        this.downloadProblem = this.#l10n.value.t('downloadFailed', { name: file.name, message });
        return;
      }
    }
    // The server answers with Content-Disposition: attachment, so the page stays where it is.
    const link = document.createElement('a');
    link.href = url;
    link.download = file.name;
    link.hidden = true;
    this.renderRoot.append(link);
    link.click();
    link.remove();
  }

  /** "Share link…": the share dialog (its own chunk) for this file. */
  #share(file: MediaFile): void {
    const host = this.#library.value;
    if (host) void openShareDialog(host, { target: { type: 'file', id: file.fileId }, name: file.name });
  }

  /** A signed URL for a private file's original, from the server (read-only sessions too). */
  async #signedUrl(file: MediaFile): Promise<string> {
    const host = this.#library.value;
    const client = this.client ?? (host && (await host.connection()).client);
    if (!client) throw new Error(this.#l10n.value.t('notConfigured'));
    return (await downloadUrl(client, file.fileId)).url;
  }

  /**
   * What a player plays: the file's URL, or for a private file a signed one, asked for once per
   * file (players ignore the attachment disposition a download URL carries).
   */
  #mediaSource(file: MediaFile): string | undefined {
    if (!isPrivate(file)) return file.url;
    const signed = this.signedMedia;
    if (signed?.fileId === file.fileId && signed.until > Date.now()) return signed.url;
    if (this.#signingFor !== file.fileId) {
      this.#signingFor = file.fileId;
      // The server's URLs work for five minutes: a player shown later asks again.
      const until = Date.now() + 4 * 60_000;
      void this.#signedUrl(file)
        .then((url) => {
          if (this.#signingFor === file.fileId) this.signedMedia = { fileId: file.fileId, url, until };
        })
        .catch(() => undefined)
        .finally(() => {
          if (this.#signingFor === file.fileId) this.#signingFor = undefined;
        });
    }
    return signed?.fileId === file.fileId ? signed.url : undefined;
  }

  async #copyUrl(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.copyState = 'copied';
    } catch {
      this.copyState = 'failed';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('.url')?.select();
    }
  }
}

customElements.get('ml-asset-details') || customElements.define('ml-asset-details', AssetDetailsElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-asset-details': AssetDetailsElement;
  }
}
