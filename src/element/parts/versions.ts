import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import {
  deleteVersion,
  listVersions,
  replaceFile,
  restoreVersion,
  updateFileDetails,
} from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { formatBytes, formatDate } from '../i18n/format.js';
import { detailsPatch, draftOf } from '../state/file-draft.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';
import { hasThumbnail } from './thumbnails.js';

/**
 * When a version was made: ImageKit's ids (and the media server's) are MongoDB ObjectIds, whose
 * first 8 hex digits are seconds since 1970. A file's `createdAt` is the file's, the same for
 * every version; other ids fall back to `updatedAt`.
 */
export function versionDate(version: MediaFile): string {
  const id = version.versionInfo.id;
  return /^[\da-f]{24}$/i.test(id)
    ? new Date(Number.parseInt(id.slice(0, 8), 16) * 1000).toISOString()
    : version.updatedAt;
}

/** A focus area (`x,y,width,height`) if it lies inside the file's image; null otherwise. */
function focusAreaIn(area: string | null | undefined, file: MediaFile): string | null {
  const [x = 0, y = 0, w = 0, h = 0] = (area ?? '').split(',').map(Number);
  return area && file.width && file.height && x + w <= file.width && y + h <= file.height ? area : null;
}

/**
 * A file's versions, newest first, with thumbnail, date and size: preview one, restore it
 * (saying first that its tags, custom metadata, alt text and focus area come back with it, and
 * offering to keep the current ones), delete an older one, or replace the file with a new
 * upload (same fileId and URL), keeping its details unless the user says otherwise.
 *
 * @fires asset-change - `{ asset }` after a restore or a replacement.
 */
export class VersionsElement extends LitElement {
  static override styles = [
    shared,
    css`
      ul {
        display: flex;
        flex-direction: column;
        gap: 6px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: grid;
        grid-template-columns: 40px 1fr;
        gap: 4px 8px;
        align-items: center;
        font-size: 12px;
      }
      li img {
        width: 40px;
        height: 40px;
        object-fit: cover;
        border-radius: 4px;
        background: var(--_surface);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        grid-column: 2;
      }
      .row .btn {
        min-height: 24px;
        padding: 0 8px;
        font-size: 12px;
      }
      .preview {
        width: 100%;
        max-height: 200px;
        object-fit: contain;
      }
      .alert {
        color: var(--_danger);
        margin: 0;
      }
      input[type='file'] {
        font-size: 12px;
      }
      .confirm {
        display: flex;
        flex-direction: column;
        gap: 6px;
        grid-column: 1 / -1;
        padding: 8px;
        border-radius: 6px;
        background: var(--_accent-soft);
      }
      .confirm p {
        margin: 0;
      }
      label.keep {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) file: MediaFile | undefined;
  @property({ attribute: false }) client: MediaClient | undefined;
  /** Deleting a version needs `manage`; restoring and replacing, `contribute` (a client). */
  @property({ attribute: false }) manage = true;
  @state() private versions: MediaFile[] | undefined;
  @state() private previewing: MediaFile | undefined;
  @state() private busy = false;
  @state() private error: string | undefined;
  /** The version whose restore is being confirmed. */
  @state() private restoring: MediaFile | undefined;
  /** Keep the file's current details: through a restore, or a replacement. */
  @state() private keepOnRestore = true;
  @state() private keepOnReplace = true;
  readonly #l10n = new LocalizeController(this);
  #loadedFor = '';

  protected override willUpdate(): void {
    const key = this.file ? `${this.file.fileId} ${this.file.versionInfo.id} ${this.file.updatedAt}` : '';
    if (key !== this.#loadedFor) {
      this.#loadedFor = key;
      this.previewing = undefined;
      void this.#load();
    }
  }

  async #load(): Promise<void> {
    const { file, client } = this;
    if (!file || !client) return;
    try {
      const versions = await listVersions(client, file.fileId);
      // Newest first; the current one leads.
      this.versions = versions.sort((a, b) =>
        a.type === 'file' ? -1 : b.type === 'file' ? 1 : versionDate(b).localeCompare(versionDate(a)),
      );
    } catch (failure) {
      this.error = toMediaError(failure).message;
    }
  }

  override render() {
    const l = this.#l10n.value;
    const file = this.file;
    if (!file) return nothing;
    return html`${
      this.previewing
        ? html`<img class="preview" src=${this.previewing.thumbnail} alt=${l.t('versionPreview', { name: this.previewing.versionInfo.name })} />`
        : nothing
    }
      <ul aria-label=${l.t('versions')}>
        ${(this.versions ?? []).map((v) => {
          const current = v.type === 'file';
          const made = versionDate(v);
          return html`<li>
            ${hasThumbnail(v) ? html`<img src=${v.thumbnail} alt="" loading="lazy" />` : html`<span></span>`}
            <span>${v.versionInfo.name}${current ? ` · ${l.t('currentVersion')}` : ''} · <time datetime=${made}>${formatDate(l, made)}</time> · ${formatBytes(l, v.size)}</span>
            ${
              current
                ? nothing
                : html`<span class="row">
                    <button class="btn" type="button" aria-label=${l.t('previewVersion', { name: v.versionInfo.name })}
                      @click=${() => {
                        this.previewing = v;
                      }}>${l.t('preview')}</button>
                    <button class="btn" type="button" ?disabled=${this.busy} aria-label=${l.t('restoreVersion', { name: v.versionInfo.name })}
                      aria-expanded=${String(this.restoring === v)}
                      @click=${() => this.#askRestore(v)}>${l.t('restore')}</button>
                    ${
                      this.manage
                        ? html`<button class="btn" type="button" ?disabled=${this.busy} aria-label=${l.t('deleteVersion', { name: v.versionInfo.name })}
                      @click=${() =>
                        this.#act(async () => {
                          await deleteVersion(this.client!, file.fileId, v.versionInfo.id);
                          await this.#load();
                          return undefined;
                        })}>${l.t('deleteAction')}</button>`
                        : nothing
                    }
                  </span>`
            }
            ${this.restoring === v ? this.#renderRestore(file, v) : nothing}
          </li>`;
        })}
      </ul>
      <label class="keep"><input type="checkbox" .checked=${this.keepOnReplace}
        @change=${(e: Event) => {
          this.keepOnReplace = (e.target as HTMLInputElement).checked;
        }} />${l.t('keepOnReplace')}</label>
      <label class="btn">
        ${l.t('replaceFile')}
        <input class="visually-hidden" type="file" ?disabled=${this.busy}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const chosen = input.files?.[0];
            input.value = '';
            if (chosen) void this.#act(() => replaceFile(this.client!, file, chosen, this.keepOnReplace));
          }} />
      </label>
      ${this.busy ? html`<p role="status">${l.t('saving')}</p>` : nothing}
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}`;
  }

  /** Says what a restore brings back before doing it. */
  async #askRestore(version: MediaFile): Promise<void> {
    this.restoring = version;
    this.keepOnRestore = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.confirm input')?.focus();
  }

  #renderRestore(file: MediaFile, version: MediaFile): TemplateResult {
    const l = this.#l10n.value;
    const name = version.versionInfo.name;
    const cancel = async () => {
      this.restoring = undefined;
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(`[aria-label="${l.t('restoreVersion', { name })}"]`)
        ?.focus();
    };
    return html`<div class="confirm" role="group" aria-label=${l.t('restoreVersion', { name })}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        void cancel();
      }}>
      <p>${l.t('restoreAsk', { name })}</p>
      <label class="keep"><input type="checkbox" .checked=${this.keepOnRestore}
        @change=${(e: Event) => {
          this.keepOnRestore = (e.target as HTMLInputElement).checked;
        }} />${l.t('keepOnRestore')}</label>
      <span class="row">
        <button class="btn primary" type="button" ?disabled=${this.busy}
          @click=${() => {
            this.restoring = undefined;
            void this.#act(() => this.#restore(file, version, this.keepOnRestore));
          }}>${l.t('restoreVersion', { name })}</button>
        <button class="btn" type="button" @click=${cancel}>${l.t('cancel')}</button>
      </span>
    </div>`;
  }

  /** Restores `version`; keeping the current details (as the server has them) puts them back on it after. */
  async #restore(file: MediaFile, version: MediaFile, keep: boolean): Promise<MediaFile> {
    const client = this.client!;
    const current = keep ? await client.getFileDetails(file.fileId) : file;
    const restored = await restoreVersion(client, file.fileId, version.versionInfo.id);
    if (!keep) return restored;
    const patch = detailsPatch(restored, draftOf(current)) ?? {};
    const area = focusAreaIn(current.customCoordinates, restored);
    if (area !== (restored.customCoordinates ?? null)) patch.customCoordinates = area;
    return Object.keys(patch).length ? updateFileDetails(client, file.fileId, patch) : restored;
  }

  async #act(work: () => Promise<MediaFile | undefined>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      const changed = await work();
      if (changed) emit(this, 'asset-change', { asset: changed });
    } catch (failure) {
      this.error = toMediaError(failure).message;
    } finally {
      this.busy = false;
    }
  }
}

customElements.get('ml-versions') || customElements.define('ml-versions', VersionsElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-versions': VersionsElement;
  }
}
