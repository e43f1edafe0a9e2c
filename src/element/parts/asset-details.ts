import '../i18n/en-more.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import type { Asset, CustomMetadataField, CustomMetadataValue, MediaFile } from '../../shared/wire.js';
import { formatBytes, formatDate } from '../i18n/format.js';
import { closeIcon, copyIcon, externalIcon, fileIcon, folderIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { emit } from './part-events.js';
import { hasThumbnail, withTransform } from './thumbnails.js';

/**
 * What the user is looking at: preview, name, path, type, size, dimensions, tags, custom
 * metadata, dates, and its URL to copy. Shows; editing comes with the editing panel.
 *
 * @fires details-close
 */
export class AssetDetailsElement extends LitElement {
  static override properties = {
    asset: { attribute: false },
    fields: { attribute: false },
    copyState: { state: true },
    previewFailed: { state: true },
  };

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
    `,
  ];

  declare asset: Asset | undefined;
  /** Custom metadata field definitions, for their labels. */
  declare fields: CustomMetadataField[];
  declare private copyState: 'idle' | 'copied' | 'failed';
  declare private previewFailed: boolean;
  private readonly l10n = new LocalizeController(this);

  constructor() {
    super();
    this.asset = undefined;
    this.fields = [];
    this.copyState = 'idle';
    this.previewFailed = false;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('asset')) {
      this.copyState = 'idle';
      this.previewFailed = false;
    }
  }

  override render() {
    const l = this.l10n.value;
    const asset = this.asset;
    return html`<header>
        <h2>${l.t('details')}</h2>
        <button class="btn ghost icon-only" type="button" aria-label=${l.t('closeDetails')} @click=${() => emit(this, 'details-close')}>
          ${icon(closeIcon)}
        </button>
      </header>
      ${
        !asset
          ? html`<p class="empty">${l.t('noActive')}</p>`
          : asset.type === 'folder'
            ? html`<div class="body">
                <div class="preview">${icon(folderIcon)}</div>
                <div><h3>${asset.name}</h3><p class="path">${asset.folderPath}</p></div>
                <dl>
                  <dt>${l.t('detailCreated')}</dt><dd>${formatDate(l, asset.createdAt)}</dd>
                  <dt>${l.t('detailModified')}</dt><dd>${formatDate(l, asset.updatedAt)}</dd>
                </dl>
              </div>`
            : this.renderFile(asset)
      }`;
  }

  private renderFile(file: MediaFile): TemplateResult {
    const l = this.l10n.value;
    const custom = Object.entries(file.customMetadata ?? {});
    const tags = [...(file.tags ?? []), ...(file.AITags ?? []).map((t) => t.name)];
    return html`<div class="body">
      <div class="preview">
        ${
          hasThumbnail(file) && !this.previewFailed
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
            : icon(fileIcon(file.mime))
        }
      </div>
      <div>
        <h3>${file.name}</h3>
        <p class="path">${file.filePath}</p>
      </div>
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
      ${
        custom.length
          ? html`<section>
              <h4>${l.t('detailCustomMetadata')}</h4>
              <dl>
                ${custom.map(
                  ([name, value]) => html`<dt>${this.fields.find((f) => f.name === name)?.label ?? name}</dt>
                    <dd>${this.formatValue(value)}</dd>`,
                )}
              </dl>
            </section>`
          : nothing
      }
      <div class="actions">
        <button class="btn" type="button" @click=${() => this.copyUrl(file.url)}>${icon(copyIcon)}${l.t('copyUrl')}</button>
        <a class="btn" href=${file.url} target="_blank" rel="noopener noreferrer">${icon(externalIcon)}${l.t('openOriginal')}</a>
      </div>
      <div role="status">
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

  private formatValue(value: CustomMetadataValue): string {
    const l = this.l10n.value;
    if (Array.isArray(value)) return value.map((v) => this.formatValue(v)).join(', ');
    if (typeof value === 'boolean') return l.t(value ? 'yes' : 'no');
    if (typeof value === 'number') return l.number(value);
    return /^\d{4}-\d{2}-\d{2}T/.test(value) ? formatDate(l, value) : value;
  }

  private async copyUrl(url: string): Promise<void> {
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
