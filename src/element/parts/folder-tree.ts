import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from '../decorators.js';
import type { FolderRow } from '../state/folder-tree.js';
import { alertIcon, chevronIcon, folderIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { loadNavigationKeys, navigationKeys } from './keys.js';
import { LocalizeController } from './localized.js';
import { emit } from './part-events.js';

/**
 * The folder tree (ARIA tree pattern, flat rows with levels). Arrow keys move, Right/Left
 * expand and collapse, Enter or Space opens a folder, typing a letter jumps to a folder.
 *
 * @fires navigate - `{ path }`: open a folder.
 * @fires folder-toggle - `{ path, expand }`: expand or collapse a folder.
 */
export class FolderTreeElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      [role='tree'] {
        list-style: none;
        margin: 0;
        padding: 4px;
      }
      [role='treeitem'] {
        display: flex;
        align-items: center;
        gap: 4px;
        min-height: 32px;
        padding-inline: calc((var(--level) - 1) * 16px + 4px) 8px;
        border-radius: calc(var(--_radius) - 2px);
        cursor: pointer;
        user-select: none;
        outline-offset: -2px;
      }
      [role='treeitem']:hover {
        background: var(--_surface);
      }
      [role='treeitem'][aria-selected='true'] {
        background: var(--_accent-soft);
        color: var(--_accent);
        font-weight: 600;
      }
      .twisty {
        display: inline-flex;
        width: 20px;
        height: 20px;
        align-items: center;
        justify-content: center;
        color: var(--_muted);
        border-radius: 4px;
      }
      .twisty .icon {
        width: 14px;
        height: 14px;
        transition: transform 120ms;
      }
      /* After shared's .flip (which mirrors a collapsed one in right-to-left): expanded points down. */
      [aria-expanded='true'] > .twisty .icon {
        transform: rotate(90deg);
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .folder-icon {
        color: var(--_muted);
      }
      [aria-selected='true'] .folder-icon {
        color: var(--_accent);
      }
      .status {
        margin-inline-start: auto;
        font-size: 12px;
      }
      .error {
        color: var(--_danger);
      }
    `,
  ];

  /** Visible rows, in order. */
  @property({ attribute: false }) rows: FolderRow[] = [];
  /** The open folder. */
  @property() current = '/';
  @state() private focusedPath: string | undefined;
  readonly #l10n = new LocalizeController(this);
  #typeAhead = { text: '', at: 0 };

  override render() {
    const l = this.#l10n.value;
    const focused = this.#focusTarget();
    return html`<ul role="tree" aria-label=${l.t('foldersLabel')} @keydown=${this.#onKeyDown}>
      ${this.rows.map(({ node, setSize, posInSet }) => {
        const canExpand = node.children === undefined || node.children.length > 0;
        const name = node.level === 1 ? l.t('rootFolder') : node.name;
        return html`<li
          role="treeitem"
          id=${`folder-${encodeURIComponent(node.path)}`}
          data-path=${node.path}
          style=${`--level:${node.level}`}
          aria-level=${node.level}
          aria-setsize=${setSize}
          aria-posinset=${posInSet}
          aria-expanded=${canExpand ? String(node.expanded) : nothing}
          aria-selected=${String(node.path === this.current)}
          aria-busy=${node.loading ? 'true' : nothing}
          tabindex=${node.path === focused ? 0 : -1}
          @click=${() => this.#open(node.path)}
          @focus=${() => {
            this.focusedPath = node.path;
          }}
        >
          <span
            class="twisty"
            aria-hidden="true"
            @click=${(event: Event) => {
              event.stopPropagation();
              if (canExpand) this.#toggle(node.path, !node.expanded);
            }}
            >${canExpand ? icon(chevronIcon, 'icon flip') : nothing}</span
          >
          ${icon(folderIcon, 'icon folder-icon')}
          <span class="name">${name}</span>
          <i data-menu></i>
          ${
            node.error
              ? html`<span class="status error" title=${node.error.message}>${icon(alertIcon)}
                  <span class="visually-hidden">${l.t('folderLoadError')}</span></span>`
              : nothing
          }
        </li>`;
      })}
    </ul>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Keep DOM focus on the focused row when rows re-render under it.
    if (changed.has('rows') && this.focusedPath && this.shadowRoot?.activeElement) {
      this.#rowElement(this.#focusTarget())?.focus();
    }
  }

  /** The row that takes Tab focus: the focused one if still visible, else the open folder, else the root. */
  #focusTarget(): string | undefined {
    const visible = (path: string | undefined) =>
      path !== undefined && this.rows.some((r) => r.node.path === path);
    if (visible(this.focusedPath)) return this.focusedPath;
    if (visible(this.current)) return this.current;
    return this.rows[0]?.node.path;
  }

  #rowElement(path: string | undefined): HTMLElement | null {
    if (path === undefined) return null;
    return this.renderRoot.querySelector(`[data-path="${CSS.escape(path)}"]`);
  }

  #open(path: string): void {
    this.focusedPath = path;
    emit(this, 'navigate', { path });
  }

  #toggle(path: string, expand: boolean): void {
    emit(this, 'folder-toggle', { path, expand });
  }

  #moveTo(index: number): void {
    const row = this.rows[Math.max(0, Math.min(this.rows.length - 1, index))];
    if (!row) return;
    this.focusedPath = row.node.path;
    this.#rowElement(row.node.path)?.focus();
  }

  #onKeyDown(event: KeyboardEvent): void {
    const keys = navigationKeys();
    // A key before the keyboard chunk arrived is handled once it has.
    if (!keys) return void loadNavigationKeys().then(() => this.#onKeyDown(event));
    const index = this.rows.findIndex((r) => r.node.path === this.#focusTarget());
    const outcome = keys.treeKey(event, this.rows, index, this.matches(':dir(rtl)'), this.#typeAhead);
    if (!outcome) return;
    event.preventDefault();
    const path = this.rows[index]!.node.path;
    if (outcome.typeAhead) this.#typeAhead = outcome.typeAhead;
    if (outcome.expand !== undefined) this.#toggle(path, outcome.expand);
    if (outcome.focus !== undefined) this.#moveTo(outcome.focus);
    if (outcome.open) this.#open(path);
  }
}

customElements.get('ml-folder-tree') || customElements.define('ml-folder-tree', FolderTreeElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-folder-tree': FolderTreeElement;
  }
}
