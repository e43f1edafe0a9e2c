import { css, html, LitElement, nothing } from 'lit';
import { deleteVersion, listVersions, replaceFile, restoreVersion } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { formatBytes, formatDate } from '../i18n/format.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';
import { hasThumbnail } from './thumbnails.js';

/**
 * A file's versions, newest first, with thumbnail, date and size: preview one, restore it,
 * delete an older one, or replace the file with a new upload (same fileId and URL).
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
    `,
  ];

  @property({ attribute: false }) file: MediaFile | undefined;
  @property({ attribute: false }) client: MediaClient | undefined;
  @state() private versions: MediaFile[] | undefined;
  @state() private previewing: MediaFile | undefined;
  @state() private busy = false;
  @state() private error: string | undefined;
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
        a.type === 'file' ? -1 : b.type === 'file' ? 1 : b.createdAt.localeCompare(a.createdAt),
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
          return html`<li>
            ${hasThumbnail(v) ? html`<img src=${v.thumbnail} alt="" loading="lazy" />` : html`<span></span>`}
            <span>${v.versionInfo.name}${current ? ` · ${l.t('currentVersion')}` : ''} · ${formatDate(l, v.createdAt)} · ${formatBytes(l, v.size)}</span>
            ${
              current
                ? nothing
                : html`<span class="row">
                    <button class="btn" type="button" aria-label=${l.t('previewVersion', { name: v.versionInfo.name })}
                      @click=${() => {
                        this.previewing = v;
                      }}>${l.t('preview')}</button>
                    <button class="btn" type="button" ?disabled=${this.busy} aria-label=${l.t('restoreVersion', { name: v.versionInfo.name })}
                      @click=${() => this.#act(() => restoreVersion(this.client!, file.fileId, v.versionInfo.id))}>${l.t('restore')}</button>
                    <button class="btn" type="button" ?disabled=${this.busy} aria-label=${l.t('deleteVersion', { name: v.versionInfo.name })}
                      @click=${() =>
                        this.#act(async () => {
                          await deleteVersion(this.client!, file.fileId, v.versionInfo.id);
                          await this.#load();
                          return undefined;
                        })}>${l.t('deleteAction')}</button>
                  </span>`
            }
          </li>`;
        })}
      </ul>
      <label class="btn">
        ${l.t('replaceFile')}
        <input class="visually-hidden" type="file" ?disabled=${this.busy}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const chosen = input.files?.[0];
            input.value = '';
            if (chosen) void this.#act(() => replaceFile(this.client!, file, chosen));
          }} />
      </label>
      ${this.busy ? html`<p role="status">${l.t('saving')}</p>` : nothing}
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}`;
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
