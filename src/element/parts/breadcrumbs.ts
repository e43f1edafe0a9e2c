import { css, html, LitElement } from 'lit';
import { property } from '../decorators.js';
import { chevronIcon, homeIcon, icon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { emit } from './part-events.js';

/**
 * Where the user is: the root, then each folder down to the current one (the last is the page).
 *
 * @fires navigate - `{ path }`: open an ancestor folder.
 */
export class BreadcrumbsElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      ol {
        display: flex;
        align-items: center;
        gap: 2px;
        margin: 0;
        padding: 0;
        list-style: none;
        overflow: hidden;
      }
      li {
        display: flex;
        align-items: center;
        gap: 2px;
        min-width: 0;
      }
      li:last-child {
        flex-shrink: 0;
        max-width: 60%;
      }
      .sep {
        width: 14px;
        height: 14px;
        color: var(--_muted);
      }
      button {
        min-height: 28px;
        padding: 0 6px;
        border: 0;
        border-radius: 4px;
        background: none;
        cursor: pointer;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--_muted);
        display: inline-flex;
        align-items: center;
        gap: 4px;
      }
      span {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      button:hover {
        background: var(--_surface);
        color: var(--_text);
      }
      [aria-current='page'] {
        color: var(--_text);
        font-weight: 600;
      }
    `,
  ];

  /** The element's root folder (`/` or `/a`). */
  @property() root = '/';
  /** The current folder (`/a/b`). */
  @property() folder = '/';
  readonly #l10n = new LocalizeController(this);

  override render() {
    const l = this.#l10n.value;
    const rootParts = this.root.split('/').filter(Boolean).length;
    const parts = this.folder.split('/').filter(Boolean);
    const crumbs = [{ path: this.root, name: l.t('rootFolder') }];
    for (let i = rootParts; i < parts.length; i++) {
      crumbs.push({ path: `/${parts.slice(0, i + 1).join('/')}`, name: parts[i]! });
    }
    return html`<nav aria-label=${l.t('breadcrumbLabel')}>
      <ol>
        ${crumbs.map(
          (crumb, i) => html`<li>
            ${i > 0 ? icon(chevronIcon, 'icon sep flip') : ''}
            <button
              type="button"
              title=${crumb.name}
              aria-current=${i === crumbs.length - 1 ? 'page' : 'false'}
              @click=${() => emit(this, 'navigate', { path: crumb.path })}
            >
              ${i === 0 ? icon(homeIcon) : ''}<span>${crumb.name}</span>
            </button>
          </li>`,
        )}
      </ol>
    </nav>`;
  }
}

customElements.get('ml-breadcrumbs') || customElements.define('ml-breadcrumbs', BreadcrumbsElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-breadcrumbs': BreadcrumbsElement;
  }
}
