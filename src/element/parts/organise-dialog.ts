import './folder-picker.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { deleteFiles, deleteFolder, startFolderJob, waitForJob } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile, MediaFolder } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { takenNames } from '../state/upload-conflicts.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { type Outcome, summary, transferFiles } from './organise.js';
import { emit } from './part-events.js';
import { trashDaysOf } from './used-in.js';

/** What the dialog is asked to do. */
export type OrganiseTask =
  | { kind: 'move' | 'copy' | 'delete'; files: MediaFile[] }
  | { kind: 'rename-folder' | 'move-folder' | 'delete-folder'; folder: MediaFolder };

const parentOf = (path: string) => path.replace(/\/[^/]+$/, '') || '/';

/**
 * The keyboard way to organise: Move to… / Copy to… with the folder tree to pick from (and a
 * search), asking first about files whose names the destination already has; Delete with a
 * confirmation naming what goes (focus on Cancel); folder rename and move (server jobs, with
 * progress until they finish). A native modal `<dialog>`: focus is trapped and Escape cancels;
 * closing it gives focus back to what opened it, or asks for the grid when that is gone.
 *
 * @fires organised - `{ folder?, text }`: something changed; reload `folder` in the tree.
 * @fires focus-grid - the dialog closed and what opened it is gone: focus belongs in the grid.
 */
export class OrganiseDialogElement extends LitElement {
  static override styles = [
    shared,
    css`
      dialog {
        width: min(440px, calc(100vw - 32px));
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      h2 {
        margin: 0;
        font-size: 15px;
      }
      p {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
        gap: 6px;
      }
      .danger {
        background: var(--_danger);
        color: #fff;
        border-color: transparent;
      }
      .alert {
        color: var(--_danger);
      }
      fieldset {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin: 0;
        padding: 0;
        border: 0;
      }
      ul {
        margin: 0;
        padding-inline-start: 20px;
        overflow-wrap: anywhere;
      }
      progress {
        width: 100%;
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  /** The folder the element is confined to; the picker offers it and what is below. */
  @property() root = '/';
  @state() private task: OrganiseTask | undefined;
  /** The destination chosen in the picker. */
  @state() private destination: string | undefined;
  /** Files whose names the destination already has (asked about before going on). */
  @state() private conflicts: MediaFile[] | undefined;
  /** Whether those become new versions of the files there (or are skipped). */
  @state() private replace = false;
  /** `[done, total]` while running; total 0 while a server job runs. */
  @state() private progress: [number, number] | undefined;
  @state() private result: string | undefined;
  @state() private error: string | undefined;
  /** Files in the folder about to be deleted. */
  @state() private count: number | undefined;
  /** Days a delete stays in the trash; 0 when deletes are final. */
  @state() private trashDays = 0;
  readonly #l10n = new LocalizeController(this);

  /** What had focus when the dialog opened, to give it back. */
  #opener: Element | null = null;

  /** Opens the dialog for `task`. */
  async open(task: OrganiseTask): Promise<void> {
    Object.assign(this, {
      task,
      destination: undefined,
      conflicts: undefined,
      replace: false,
      progress: undefined,
      result: undefined,
      error: undefined,
      count: undefined,
      trashDays: 0,
    });
    this.#opener = deepActiveElement();
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')!.showModal();
    this.#focus(task.kind.startsWith('delete') ? '.cancel' : 'ml-folder-picker, input, .buttons .primary');
    const client = this.client;
    if (client && task.kind.startsWith('delete')) {
      void trashDaysOf(client).then((days) => {
        this.trashDays = days;
      });
    }
    if (task.kind !== 'delete-folder' || !client) return;
    try {
      const inside = await client.listAssets({
        searchQuery: `path : "${task.folder.folderPath}/"`,
        limit: 1000,
      });
      this.count = inside.filter((a) => a.type !== 'folder').length;
    } catch (failure) {
      this.error = toMediaError(failure).message;
    }
  }

  async #focus(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #closed(): void {
    // A close event that arrives after the dialog was opened again belongs to the last task.
    if (this.renderRoot.querySelector('dialog')?.open) return;
    // What was deleted or moved away takes the panel that opened the dialog with it: focus goes to the grid.
    const gone = this.result !== undefined && /^(delete|move)/.test(this.task?.kind ?? '');
    this.task = undefined;
    if (!gone && this.#opener?.isConnected) (this.#opener as HTMLElement).focus();
    else emit(this, 'focus-grid');
    this.#opener = null;
  }

  override render() {
    return html`<dialog aria-labelledby="title" @close=${this.#closed}>${this.task ? this.#renderTask(this.task) : nothing}</dialog>`;
  }

  #renderTask(task: OrganiseTask): TemplateResult {
    const l = this.#l10n.value;
    const running = this.progress !== undefined && this.result === undefined;
    let title: string;
    let body: TemplateResult | string;
    let action: string;
    let danger = false;
    switch (task.kind) {
      case 'move':
      case 'copy':
      case 'move-folder':
        title = task.kind === 'copy' ? l.t('copyTo') : l.t('moveTo');
        action = task.kind === 'copy' ? l.t('copyAction') : l.t('moveAction');
        body = html`<p>${'files' in task ? task.files.map((f) => f.name).join(', ') : task.folder.name}</p>
          <ml-folder-picker
            role="group"
            aria-label=${l.t('destination')}
            .client=${this.client}
            .root=${this.root}
            .reveal=${parentOf('files' in task ? task.files[0]!.filePath : task.folder.folderPath)}
            .picked=${this.destination}
            ?inert=${running}
            @pick=${(e: CustomEvent<{ path: string }>) => {
              this.destination = e.detail.path;
              this.conflicts = undefined;
            }}
          ></ml-folder-picker>
          <p>${
            this.destination
              ? l.t('destinationIs', { folder: this.#folderName(this.destination) })
              : l.t('chooseFolder')
          }</p>
          ${this.conflicts ? this.#renderConflicts(this.conflicts, this.destination!) : nothing}
          ${task.kind === 'move' ? html`<ml-usage-warning .client=${this.client} .files=${task.files} action="move"></ml-usage-warning>` : nothing}`;
        break;
      case 'delete':
        title = l.t('deleteAction');
        action = l.t('deleteAction');
        danger = true;
        body = html`<p>${l.t(this.trashDays > 0 ? 'trashFilesAsk' : 'deleteFiles', { count: task.files.length, names: task.files.map((f) => f.name).join(', '), days: this.trashDays })}</p>
          <ml-usage-warning .client=${this.client} .files=${task.files} action="delete"></ml-usage-warning>`;
        break;
      case 'delete-folder':
        title = l.t('deleteAction');
        action = l.t('deleteAction');
        danger = true;
        body =
          this.count === undefined
            ? html`<p>${l.t('loading')}</p>`
            : html`<p>${
                this.trashDays > 0 && this.count > 0
                  ? l.t('trashFolderAsk', { name: task.folder.name, count: this.count, days: this.trashDays })
                  : this.count === 0
                    ? l.t('deleteFolderEmpty', { name: task.folder.name })
                    : l.t('deleteFolderAsk', { name: task.folder.name, count: this.count })
              }</p>`;
        break;
      default:
        title = l.t('renameFolder');
        action = l.t('save');
        body = html`<label for="new-name">${l.t('newName')}</label>
          <input id="new-name" name="name" required autocomplete="off" maxlength="255" .value=${task.folder.name} />`;
    }
    return html`<form method="dialog" novalidate @submit=${this.#submit}>
      <h2 id="title">${title}</h2>
      ${body}
      ${
        this.progress
          ? html`<progress
              aria-label=${l.t('progress', { done: this.progress[0], total: this.progress[1] })}
              max=${this.progress[1] || nothing}
              value=${this.progress[1] ? this.progress[0] : nothing}
            ></progress>
            <p role="status">
              ${this.result ?? (this.progress[1] ? l.t('progress', { done: this.progress[0], total: this.progress[1] }) : l.t('working'))}
            </p>`
          : nothing
      }
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <div class="buttons">
        ${
          this.result === undefined
            ? html`<button class="btn cancel" type="button" ?disabled=${running} @click=${this.#close}>${l.t('cancel')}</button>
                <button class=${danger ? 'btn danger' : 'btn primary'} type="submit"
                  ?disabled=${running || (this.#picking(task) && !this.destination)}>${action}</button>`
            : html`<button class="btn primary" type="button" @click=${this.#close}>${l.t('close')}</button>`
        }
      </div>
    </form>`;
  }

  #close(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  /** Whether the task needs a destination. */
  #picking(task: OrganiseTask): boolean {
    return task.kind === 'move' || task.kind === 'copy' || task.kind === 'move-folder';
  }

  #folderName(path: string): string {
    return path === '/' ? this.#l10n.value.t('rootFolder') : path;
  }

  #renderConflicts(files: MediaFile[], folder: string): TemplateResult {
    const l = this.#l10n.value;
    const choice = (replace: boolean) => html`<label>
      <input type="radio" name="conflict" .checked=${this.replace === replace}
        @change=${() => {
          this.replace = replace;
        }} />
      ${l.t(replace ? 'conflictNewVersion' : 'conflictSkipThem', { count: files.length })}
    </label>`;
    return html`<fieldset>
      <legend>${l.t('alreadyThere', { count: files.length, folder: this.#folderName(folder) })}</legend>
      <ul>${files.map((f) => html`<li>${f.name}</li>`)}</ul>
      ${choice(false)} ${choice(true)}
    </fieldset>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { task, client } = this;
    if (!task || !client || this.progress) return;
    const l = this.#l10n.value;
    const form = event.target as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const step = (done: number, total: number) => {
      this.progress = [done, total];
    };
    this.error = undefined;
    try {
      let text = '';
      let folder: string | undefined;
      if (task.kind === 'move' || task.kind === 'copy') {
        const destination = this.destination;
        if (!destination) return;
        if (!this.conflicts) {
          // Copying or moving onto a name that is there makes the file a new version of that one: ask first.
          const taken = await takenNames(
            client,
            destination,
            task.files.map((f) => f.name),
          );
          const clash = task.files.filter((f) => taken.has(f.name));
          if (clash.length) {
            this.conflicts = clash;
            return this.#focus('input[name="conflict"]');
          }
        }
        const skipped = this.replace ? [] : (this.conflicts ?? []);
        const files = task.files.filter((f) => !skipped.includes(f));
        const outcome = await transferFiles(client, task.kind, files, destination, step);
        const done = task.kind === 'move' ? 'moved' : 'copiedTo';
        text = summary(l, done, outcome, this.#folderName(destination), skipped);
      } else if (task.kind === 'delete') {
        step(0, task.files.length);
        const result = await deleteFiles(
          client,
          task.files.map((f) => f.fileId),
        );
        const deleted = new Set(result.successfullyDeletedFileIds ?? []);
        const outcome: Outcome = {
          done: deleted.size,
          failed: task.files
            .filter((f) => !deleted.has(f.fileId))
            .map((f) => ({ name: f.name, message: 'not found' })),
        };
        step(task.files.length, task.files.length);
        text = summary(l, 'deleted', outcome);
      } else if ('folder' in task) {
        const path = task.folder.folderPath;
        folder = parentOf(path);
        step(0, 0);
        if (task.kind === 'delete-folder') {
          await deleteFolder(client, path);
          text = l.t('folderDeleted', { name: task.folder.name });
        } else {
          const name = field('name').trim();
          const destination = this.destination ?? '';
          const { jobId } = await startFolderJob(
            client,
            task.kind === 'rename-folder'
              ? { folderPath: path, newFolderName: name }
              : { sourceFolderPath: path, destinationPath: destination },
          );
          const job = await waitForJob(client, jobId);
          if (job.status === 'Failed') throw new Error(job.error ?? job.status);
          text =
            task.kind === 'rename-folder'
              ? l.t('folderRenamed', { name })
              : l.t('folderMoved', { folder: destination });
          // The destination's children changed too.
          if (task.kind === 'move-folder') emit(this, 'organised', { folder: destination, text });
        }
        step(1, 1);
      }
      this.result = text;
      emit(this, 'organised', { folder, text });
      void this.#focus('.buttons .primary');
    } catch (failure) {
      this.progress = undefined;
      this.error = toMediaError(failure).message;
    }
  }
}

customElements.get('ml-organise-dialog') ||
  customElements.define('ml-organise-dialog', OrganiseDialogElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-organise-dialog': OrganiseDialogElement;
  }
}

/** The focused element, inside shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
