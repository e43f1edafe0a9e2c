import nodemailer from 'nodemailer';
import type { NotificationKind } from '../../shared/comments.js';
import type { NotificationConfig } from '../config.js';
import type { NotificationRecord, Store } from '../store/store.js';

/** Notifications one run of the mailer takes from the queue at most. */
const runSize = 500;

const headlines: Record<NotificationKind, (r: NotificationRecord) => string> = {
  mention: (r) => `${r.actorName} mentioned you`,
  comment: (r) => `${r.actorName} commented on a file you watch`,
  reply: (r) => `${r.actorName} replied`,
  resolved: (r) => `${r.actorName} resolved your thread`,
  share: (r) => `${r.actorName} shared ${r.excerpt} with you`,
  upload: (r) => `${r.actorName} uploaded ${r.excerpt}`,
};

/** Where a notification opens in the DAM app: the file and, for comments, the comment. Never a token. */
export function notificationLink(
  appUrl: string,
  record: Pick<NotificationRecord, 'fileId' | 'commentId' | 'folder'>,
): string {
  const url = new URL('/app/', appUrl);
  if (record.fileId) url.searchParams.set('file', record.fileId);
  else if (record.folder) url.searchParams.set('folder', record.folder);
  if (record.commentId) url.searchParams.set('comment', record.commentId);
  return url.href;
}

/**
 * Notification emails through SMTP (nodemailer): right away for users who chose `immediate`,
 * once per `digestIntervalMs` for `daily`. Rows are marked emailed before sending, so two nodes
 * never send the same notification twice (a failed send is logged, not retried).
 */
export class NotificationMailer {
  readonly #store: Store;
  readonly #config: NotificationConfig;
  readonly #transport?: nodemailer.Transporter;
  #appUrl = 'http://localhost/';
  #timer?: NodeJS.Timeout;
  #running: Promise<void> = Promise.resolve();
  onError: (error: unknown) => void = () => {};

  constructor(store: Store, config: NotificationConfig) {
    this.#store = store;
    this.#config = config;
    if (config.smtpUrl) this.#transport = nodemailer.createTransport(config.smtpUrl);
  }

  get enabled(): boolean {
    return this.#transport !== undefined;
  }

  /** Starts the daily digests; links point at `appUrl` (the server's public origin). */
  start(appUrl: string): void {
    this.#appUrl = appUrl;
    if (!this.#transport) return;
    this.#timer = setInterval(() => this.send('daily'), this.#config.digestIntervalMs);
    this.#timer.unref();
  }

  /** Sends what is waiting for `digest` users (one email per user); runs one at a time. */
  send(digest: 'immediate' | 'daily'): Promise<void> {
    if (!this.#transport) return Promise.resolve();
    this.#running = this.#running.then(() => this.#sendNow(digest)).catch((error) => this.onError(error));
    return this.#running;
  }

  async #sendNow(digest: 'immediate' | 'daily'): Promise<void> {
    const found = await this.#store.notifications.toEmail(digest, runSize);
    if (found.length === 0) return;
    const claimed = await this.#store.notifications.claimForEmail(
      found.map((r) => r.seq),
      Date.now(),
    );
    const waiting = found.filter((r) => claimed.has(r.seq));
    const byUser = new Map<string, NotificationRecord[]>();
    for (const record of waiting) byUser.set(record.userId, [...(byUser.get(record.userId) ?? []), record]);
    for (const [userId, records] of byUser) {
      const user = await this.#store.users.find(userId);
      if (user?.status !== 'active') continue;
      const items = records.map((r) => ({
        headline: headlines[r.kind](r),
        text: r.kind === 'share' || r.kind === 'upload' ? '' : r.excerpt,
        link: notificationLink(this.#appUrl, r),
      }));
      const subject =
        items.length === 1 ? items[0]!.headline : `${items.length} new notifications in the media library`;
      const escapeHtml = (s: string) =>
        s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\n/g, '<br>');
      try {
        await this.#transport!.sendMail({
          from: this.#config.mailFrom,
          to: user.email,
          subject,
          text: items
            .map((i) => `${i.headline}\n${i.text ? `\n${i.text}\n` : ''}\n${i.link}\n`)
            .join('\n---\n\n'),
          html: items
            .map(
              (i) =>
                `<p><strong>${escapeHtml(i.headline)}</strong></p>${i.text ? `<blockquote>${escapeHtml(i.text)}</blockquote>` : ''}<p><a href="${escapeHtml(i.link)}">Open in the media library</a></p>`,
            )
            .join('<hr>'),
        });
      } catch (error) {
        this.onError(error);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    this.#transport?.close();
  }
}
