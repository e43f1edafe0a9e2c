import '../i18n/en-comments.js';
import './comment-composer.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import {
  addComment,
  editComment,
  listComments,
  removeComment,
  resolveThread,
  watchFile,
} from '../../client/comments.js';
import type { MediaClient } from '../../client/media-client.js';
import type { Comment, CommentAnchor, CommentThreads } from '../../shared/comments.js';
import type { MediaFile } from '../../shared/wire.js';
import { property, state } from '../decorators.js';
import { formatDate } from '../i18n/format.js';
import type { Localizer } from '../i18n/localize.js';
import { shared } from '../styles/shared.js';
import type { CommentComposerElement, ComposedComment } from './comment-composer.js';
import { LocalizeController } from './localized.js';
import { toMediaError } from './media-error.js';
import { withTransform } from './thumbnails.js';

/** Links in a comment become links; everything else stays text (never HTML). */
const linkPattern = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

function renderText(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(linkPattern)) {
    parts.push(text.slice(last, match.index));
    parts.push(html`<a href=${match[0]} target="_blank" rel="noopener noreferrer">${match[0]}</a>`);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** The step the arrow keys move a pin being placed: 5 % of the image, 1 % with Shift. */
const pinStep = (event: KeyboardEvent) => (event.shiftKey ? 0.01 : 0.05);
const clamp = (v: number) => Math.min(1, Math.max(0, v));

/**
 * A file's comments: threads with replies, a composer with `@`-mentions, pins on the image
 * (click it, or arrow keys and Enter, to place one), resolve and reopen, edit and delete your own.
 * Loaded lazily with the details panel's Comments tab.
 *
 * @fires comments-count - `{ count, open }` whenever the threads are (re)loaded
 */
export class CommentsPanelElement extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .preview {
        position: relative;
        margin: 0 0 10px;
        line-height: 0;
        border-radius: calc(var(--_radius) - 2px);
        overflow: hidden;
        background: var(--_surface);
      }
      .preview img {
        width: 100%;
        height: auto;
        max-height: 260px;
        object-fit: contain;
      }
      .preview.placing {
        cursor: crosshair;
        outline: 2px dashed var(--_accent);
      }
      .pin {
        position: absolute;
        translate: -50% -50%;
        min-width: 22px;
        height: 22px;
        padding: 0 5px;
        border: 2px solid #fff;
        border-radius: 11px;
        background: var(--_accent);
        color: var(--_on-accent);
        font-size: 11px;
        font-weight: 700;
        line-height: 18px;
        cursor: pointer;
      }
      .pin.rect {
        translate: none;
        border-radius: 2px;
        background: color-mix(in srgb, var(--_accent) 20%, transparent);
        border-color: var(--_accent);
        color: var(--_text);
      }
      .pin.resolved {
        opacity: 0.5;
      }
      .pin.draft {
        background: var(--_danger, #c00);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      ol ol {
        margin-top: 8px;
        padding-inline-start: 14px;
        border-inline-start: 2px solid var(--_border);
      }
      article[data-linked]:focus {
        outline: 2px solid var(--_accent);
        outline-offset: 4px;
        border-radius: 2px;
      }
      article.resolved > .text {
        color: var(--_muted);
      }
      .meta {
        color: var(--_muted);
        font-size: 12px;
      }
      .author {
        font-weight: 600;
        color: var(--_text);
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 2px 0 4px;
      }
      .deleted {
        font-style: italic;
        color: var(--_muted);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .actions .btn {
        min-height: 26px;
        padding: 0 8px;
        font-size: 12px;
      }
      .composer {
        margin-top: 14px;
      }
      .bar {
        display: flex;
        gap: 6px;
        justify-content: space-between;
        align-items: center;
        margin-bottom: 8px;
      }
      .alert {
        color: var(--_danger);
      }
      .hint {
        color: var(--_muted);
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) file: MediaFile | undefined;
  @property({ attribute: false }) client: MediaClient | undefined;
  /** Which comment to show first (a notification's link). */
  @property({ attribute: false }) focusComment: string | undefined;
  @state() private data: CommentThreads | undefined;
  @state() private loading = false;
  @state() private error: string | undefined;
  /** The signed-in user's id (`/_ml/me`); undefined: no person, so no writing. */
  @state() private me: string | null | undefined;
  @state() private replyTo: string | undefined;
  @state() private editing: string | undefined;
  @state() private busy = false;
  @state() private status: { text: string; error: boolean } | undefined;
  /** The pin of the comment being written. */
  @state() private pin: CommentAnchor | null = null;
  @state() private placing = false;
  readonly #l10n = new LocalizeController(this);
  #loadedFor = '';
  #generation = 0;

  protected override willUpdate(): void {
    const key = this.file && this.client ? this.file.fileId : '';
    if (key !== this.#loadedFor) {
      this.#loadedFor = key;
      this.data = undefined;
      this.pin = null;
      this.placing = false;
      this.replyTo = this.editing = undefined;
      void this.reload();
    }
  }

  /** Reads the threads again (after a write, or when a notification says there is news). */
  async reload(): Promise<void> {
    const { file, client } = this;
    if (!file || !client) return;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = undefined;
    try {
      const [data, me] = await Promise.all([
        listComments(client, file.fileId),
        this.me === undefined
          ? client
              .request<{ user: { id: string } | null }>('GET', '/_ml/me')
              .then((answer) => answer.user?.id ?? null)
              .catch(() => null)
          : Promise.resolve(this.me),
      ]);
      if (generation !== this.#generation) return;
      this.data = data;
      this.me = me;
      this.dispatchEvent(
        new CustomEvent('comments-count', { detail: { count: data.count, open: data.open }, bubbles: true }),
      );
    } catch (failure) {
      if (generation === this.#generation) this.error = toMediaError(failure).message;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async #write(work: () => Promise<unknown>, done?: string): Promise<boolean> {
    this.busy = true;
    this.status = undefined;
    try {
      const result = (await work()) as
        | { unreachableMentions?: Array<{ name?: string; id: string }> }
        | undefined;
      const unreachable = result?.unreachableMentions ?? [];
      const l = this.#l10n.value;
      this.status =
        unreachable.length > 0
          ? {
              text: l.t('commentUnreachable', { names: unreachable.map((m) => m.name ?? m.id).join(', ') }),
              error: true,
            }
          : done
            ? { text: done, error: false }
            : undefined;
      await this.reload();
      return true;
    } catch (failure) {
      this.status = {
        text: this.#l10n.value.t('commentFailed', { message: toMediaError(failure).message }),
        error: true,
      };
      return false;
    } finally {
      this.busy = false;
    }
  }

  async #post(event: CustomEvent<ComposedComment>, parentId?: string): Promise<void> {
    const composer = event.target as CommentComposerElement;
    const { file, client } = this;
    if (!file || !client) return;
    const ok = await this.#write(
      () =>
        addComment(client, file.fileId, {
          ...event.detail,
          versionId: file.versionInfo.id,
          ...(parentId ? { parentId } : this.pin ? { anchor: this.pin } : {}),
        }),
      this.#l10n.value.t('commentPosted'),
    );
    if (!ok) return;
    composer.clear();
    if (parentId) this.replyTo = undefined;
    else {
      this.pin = null;
      this.placing = false;
    }
  }

  async #save(event: CustomEvent<ComposedComment>, comment: Comment): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (await this.#write(() => editComment(client, comment.id, event.detail))) this.editing = undefined;
  }

  async #delete(comment: Comment): Promise<void> {
    const client = this.client;
    if (!client || !confirm(this.#l10n.value.t('commentDeleteConfirm'))) return;
    await this.#write(() => removeComment(client, comment.id));
  }

  async #toggleWatch(): Promise<void> {
    const { file, client, data } = this;
    if (!file || !client || !data) return;
    await this.#write(() => watchFile(client, file.fileId, !data.watching));
  }

  /** Where on the image a click landed, 0–1. */
  #placeAt(event: MouseEvent): void {
    if (!this.placing) return;
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    this.pin = {
      x: Math.round(clamp((event.clientX - box.left) / box.width) * 1000) / 1000,
      y: Math.round(clamp((event.clientY - box.top) / box.height) * 1000) / 1000,
    };
    this.placing = false;
    this.renderRoot.querySelector<CommentComposerElement>('#new-comment')?.focus();
  }

  /** The keyboard way to place a pin: arrows move it, Enter keeps it, Escape gives up. */
  #placeKeys = (event: KeyboardEvent): void => {
    if (!this.placing) return;
    const pin = this.pin ?? { x: 0.5, y: 0.5 };
    const step = pinStep(event);
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      this.pin = { x: clamp(pin.x + move[0]), y: clamp(pin.y + move[1]) };
    } else if (event.key === 'Enter') {
      event.preventDefault();
      this.pin = pin;
      this.placing = false;
      this.renderRoot.querySelector<CommentComposerElement>('#new-comment')?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.placing = false;
      this.pin = null;
    }
  };

  #startPlacing(): void {
    this.placing = true;
    this.pin ??= { x: 0.5, y: 0.5 };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.preview')?.focus());
  }

  /**
   * Focuses a comment (a link's, a pin's): ringed like keyboard focus even after a click, since
   * it is where the user was sent, until the focus moves on.
   */
  #showThread(id: string): void {
    const comment = this.renderRoot.querySelector<HTMLElement>(`#comment-${CSS.escape(id)}`);
    if (!comment) return;
    comment.dataset.linked = '';
    comment.addEventListener('blur', () => delete comment.dataset.linked, { once: true });
    comment.focus();
  }

  protected override updated(): void {
    if (this.focusComment && this.data) {
      const id = this.focusComment;
      this.focusComment = undefined;
      this.#showThread(id);
    }
  }

  override render() {
    const l = this.#l10n.value;
    const { data, file } = this;
    if (!file) return nothing;
    const threads = data?.threads ?? [];
    return html`
      ${this.#renderPreview(l, file, threads)}
      ${
        data && this.me
          ? html`<div class="bar"><span class="hint">${l.t('commentOpenThreads', { count: data.open })}</span>
            <button class="btn ghost" type="button" aria-pressed=${String(data.watching)} @click=${this.#toggleWatch}>
              ${data.watching ? l.t('commentUnwatch') : l.t('commentWatch')}</button></div>`
          : nothing
      }
      ${
        this.error
          ? html`<p class="alert" role="alert">${l.t('commentsFailed', { message: this.error })}
            <button class="btn" type="button" @click=${() => this.reload()}>${l.t('retry')}</button></p>`
          : nothing
      }
      <div role="status" class=${this.status?.error ? 'alert' : 'hint'}>${
        this.loading && !data ? l.t('commentsLoading') : (this.status?.text ?? nothing)
      }</div>
      ${
        data && threads.length === 0
          ? html`<p class="hint">${l.t('commentsEmpty')}</p>`
          : html`<ol aria-label=${l.t('tabComments')}>${threads.map((t, i) => this.#renderThread(l, t, i + 1))}</ol>`
      }
      ${
        this.me
          ? html`<div class="composer">
              <ml-comment-composer id="new-comment" .client=${this.client} label=${l.t('commentLabel')}
                placeholder=${l.t('commentPlaceholder')} ?busy=${this.busy}
                @composer-submit=${(e: CustomEvent<ComposedComment>) => this.#post(e)}>
                ${
                  file.fileType === 'image'
                    ? this.pin && !this.placing
                      ? html`<button class="btn ghost" type="button" @click=${() => {
                          this.pin = null;
                        }}>${l.t('commentPinRemove')}</button>`
                      : html`<button class="btn ghost" type="button" aria-pressed=${String(this.placing)}
                          @click=${this.#startPlacing}>${l.t('commentPin')}</button>`
                    : nothing
                }
              </ml-comment-composer>
            </div>`
          : data && this.me === null
            ? html`<p class="hint">${l.t('commentsSignIn')}</p>`
            : nothing
      }`;
  }

  #renderPreview(l: Localizer, file: MediaFile, threads: Comment[]): TemplateResult | typeof nothing {
    if (file.fileType !== 'image') return nothing;
    const numbered = threads.map((t, i) => [t, i + 1] as const).filter(([t]) => t.anchor && !t.deleted);
    const pinStyle = (a: CommentAnchor) =>
      `left:${a.x * 100}%;top:${a.y * 100}%;${a.width !== undefined ? `width:${a.width * 100}%;height:${(a.height ?? 0) * 100}%;` : ''}`;
    return html`<div class="preview ${this.placing ? 'placing' : ''}" role="group"
        aria-label=${l.t('commentPreview')} tabindex=${this.placing ? 0 : -1}
        aria-describedby=${this.placing ? 'pin-help' : nothing}
        @click=${this.#placeAt} @keydown=${this.#placeKeys}>
        <img src=${withTransform(file.url, 'w-600,h-600,c-at_max')} alt="" draggable="false" />
        ${numbered.map(
          ([
            t,
            n,
          ]) => html`<button type="button" class="pin ${t.anchor!.width !== undefined ? 'rect' : ''} ${t.resolved ? 'resolved' : ''}"
            style=${pinStyle(t.anchor!)} aria-label=${l.t('commentPinLabel', { number: n, text: t.text.slice(0, 60) })}
            @click=${(e: Event) => {
              e.stopPropagation();
              this.#showThread(t.id);
            }}>${n}</button>`,
        )}
        ${
          this.pin
            ? html`<span class="pin draft" style=${pinStyle(this.pin)} role="img"
                aria-label=${l.t('commentPinAt', { x: Math.round(this.pin.x * 100), y: Math.round(this.pin.y * 100) })}>+</span>`
            : nothing
        }
      </div>
      ${this.placing ? html`<p id="pin-help" class="hint">${l.t('commentPinHelp')}</p>` : nothing}`;
  }

  #renderThread(l: Localizer, thread: Comment, number: number): TemplateResult {
    return html`<li>
      ${this.#renderComment(l, thread, number)}
      ${
        thread.replies && thread.replies.length > 0
          ? html`<ol>${thread.replies.map((r) => html`<li>${this.#renderComment(l, r)}</li>`)}</ol>`
          : nothing
      }
      ${
        this.replyTo === thread.id
          ? html`<ml-comment-composer .client=${this.client} cancellable ?busy=${this.busy}
              label=${l.t('commentReplyLabel', { name: thread.author.name })} placeholder=${l.t('commentReplyPlaceholder')}
              submit-label=${l.t('commentReply')}
              @composer-submit=${(e: CustomEvent<ComposedComment>) => this.#post(e, thread.id)}
              @composer-cancel=${() => {
                this.replyTo = undefined;
              }}></ml-comment-composer>`
          : nothing
      }
    </li>`;
  }

  #renderComment(l: Localizer, comment: Comment, number?: number): TemplateResult {
    const own = this.me !== null && this.me === comment.author.id && !comment.deleted;
    const thread = comment.parentId === null;
    if (this.editing === comment.id) {
      return html`<ml-comment-composer .client=${this.client} cancellable ?busy=${this.busy} .value=${comment.text}
        label=${l.t('commentEdit')} submit-label=${l.t('commentSave')}
        @composer-submit=${(e: CustomEvent<ComposedComment>) => this.#save(e, comment)}
        @composer-cancel=${() => {
          this.editing = undefined;
        }}></ml-comment-composer>`;
    }
    return html`<article id=${`comment-${comment.id}`} tabindex="-1" class=${comment.resolved ? 'resolved' : ''}
        aria-label=${`${comment.author.name}, ${formatDate(l, comment.createdAt)}`}>
      <div class="meta">
        ${number !== undefined && comment.anchor ? html`<strong>#${number}</strong> ` : nothing}
        <span class="author">${comment.author.name}</span> ·
        <time datetime=${comment.createdAt}>${formatDate(l, comment.createdAt)}</time>
        ${comment.editedAt ? html` <span>${l.t('commentEdited')}</span>` : nothing}
        ${comment.resolved && comment.resolvedBy ? html` · ${l.t('commentResolved', { name: comment.resolvedBy.name })}` : nothing}
      </div>
      ${
        comment.deleted
          ? html`<p class="text deleted">${l.t('commentDeleted')}</p>`
          : html`<p class="text">${renderText(comment.text)}</p>`
      }
      ${
        this.me && !comment.deleted
          ? html`<div class="actions">
              ${
                thread
                  ? html`<button class="btn ghost" type="button" @click=${() => {
                      this.replyTo = comment.id;
                    }}>${l.t('commentReply')}</button>
                    <button class="btn ghost" type="button" ?disabled=${this.busy}
                      @click=${() => this.#write(() => resolveThread(this.client!, comment.id, !comment.resolved))}>
                      ${comment.resolved ? l.t('commentReopen') : l.t('commentResolve')}</button>`
                  : nothing
              }
              ${
                own
                  ? html`<button class="btn ghost" type="button" @click=${() => {
                      this.editing = comment.id;
                    }}>${l.t('commentEdit')}</button>
                    <button class="btn ghost" type="button" @click=${() => this.#delete(comment)}>${l.t('commentDelete')}</button>`
                  : nothing
              }
            </div>`
          : thread && this.me && comment.deleted
            ? html`<div class="actions"><button class="btn ghost" type="button" @click=${() => {
                this.replyTo = comment.id;
              }}>${l.t('commentReply')}</button></div>`
            : nothing
      }
    </article>`;
  }
}

customElements.get('ml-comments-panel') || customElements.define('ml-comments-panel', CommentsPanelElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-comments-panel': CommentsPanelElement;
  }
}
