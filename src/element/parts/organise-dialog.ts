import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { deleteFiles, deleteFolder, startFolderJob, waitForJob } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFile, MediaFolder } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { shared } from '../styles/shared.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { folderPaths, type Outcome, summary, transferFiles } from './organise.js';
import { emit } from './part-events.js';

/** What the dialog is asked to do. */
export type OrganiseTask =
  | { kind: 'move' | 'copy' | 'delete'; files: MediaFile[] }
  | { kind: 'rename-folder' | 'move-folder' | 'delete-folder'; folder: MediaFolder };

const parentOf = (path: string) => path.replace(/\/[^/]+$/, '') || '/';

/**
 * The keyboard way to organise: Move to… / Copy to… with a folder picker, Delete with a
 * confirmation naming what goes, folder rename and move (server jobs, with progress until they
 * finish). A native modal `<dialog>`: focus is trapped and Escape cancels.
 *
 * @fires organised - `{ folder?, text }`: something changed; reload `folder` in the tree.
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
      progress {
        width: 100%;
      }
    `,
  ];

  @property({ attribute: false }) client: MediaClient | undefined;
  /** The folder the element is confined to; the picker offers it and what is below. */
  @property() root = '/';
  @state() private task: OrganiseTask | undefined;
  @state() private folders: string[] | undefined;
  /** `[done, total]` while running; total 0 while a server job runs. */
  @state() private progress: [number, number] | undefined;
  @state() private result: string | undefined;
  @state() private error: string | undefined;
  /** Files in the folder about to be deleted. */
  @state() private count: number | undefined;
  readonly #l10n = new LocalizeController(this);

  /** Opens the dialog for `task`. */
  async open(task: OrganiseTask): Promise<void> {
    Object.assign(this, { task, progress: undefined, result: undefined, error: undefined, count: undefined });
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')!.showModal();
    const client = this.client;
    if (!client) return;
    try {
      if (task.kind === 'move' || task.kind === 'copy' || task.kind === 'move-folder') {
        this.folders = await folderPaths(client, this.root);
      } else if (task.kind === 'delete-folder') {
        const inside = await client.listAssets({
          searchQuery: `path : "${task.folder.folderPath}/"`,
          limit: 1000,
        });
        this.count = inside.filter((a) => a.type !== 'folder').length;
      }
    } catch (failure) {
      this.error = toMediaError(failure).message;
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('select, input, .buttons .primary, .buttons .danger')?.focus();
  }

  override render() {
    return html`<dialog aria-labelledby="title" @close=${() => {
      this.task = undefined;
    }}>${this.task ? this.#renderTask(this.task) : nothing}</dialog>`;
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
          <label for="destination">${l.t('destination')}</label>
          <select id="destination" name="destination" ?disabled=${!this.folders || running}>
            ${(this.folders ?? []).map(
              (path) =>
                html`<option value=${path}>${path === this.root && path === '/' ? l.t('rootFolder') : path}</option>`,
            )}
          </select>`;
        break;
      case 'delete':
        title = l.t('deleteAction');
        action = l.t('deleteAction');
        danger = true;
        body = html`<p>${l.t('deleteFiles', { count: task.files.length, names: task.files.map((f) => f.name).join(', ') })}</p>`;
        break;
      case 'delete-folder':
        title = l.t('deleteAction');
        action = l.t('deleteAction');
        danger = true;
        body =
          this.count === undefined
            ? html`<p>${l.t('loading')}</p>`
            : html`<p>${
                this.count === 0
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
            ? html`<button class="btn" type="button" ?disabled=${running} @click=${this.#close}>${l.t('cancel')}</button>
                <button class=${danger ? 'btn danger' : 'btn primary'} type="submit" ?disabled=${running}>${action}</button>`
            : html`<button class="btn primary" type="button" @click=${this.#close}>${l.t('close')}</button>`
        }
      </div>
    </form>`;
  }

  #close(): void {
    this.renderRoot.querySelector('dialog')?.close();
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
        const destination = field('destination');
        const outcome = await transferFiles(client, task.kind, task.files, destination, step);
        text = summary(l, task.kind === 'move' ? 'moved' : 'copiedTo', outcome, destination);
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
          const destination = field('destination');
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
