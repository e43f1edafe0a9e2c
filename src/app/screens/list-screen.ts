import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from '../../element/decorators.js';
import type { MessageKey } from '../../element/i18n/en.js';
import { DialogFocus, failureText, ScreenLocalizer, screenStyles } from './screen-kit.js';

/** A list screen's messages: its title, its add button, and what an empty list says. */
export interface ListScreenText {
  title: MessageKey;
  add: MessageKey;
  empty: MessageKey;
}

/**
 * What the admin screens that list things share (users, groups, keys, metadata fields): the list
 * with its loading, failure and empty states, a status line, and one modal dialog at a time with
 * focus taken into it and given back. A screen says how it fetches its items, what its dialog's
 * form resets to when it opens, and renders its table and its dialog.
 */
export abstract class ListScreen<Item, Dialog> extends LitElement {
  static override styles = screenStyles;

  /** The language to speak (BCP 47); the page's `lang` when empty. */
  @property() locale = '';

  @state() protected items: Item[] | undefined;
  @state() protected loadError = '';
  @state() protected status = '';
  @state() protected dialog: Dialog | undefined;
  @state() protected dialogError = '';
  @state() protected busy = false;

  protected readonly localizer = new ScreenLocalizer(this);
  readonly #focus = new DialogFocus();

  protected abstract readonly text: ListScreenText;
  protected abstract fetchItems(): Promise<Item[]>;
  protected abstract renderTable(items: Item[]): TemplateResult;
  protected abstract renderDialog(): TemplateResult | typeof nothing;

  /** Resets the dialog's own state (its form's choices) before `dialog` opens. */
  protected prepareDialog(_dialog: Dialog): void {}

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** Reads the list again. */
  async load(): Promise<void> {
    this.loadError = '';
    try {
      this.items = await this.fetchItems();
    } catch (error) {
      this.loadError = failureText(this.localizer.value, error);
    }
  }

  /** Between openDialog's start and its showModal. */
  #opening = false;

  protected get dialogElement(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected async openDialog(dialog: Dialog): Promise<void> {
    this.#opening = true;
    // The last dialog's content is dropped first (its close event may not have come yet): a new
    // one starts from fresh fields, not with what was typed into the last.
    if (this.dialog !== undefined) {
      this.dialog = undefined;
      await this.updateComplete;
    }
    this.dialog = dialog;
    this.dialogError = '';
    this.prepareDialog(dialog);
    await this.updateComplete;
    this.#opening = false;
    this.#focus.open(this.dialogElement);
  }

  /** Runs a dialog's submit, one at a time; a failure shows (and takes focus) in the dialog. */
  protected async submitting(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.dialogError = '';
    try {
      await work();
    } catch (error) {
      this.dialogError = failureText(this.localizer.value, error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('dialog .alert')?.focus();
    } finally {
      this.busy = false;
    }
  }

  /** The dialog's failure line, and its Cancel and submit buttons (Cancel first, focused, when `danger`). */
  protected dialogParts(): {
    error: TemplateResult | typeof nothing;
    buttons: (submit: string, danger?: boolean) => TemplateResult;
  } {
    const t = this.localizer.value;
    return {
      error: this.dialogError
        ? html`<p class="alert" role="alert" tabindex="-1">${this.dialogError}</p>`
        : nothing,
      buttons: (submit, danger = false) => html`<div class="buttons">
      <button class="btn cancel" type="button" ?autofocus=${danger} @click=${() => this.closeDialog()}>${t.t('adminCancel')}</button>
      <button class="btn ${danger ? 'danger' : 'primary'} submit" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>${submit}</button>
    </div>`,
    };
  }

  protected closeDialog(): void {
    this.dialogElement?.close();
  }

  async #closed(): Promise<void> {
    // The close event comes a task after close(): a dialog being opened or shown again meanwhile
    // (Enter on Add right after a save) is not the one that closed.
    if (this.#opening || this.dialogElement?.open) return;
    this.dialog = undefined;
    await this.updateComplete;
    this.#focus.restore(() => this.renderRoot.querySelector<HTMLElement>('.add'));
  }

  override render() {
    const t = this.localizer.value;
    return html`
      <div class="screen" lang=${t.lang} dir=${t.dir}>
      <div class="head">
        <h1 id="title">${t.t(this.text.title)}</h1>
        <button class="btn primary add" type="button" @click=${() => this.openDialog(this.createDialog())}>
          ${t.t(this.text.add)}
        </button>
      </div>
      <p class="status" role="status">${this.status}</p>
      ${this.#renderList()}
      <dialog aria-labelledby="dialog-title" @close=${this.#closed}>${this.renderDialog()}</dialog>
      </div>
    `;
  }

  /** The dialog the add button opens. */
  protected abstract createDialog(): Dialog;

  #renderList(): TemplateResult {
    const t = this.localizer.value;
    if (this.loadError) {
      return html`<div role="alert">
        <p class="alert">${t.t('adminLoadFailed', { message: this.loadError })}</p>
        <button class="btn" type="button" @click=${() => this.load()}>${t.t('adminRetry')}</button>
      </div>`;
    }
    if (!this.items) return html`<p class="loading" role="status">${t.t('adminLoading')}</p>`;
    if (this.items.length === 0) return html`<p class="empty">${t.t(this.text.empty)}</p>`;
    return this.renderTable(this.items);
  }
}
