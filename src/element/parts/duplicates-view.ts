import '../i18n/en-duplicates.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { deleteFiles } from '../../client/editing.js';
import { duplicateGroups, referenceCounts } from '../../client/lifecycle.js';
import type { MediaClient } from '../../client/media-client.js';
import type { SimilarFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { formatBytes } from '../i18n/format.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { emit } from './part-events.js';
import { sideViewStyles } from './side-view-styles.js';

/** Groups a page asks for. */
const pageSize = 20;

type Group = { files: SimilarFile[] };

/**
 * "Find duplicates" (`GET /_ml/duplicates`): groups of files with the same content and images that
 * look the same, inside `folder`, each file with its thumbnail, size, path and how many places use
 * it; "Keep" one moves the group's others to the trash. Loads a page at a time ("Look further").
 *
 * @fires duplicates-close - the user went back to the files.
 * @fires duplicates-trashed - `{ folder, text }`: files went to the trash; reload the listing.
 */
export class DuplicatesViewElement extends LitElement {
  static override styles = [
    shared,
    sideViewStyles,
    css`
      header {
        flex-wrap: wrap;
      }
      ul {
        display: flex;
        flex-direction: column;
        gap: 10px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .group {
        padding: 8px;
        border: 1px solid var(--_border);
        border-radius: 6px;
      }
      .group ul {
        gap: 6px;
      }
      .file {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 12px;
      }
      .file img {
        width: 48px;
        height: 48px;
        object-fit: cover;
        border-radius: 4px;
        background: var(--_accent-soft);
      }
      .what {
        flex: 1;
        min-width: 12em;
        overflow-wrap: anywhere;
      }
      .what span {
        display: block;
        font-size: 12px;
      }
      .alert {
        color: var(--_danger);
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  /** The folder whose duplicates are shown (`/` for the whole library). */
  @property() folder = '/';
  @state() private groups: Group[] | undefined;
  @state() private cursor: string | null = null;
  @state() private counts: Record<string, number> = {};
  @state() private error: string | undefined;
  @state() private status: string | undefined;
  @state() private busy = false;
  readonly #l10n = new LocalizeController(this);
  #loadedWith: string | undefined;

  protected override willUpdate(): void {
    const key = this.client ? this.folder : undefined;
    if (key === this.#loadedWith) return;
    this.#loadedWith = key;
    this.groups = undefined;
    void this.#load(undefined);
  }

  /**
   * Loads the next page after `cursor` (undefined: afresh). A page may hold no group yet (the walk
   * reads a bounded number of files a request): it keeps reading until it has some or reaches the end.
   */
  async #load(cursor: string | undefined): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.error = undefined;
    this.busy = true;
    try {
      const found: Group[] = [];
      let next: string | null | undefined = cursor;
      do {
        const page = await duplicateGroups(client, {
          path: this.folder,
          ...(next && { cursor: next }),
          limit: pageSize,
        });
        found.push(...page.groups);
        next = page.cursor;
      } while (found.length === 0 && next);
      const counts = await referenceCounts(
        client,
        found.flatMap((g) => g.files.map((f) => f.file.fileId)),
      ).catch(() => ({}));
      this.counts = { ...this.counts, ...counts };
      this.groups = cursor === undefined ? found : [...(this.groups ?? []), ...found];
      this.cursor = next ?? null;
    } catch (failure) {
      this.error = this.#l10n.value.t('dupViewFailed', { message: toMediaError(failure).message });
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const l = this.#l10n.value;
    const { groups } = this;
    return html`<header>
        <h3 id="duplicates-title" tabindex="-1">${l.t('dupViewTitle', { folder: this.folder })}</h3>
        <button class="btn" type="button" data-action="back" @click=${() => emit(this, 'duplicates-close')}>${l.t('dupViewClose')}</button>
      </header>
      <p class="muted">${l.t('dupViewIntro')}</p>
      <div role="status">${this.status ?? nothing}</div>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${
        groups === undefined
          ? this.error
            ? nothing
            : html`<p class="muted" role="status">${l.t('dupViewLoading')}</p>`
          : groups.length === 0
            ? html`<p class="muted">${l.t('dupViewEmpty')}</p>`
            : html`<ul aria-labelledby="duplicates-title">${groups.map((g, i) => this.#renderGroup(g, i))}</ul>`
      }
      ${
        groups && this.cursor
          ? html`<button class="btn" type="button" data-action="more" ?disabled=${this.busy}
              @click=${() => this.#load(this.cursor ?? undefined)}>${l.t('dupViewMore')}</button>`
          : nothing
      }`;
  }

  #renderGroup(group: Group, index: number): TemplateResult {
    const l = this.#l10n.value;
    const id = `group-${index}`;
    return html`<li class="group" data-group=${index}>
      <p id=${id} class="visually-hidden">${l.t('dupGroup', { count: group.files.length })}</p>
      <ul aria-labelledby=${id}>
        ${group.files.map(
          ({ file, distance }) => html`<li class="file" data-id=${file.fileId}>
            <img src=${file.thumbnail} alt="" loading="lazy" />
            <div class="what">
              <strong>${file.name}</strong>
              <span class="muted">${file.filePath}</span>
              <span class="muted">${formatBytes(l, file.size)} · ${
                distance === 0 ? l.t('dupIdentical') : l.t('dupSimilar', { distance })
              } · ${l.t('dupUsedIn', { count: this.counts[file.fileId] ?? 0 })}</span>
            </div>
            <button class="btn" type="button" data-action="keep" ?disabled=${this.busy}
              @click=${() => this.#keep(group, file.fileId)}>${l.t('dupKeepThis', { name: file.name })}</button>
          </li>`,
        )}
      </ul>
    </li>`;
  }

  /** Keeps one file of the group and moves the others to the trash. */
  async #keep(group: Group, keptId: string): Promise<void> {
    const client = this.client;
    if (!client || this.busy) return;
    const l = this.#l10n.value;
    const kept = group.files.find((f) => f.file.fileId === keptId)!.file;
    const others = group.files.filter((f) => f.file.fileId !== keptId).map((f) => f.file.fileId);
    this.busy = true;
    this.error = undefined;
    try {
      await deleteFiles(client, others);
      const index = this.groups?.indexOf(group) ?? -1;
      this.groups = (this.groups ?? []).filter((g) => g !== group);
      const text = l.t('dupKept', { name: kept.name, count: others.length });
      this.status = text;
      emit(this, 'duplicates-trashed', { folder: this.folder, text });
      this.busy = false;
      await this.updateComplete;
      // Focus goes to the next group's first choice, or the heading when none is left.
      const next = this.renderRoot.querySelectorAll<HTMLElement>('.group')[Math.max(0, index)];
      (
        next?.querySelector<HTMLElement>('[data-action="keep"]') ??
        this.renderRoot.querySelector<HTMLElement>('h3')
      )?.focus();
    } catch (failure) {
      this.busy = false;
      this.error = l.t('dupKeepFailed', { message: toMediaError(failure).message });
    }
  }
}

customElements.get('ml-duplicates-view') ||
  customElements.define('ml-duplicates-view', DuplicatesViewElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-duplicates-view': DuplicatesViewElement;
  }
}
