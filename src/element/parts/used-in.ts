import '../i18n/en-lifecycle.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { fileReferences, listTrash, referenceCounts } from '../../client/lifecycle.js';
import type { MediaClient } from '../../client/media-client.js';
import type { FileReference } from '../../shared/lifecycle.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';

const trashDaysByClient = new WeakMap<MediaClient, Promise<number>>();

/**
 * Days a delete stays in the server's trash (0: deletes are final, as on ImageKit, which has no
 * trash), asked once per client so a delete confirmation says what will happen.
 */
export function trashDaysOf(client: MediaClient): Promise<number> {
  let days = trashDaysByClient.get(client);
  if (!days) {
    days = listTrash(client, { limit: 1 }).then(
      (page) => page.trashDays,
      () => 0,
    );
    trashDaysByClient.set(client, days);
  }
  return days;
}

/** Only http(s) links are followed; anything else is shown as text (the server refuses others anyway). */
const safeUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined);

const listStyles = css`
  ul {
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin: 0;
    padding: 0;
    list-style: none;
    overflow-wrap: anywhere;
  }
  .source {
    display: block;
    font-size: 11px;
  }
  .alert {
    color: var(--_danger);
    margin: 0;
  }
  p {
    margin: 0;
  }
`;

/** A place as a link that opens in a new tab (and cannot reach back into this page), or as text. */
function placeLink(reference: FileReference, newTab: string): TemplateResult {
  const url = safeUrl(reference.url);
  return url
    ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${reference.title}<span class="visually-hidden"> ${newTab}</span></a>`
    : html`<span>${reference.title}</span>`;
}

/**
 * The details panel's "Used in" section: the places (CMS entries) that use the file, as the
 * plugins reported them (`GET /_ml/files/{id}/references`), titles linking to the places in a
 * new tab. While the name is being changed, a warning that the file's URL will change.
 */
export class UsedInElement extends LitElement {
  static override styles = [
    shared,
    listStyles,
    css`
      :host {
        display: block;
      }
      h4 {
        margin: 0 0 4px;
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  @property({ attribute: false }) file: MediaFile | undefined;
  /** The name in the editor differs from the file's: renaming will change its URL. */
  @property({ type: Boolean }) renaming = false;
  @state() private references: FileReference[] | undefined;
  @state() private error: string | undefined;
  readonly #l10n = new LocalizeController(this);
  #loadedFor = '';

  protected override willUpdate(): void {
    const key = this.file ? `${this.file.fileId} ${this.file.updatedAt}` : '';
    if (key === this.#loadedFor) return;
    this.#loadedFor = key;
    void this.#load(key);
  }

  async #load(key: string): Promise<void> {
    const { file, client } = this;
    this.references = undefined;
    this.error = undefined;
    if (!file || !client) return;
    try {
      const references = await fileReferences(client, file.fileId);
      if (key === this.#loadedFor) this.references = references;
    } catch (failure) {
      if (key === this.#loadedFor) this.error = toMediaError(failure).message;
    }
  }

  override render() {
    const l = this.#l10n.value;
    const { references } = this;
    return html`<section aria-labelledby="used-in-title">
      <h4 id="used-in-title">${l.t('usedIn')}${references?.length ? ` (${references.length})` : nothing}</h4>
      ${
        this.error
          ? html`<p class="alert" role="alert">${l.t('usedInFailed', { message: this.error })}</p>`
          : references === undefined
            ? html`<p class="muted" role="status">${l.t('usedInLoading')}</p>`
            : references.length === 0
              ? html`<p class="muted">${l.t('usedInNone')}</p>`
              : html`${this.renaming ? html`<p class="alert" role="alert">${l.t('usedInRename')}</p>` : nothing}
                  <ul>
                    ${references.map(
                      (r) =>
                        html`<li>${placeLink(r, l.t('opensInNewTab'))}<span class="source muted">${r.source}</span></li>`,
                    )}
                  </ul>`
      }
    </section>`;
  }
}

/** Most used files whose places a warning names; the rest are counted in the first ones' lines. */
const namedFiles = 10;

/**
 * A warning in a delete or move confirmation: which of the files are used, and where
 * (one grouped count for all of them, then the places of the used ones). Nothing when none is.
 */
export class UsageWarningElement extends LitElement {
  static override styles = [
    shared,
    listStyles,
    css`
      :host {
        display: block;
      }
      :host([hidden]) {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  @property({ attribute: false }) files: MediaFile[] = [];
  /** What is about to happen to them. */
  @property() action: 'delete' | 'move' = 'delete';
  @state() private used: Array<{ file: MediaFile; references: FileReference[] }> | undefined;
  readonly #l10n = new LocalizeController(this);
  #loadedFor = '';

  protected override willUpdate(): void {
    const key = this.files.map((f) => f.fileId).join(',');
    if (key === this.#loadedFor) return;
    this.#loadedFor = key;
    void this.#load(key);
  }

  async #load(key: string): Promise<void> {
    const { files, client } = this;
    this.used = undefined;
    if (!client || files.length === 0) {
      this.used = [];
      return;
    }
    try {
      const counts = await referenceCounts(
        client,
        files.map((f) => f.fileId),
      );
      const usedFiles = files.filter((f) => (counts[f.fileId] ?? 0) > 0).slice(0, namedFiles);
      const used = await Promise.all(
        usedFiles.map(async (file) => ({ file, references: await fileReferences(client, file.fileId) })),
      );
      if (key === this.#loadedFor) this.used = used.filter((u) => u.references.length > 0);
    } catch {
      // A server without references (ImageKit itself) has nothing to warn about.
      if (key === this.#loadedFor) this.used = [];
    }
  }

  override render() {
    const l = this.#l10n.value;
    if (this.used === undefined) return html`<p class="muted" role="status">${l.t('usageChecking')}</p>`;
    if (this.used.length === 0) return nothing;
    const message = this.action === 'move' ? 'usageMove' : 'usageDelete';
    return html`<div role="alert">
      <ul>
        ${this.used.map(
          ({ file, references }) =>
            html`<li class="alert">${l.t(message, {
              name: file.name,
              places: references.map((r) => r.title).join(', '),
            })}</li>`,
        )}
      </ul>
    </div>`;
  }
}

customElements.get('ml-used-in') || customElements.define('ml-used-in', UsedInElement);
customElements.get('ml-usage-warning') || customElements.define('ml-usage-warning', UsageWarningElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-used-in': UsedInElement;
    'ml-usage-warning': UsageWarningElement;
  }
}
