import '../../element/i18n/en-admin.js';
import { css, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { MessageKey } from '../../element/i18n/en.js';
import { english, type Localizer, loadLocalizer } from '../../element/i18n/localize.js';
import { shared } from '../../element/styles/shared.js';
import { tokens } from '../../element/styles/tokens.js';
import { AppApiError } from './api.js';

/** What the screens share: the locale, messages for failures, focus around dialogs, and styles. */

/** An element with a `locale` (the app's, else the page's `lang`, else the browser's). */
export type LocalizedHost = ReactiveControllerHost & HTMLElement & { locale: string };

/** The screen's Localizer: English at once, the locale's catalog once it has loaded. */
export class ScreenLocalizer implements ReactiveController {
  readonly #host: LocalizedHost;
  #value: Localizer = english;
  #loading = '';

  constructor(host: LocalizedHost) {
    this.#host = host;
    host.addController(this);
  }

  get value(): Localizer {
    return this.#value;
  }

  hostUpdate(): void {
    const wanted = this.#host.locale || document.documentElement.lang || navigator.language || 'en';
    if (wanted === this.#loading) return;
    this.#loading = wanted;
    void loadLocalizer(wanted).then((localizer) => {
      if (this.#loading !== wanted) return;
      this.#value = localizer;
      this.#host.requestUpdate();
    });
  }
}

const reasonMessages: Partial<Record<string, MessageKey>> = {
  LAST_ADMIN: 'adminErrorLastAdmin',
  EMAIL_TAKEN: 'adminErrorEmailTaken',
  GROUP_LOOP: 'adminErrorGroupLoop',
  DUPLICATE_NAME: 'adminErrorDuplicateName',
  PERMISSION_DENIED: 'adminErrorPermission',
  SESSION_EXPIRED: 'adminErrorSignedOut',
  USER_DISABLED: 'adminErrorSignedOut',
};

/**
 * What a failure says to the person: the server's refusals we know in their language, any other
 * 4xx in the server's own words (they say what to change), a network failure as such.
 */
export function failureText(t: Localizer, error: unknown): string {
  if (error instanceof AppApiError) {
    const known = error.reason === undefined ? undefined : reasonMessages[error.reason];
    if (known) return t.t(known);
    if (error.status === 401) return t.t('adminErrorSignedOut');
    return error.message;
  }
  if (error instanceof TypeError) return t.t('adminNetworkError');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Focus around a modal `<dialog>`: on open, the element marked `autofocus` (or the first field);
 * on close, back to what opened it, or to `fallback()` when that is gone (a deleted row's button).
 */
export class DialogFocus {
  #opener: HTMLElement | null = null;

  open(dialog: HTMLDialogElement | null | undefined): void {
    if (!dialog) return;
    this.#opener = deepActiveElement();
    if (!dialog.open) dialog.showModal();
    const target =
      dialog.querySelector<HTMLElement>('[autofocus]') ??
      dialog.querySelector<HTMLElement>('input, select, textarea, button');
    target?.focus();
  }

  /** Closes `dialog`, then focuses what opened it if it is still on the page. */
  close(dialog: HTMLDialogElement | null | undefined, fallback?: () => HTMLElement | null | undefined): void {
    if (dialog?.open) dialog.close();
    this.restore(fallback);
  }

  /** After the dialog closed by itself (Escape). */
  restore(fallback?: () => HTMLElement | null | undefined): void {
    const opener = this.#opener;
    this.#opener = null;
    if (opener?.isConnected && !opener.closest('[inert]')) opener.focus();
    else fallback?.()?.focus();
  }
}

function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/** Copies `text`; answers whether the browser allowed it. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A date and time as the locale writes it. */
export const formatTime = (t: Localizer, iso: string) =>
  new Intl.DateTimeFormat(t.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** The look every screen shares: a heading row, a table, dialogs, messages. */
export const screenStyles = [
  tokens,
  shared,
  css`
    :host {
      display: block;
      padding: 16px 24px;
      color: var(--_text);
      background: var(--_bg);
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      margin-block-end: 12px;
    }
    h1 {
      margin: 0;
      font-size: 20px;
    }
    h2 {
      margin: 0;
      font-size: 16px;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    caption {
      text-align: start;
    }
    th,
    td {
      padding: 8px;
      border-bottom: 1px solid var(--_border);
      text-align: start;
      vertical-align: top;
      overflow-wrap: anywhere;
    }
    th {
      font-weight: 600;
      color: var(--_muted);
      font-size: 12px;
    }
    td.actions {
      white-space: nowrap;
      text-align: end;
    }
    td.actions .btn + .btn {
      margin-inline-start: 4px;
    }
    code {
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      font-size: 12px;
      overflow-wrap: anywhere;
    }
    .alert {
      color: var(--_danger);
      margin: 0;
    }
    .status {
      margin: 0 0 12px;
      min-height: 1.4em;
    }
    .empty,
    .loading {
      padding: 24px 8px;
      color: var(--_muted);
    }
    dialog {
      width: min(480px, calc(100vw - 32px));
      max-height: calc(100vh - 48px);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
      color: var(--_text);
      box-shadow: var(--_shadow);
      padding: 20px;
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.35);
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    label.field,
    .field {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .hint {
      color: var(--_muted);
      font-size: 12px;
    }
    fieldset {
      display: flex;
      flex-direction: column;
      gap: 6px;
      margin: 0;
      padding: 8px 10px;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) - 2px);
    }
    label.check {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .buttons {
      display: flex;
      justify-content: flex-end;
      gap: 6px;
    }
    .btn.danger {
      background: var(--_danger);
      color: #fff;
      border-color: transparent;
    }
    .secret {
      display: flex;
      gap: 6px;
      align-items: center;
    }
    .secret input {
      flex: 1;
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    }
    .badge {
      display: inline-block;
      padding: 0 6px;
      border-radius: 999px;
      background: var(--_surface);
      font-size: 12px;
    }
    .badge.off {
      color: var(--_danger);
    }
  `,
];
