import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { NotificationConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { toWireNotification } from './notifications.js';

/** One open `GET /_ml/notifications/stream`. */
interface StreamClient {
  userId: string;
  response: ServerResponse;
  /** The newest notification this client was sent. */
  lastSeq: number;
  sending: boolean;
  /** A wake-up came while sending: look again once done. */
  again: boolean;
}

/** Notifications a stream sends per catalog read; a client far behind gets the rest on the next. */
const batch = 100;

/**
 * The live side of notifications: every open stream on this node, woken when its user has
 * something new. A node learns of other nodes' notifications from Redis pub/sub when there is a
 * Redis, else by asking the catalog every `pollMs` while it has streams open. Each stream's
 * unsent bytes are bounded: a client that does not read is dropped (it reconnects with
 * `Last-Event-ID` and misses nothing).
 */
export class NotificationHub {
  readonly #store: Store;
  readonly #config: NotificationConfig;
  readonly #clients = new Map<string, Set<StreamClient>>();
  #redis?: Redis;
  #subscriber?: Redis;
  #channel = '';
  #heartbeat?: NodeJS.Timeout;
  #poll?: NodeJS.Timeout;
  #polledSeq = 0;
  #polling = false;
  /** Streams dropped for not reading, since start (for tests and operations). */
  dropped = 0;
  onError: (error: unknown) => void = () => {};

  constructor(store: Store, config: NotificationConfig) {
    this.#store = store;
    this.#config = config;
  }

  /** Shares wake-ups with the other nodes through Redis. */
  async useRedis(redis: Redis, prefix: string): Promise<void> {
    this.#redis = redis;
    this.#channel = `${prefix}notifications`;
    const subscriber = redis.duplicate();
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.#wakeLocal(JSON.parse(message) as string[]);
      } catch (error) {
        this.onError(error);
      }
    });
    await subscriber.connect();
    await subscriber.subscribe(this.#channel);
    this.#subscriber = subscriber;
  }

  get size(): number {
    let n = 0;
    for (const set of this.#clients.values()) n += set.size;
    return n;
  }

  /** Tells these users' streams, here and on every node, that they have something new. */
  publish(userIds: Iterable<string>): void {
    const users = [...new Set(userIds)];
    if (users.length === 0) return;
    this.#wakeLocal(users);
    this.#redis?.publish(this.#channel, JSON.stringify(users)).catch((error) => this.onError(error));
  }

  /** Starts streaming to `response` (headers already written), from after `lastSeq`. */
  attach(userId: string, response: ServerResponse, lastSeq: number): void {
    const client: StreamClient = { userId, response, lastSeq, sending: false, again: false };
    let set = this.#clients.get(userId);
    if (!set) {
      set = new Set();
      this.#clients.set(userId, set);
    }
    set.add(client);
    response.on('close', () => this.#detach(client));
    response.on('error', () => this.#detach(client));
    this.#startTimers();
    void this.#send(client);
  }

  #detach(client: StreamClient): void {
    const set = this.#clients.get(client.userId);
    set?.delete(client);
    if (set?.size === 0) this.#clients.delete(client.userId);
    if (this.#clients.size === 0) this.#stopTimers();
  }

  #wakeLocal(userIds: string[]): void {
    for (const userId of userIds)
      for (const client of this.#clients.get(userId) ?? []) void this.#send(client);
  }

  /** Writes to a client, or drops it when its unsent bytes are past the bound. */
  #write(client: StreamClient, chunk: string): boolean {
    if (client.response.destroyed) return false;
    client.response.write(chunk);
    if (client.response.writableLength > this.#config.maxStreamBufferBytes) {
      this.dropped++;
      client.response.destroy();
      this.#detach(client);
      return false;
    }
    return true;
  }

  async #send(client: StreamClient): Promise<void> {
    if (client.sending) {
      client.again = true;
      return;
    }
    client.sending = true;
    try {
      do {
        client.again = false;
        const fresh = await this.#store.notifications.after(client.userId, client.lastSeq, batch);
        if (fresh.length === 0) continue;
        const unread = await this.#store.notifications.unreadCount(client.userId);
        for (const record of fresh) {
          const event = `id: ${record.seq}\nevent: notification\ndata: ${JSON.stringify(toWireNotification(record))}\n\n`;
          if (!this.#write(client, event)) return;
          client.lastSeq = record.seq;
        }
        if (!this.#write(client, `event: unread\ndata: ${JSON.stringify({ unread })}\n\n`)) return;
        if (fresh.length === batch) client.again = true;
      } while (client.again && !client.response.destroyed);
    } catch (error) {
      this.onError(error);
    } finally {
      client.sending = false;
    }
  }

  /** Sends the unread count to a user's streams (after marking read elsewhere). */
  async sendUnread(userId: string): Promise<void> {
    const clients = this.#clients.get(userId);
    if (!clients) return;
    const unread = await this.#store.notifications.unreadCount(userId);
    for (const client of clients)
      this.#write(client, `event: unread\ndata: ${JSON.stringify({ unread })}\n\n`);
  }

  #startTimers(): void {
    if (!this.#heartbeat) {
      this.#heartbeat = setInterval(() => {
        for (const set of [...this.#clients.values()])
          for (const client of [...set]) this.#write(client, ': heartbeat\n\n');
      }, this.#config.heartbeatMs);
      this.#heartbeat.unref();
    }
    if (!this.#redis && !this.#poll) {
      this.#poll = setInterval(() => void this.#pollCatalog(), this.#config.pollMs);
      this.#poll.unref();
      this.#store.notifications
        .lastSeq()
        .then((seq) => {
          this.#polledSeq = Math.max(this.#polledSeq, seq);
        })
        .catch((error) => this.onError(error));
    }
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeat);
    clearInterval(this.#poll);
    this.#heartbeat = undefined;
    this.#poll = undefined;
  }

  /** Without Redis: whoever got notifications since the last look (made on any node) is woken. */
  async #pollCatalog(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const { users, last } = await this.#store.notifications.recipientsAfter(this.#polledSeq);
      this.#polledSeq = last;
      this.#wakeLocal([...users]);
    } catch (error) {
      this.onError(error);
    } finally {
      this.#polling = false;
    }
  }

  /** Ends every stream (the server is closing). */
  async close(): Promise<void> {
    this.#stopTimers();
    for (const set of [...this.#clients.values()]) for (const client of [...set]) client.response.end();
    this.#clients.clear();
    this.#subscriber?.disconnect();
  }
}
