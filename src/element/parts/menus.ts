import '../i18n/en-more.js';
import { css, html, nothing, type TemplateResult } from 'lit';
import { condition } from '../../client/search-query.js';
import type { MessageKey } from '../i18n/en.js';
import type { Localizer } from '../i18n/localize.js';
import type { LibraryHost } from '../state/library-host.js';
import type { ListSort } from '../state/listing.js';
import type { DatePreset, SearchState, SizeFilter, TypeFilter } from '../state/search.js';
import './tag-input.js';
import { dateLabels, sizeLabels, typeLabels } from './filter-labels.js';
import { toMediaError } from './media-error.js';

export { contextMenus } from './context-menu.js';

/*
 * What the popovers hold: the search bar's filters (type, tags, date, size), the sort menu and
 * the new-folder form; and the files' and folders' context menus (context-menu.ts). A lazy chunk,
 * fetched when the browser is idle or a menu is first opened.
 */

/**
 * Places a popover under its trigger (above when it does not fit), aligned to the trigger's start
 * edge. Here rather than in the core bundle: the parts place their popovers once this chunk is in.
 */
export function placePopover(popover: HTMLElement, anchor: Element): void {
  const rtl = getComputedStyle(anchor).direction === 'rtl';
  const a = anchor.getBoundingClientRect();
  const style = popover.style;
  style.top = `${a.bottom + 4}px`;
  style.left = rtl ? 'auto' : `${Math.max(8, a.left)}px`;
  style.right = rtl ? `${Math.max(8, innerWidth - a.right)}px` : 'auto';
  // Once it has a size, keep it on screen.
  requestAnimationFrame(() => {
    const p = popover.getBoundingClientRect();
    if (p.bottom > innerHeight - 8 && a.top - p.height - 4 > 8) style.top = `${a.top - p.height - 4}px`;
    if (!rtl && p.right > innerWidth - 8) style.left = `${Math.max(8, innerWidth - p.width - 8)}px`;
    if (rtl && p.left < 8) style.right = `${Math.max(8, innerWidth - p.width - 8)}px`;
  });
}

const sorts: Array<[ListSort, MessageKey]> = [
  ['DESC_CREATED', 'sortNewest'],
  ['ASC_CREATED', 'sortOldest'],
  ['ASC_NAME', 'sortNameAsc'],
  ['DESC_NAME', 'sortNameDesc'],
  ['DESC_UPDATED', 'sortUpdated'],
  ['DESC_SIZE', 'sortLargest'],
  ['ASC_SIZE', 'sortSmallest'],
];

/** The sort menu: `sort` is the listing's; picking one calls `change`. */
export function sortMenu(l: Localizer, sort: ListSort, change: (sort: ListSort) => void): TemplateResult {
  return radioMenu(
    'sort',
    l.t('sortLabel'),
    sorts.map(([value, label]) => [value, l.t(label)]),
    sort,
    (value) => change(value as ListSort),
  );
}

export function folderForm(host: LibraryHost): TemplateResult {
  const l = host.l10n;
  return html`<form class="folder-form" @submit=${(event: SubmitEvent) => submitFolder(host, event)}>
    <label for="folder-name">${l.t('folderName')}</label>
    <div class="row">
      <input id="folder-name" name="name" required autocomplete="off" maxlength="255" />
      <button class="btn primary" type="submit">${l.t('create')}</button>
    </div>
    <p class="form-error" role="alert" id="folder-error"></p>
  </form>`;
}

/**
 * Creates a folder in the current one, saying what it is really called: the server keeps letters,
 * digits, `_` and `-` (as ImageKit) and answers "created" for a folder that exists, so a slash
 * and a name that is taken are refused here first.
 */
async function submitFolder(host: LibraryHost, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const l = host.l10n;
  const form = event.target as HTMLFormElement;
  const input = form.elements.namedItem('name') as HTMLInputElement;
  const error = form.querySelector('.form-error')!;
  const typed = input.value.trim();
  const parent = host.element.currentFolder;
  const client = host.client;
  if (!typed || !client) return;
  error.textContent = '';
  const name = typed.replace(/[^\p{L}\p{M}\p{N}_-]/gu, '_');
  try {
    if (/[/\\]/.test(typed)) {
      error.textContent = l.t('folderNameSlash');
      return;
    }
    const same = await client.listAssets({ path: parent, searchQuery: condition('name', '=', name) });
    if (same.some((a) => a.type === 'folder')) {
      error.textContent = l.t('folderExists', { name });
      return;
    }
    await client.createFolder({ folderName: typed, parentFolderPath: parent });
  } catch (failure) {
    const reported = toMediaError(failure);
    error.textContent = reported.message;
    host.reportError(reported);
    return;
  }
  form.reset();
  (form.closest('[popover]') as HTMLElement).hidePopover();
  const text = name === typed ? l.t('folderCreated', { name }) : l.t('folderCreatedAs', { name, typed });
  await host.changed(undefined, parent, text);
}

/** A change to the search, from a filter menu. */
type SearchChange = (change: Partial<SearchState>) => void;

/** A filter's popover content: `id` is `type`, `tags`, `date` or `size`. */
export function filterMenu(
  id: string,
  l: Localizer,
  search: SearchState,
  change: SearchChange,
): TemplateResult | typeof nothing {
  switch (id) {
    case 'type':
      return radioMenu(
        'type',
        l.t('filterType'),
        [
          ['', l.t('typeAny')],
          ...Object.entries(typeLabels).map(([k, v]) => [k, l.t(v)] as [string, string]),
        ],
        search.type ?? '',
        (value) => change({ type: (value || undefined) as TypeFilter | undefined }),
      );
    case 'size':
      return radioMenu(
        'size',
        l.t('filterSize'),
        [
          ['', l.t('sizeAny')],
          ...Object.entries(sizeLabels).map(([k, v]) => [k, l.t(v)] as [string, string]),
        ],
        search.size ?? '',
        (value) => change({ size: (value || undefined) as SizeFilter | undefined }),
      );
    case 'tags':
      return tagsMenu(l, search.tags, change);
    case 'date':
      return dateMenu(l, search.date, change);
    default:
      return nothing;
  }
}

const closePopover = (event: Event) =>
  ((event.target as HTMLElement).closest('[popover]') as HTMLElement | null)?.hidePopover();

function radioMenu(
  name: string,
  legend: string,
  options: Array<[string, string]>,
  value: string,
  pick: (value: string) => void,
): TemplateResult {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${options.map(
      ([key, label]) => html`<label>
        <input
          type="radio"
          name=${name}
          value=${key}
          .checked=${key === value}
          @change=${(event: Event) => {
            pick(key);
            closePopover(event);
          }}
        />${label}
      </label>`,
    )}
  </fieldset>`;
}

function tagsMenu(l: Localizer, tags: string[], change: SearchChange): TemplateResult {
  // The tag editor's field: chips, and suggestions from the library's tags as the user types.
  return html`<div class="tags">
    <ml-tag-input
      .tags=${tags}
      .label=${l.t('filterTags')}
      @tags-change=${(event: CustomEvent<{ tags: string[] }>) => change({ tags: event.detail.tags })}
    ></ml-tag-input>
    <p class="hint">${l.t('tagsHint')}</p>
  </div>`;
}

function dateMenu(l: Localizer, date: SearchState['date'], change: SearchChange): TemplateResult {
  const preset = date && 'preset' in date ? date.preset : date ? 'custom' : '';
  const range = date && !('preset' in date) ? date : {};
  const options: Array<[string, string]> = [
    ['', l.t('dateAny')],
    ...Object.entries(dateLabels).map(([k, v]) => [k, l.t(v)] as [string, string]),
  ];
  return html`${radioMenu('date', l.t('filterDate'), options, preset, (value) =>
    change({ date: value ? { preset: value as DatePreset } : undefined }),
  )}
    <form
      class="range"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        const form = new FormData(event.target as HTMLFormElement);
        const from = String(form.get('from') ?? '');
        const to = String(form.get('to') ?? '');
        change({ date: from || to ? { ...(from && { from }), ...(to && { to }) } : undefined });
        closePopover(event);
      }}
    >
      <span class="muted" style="grid-column:1/-1">${l.t('dateCustom')}</span>
      <label for="date-from">${l.t('dateFrom')}</label>
      <input id="date-from" name="from" type="date" .value=${range.from ?? ''} />
      <label for="date-to">${l.t('dateTo')}</label>
      <input id="date-to" name="to" type="date" .value=${range.to ?? ''} />
      <button class="btn" type="submit">${l.t('apply')}</button>
    </form>`;
}

export const menuStyles = css`
  .popover fieldset {
    display: flex;
    flex-direction: column;
    gap: 2px;
    margin: 0;
    padding: 0;
    border: 0;
  }
  .popover legend {
    padding: 0 0 6px;
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
  }
  .popover label {
    display: flex;
    align-items: center;
    gap: 8px;
    min-height: 32px;
    padding: 0 8px;
    border-radius: 4px;
    cursor: pointer;
  }
  .popover label:hover {
    background: var(--_surface);
  }
  .range {
    display: grid;
    grid-template-columns: auto 1fr;
    align-items: center;
    gap: 6px 8px;
    padding: 8px 8px 0;
  }
  .range button {
    grid-column: 2;
    justify-self: end;
  }
  .tags {
    min-width: 16em;
  }
  .hint {
    margin: 6px 0 0;
    color: var(--_muted);
    font-size: 12px;
  }
  .folder-form {
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .folder-form .row {
    display: flex;
    gap: 6px;
  }
  .folder-form input {
    flex: 1;
  }
  .form-error {
    margin: 0;
    color: var(--_danger);
    font-size: 13px;
  }
`;
