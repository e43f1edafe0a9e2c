import type { Store, UsageCount } from '../store/store.js';

/** One delivery response, as the usage analytics count it. */
export interface DeliveryEvent {
  at: number;
  status: number;
  bytes: number;
  contentType: string | undefined;
  /** The file's path (`/a/b.jpg`) and transformation as asked for. */
  path: string;
  transformation: string;
  /** The URL endpoint's prefix, or `/` for the library's own URLs. */
  urlEndpoint: string;
  userAgent: string | undefined;
  referrer: string | undefined;
  /** Our error reason (`NOT_FOUND`, `INVALID_TRANSFORMATION`…) for a refusal. */
  errorReason: string | undefined;
  /** Whether this response rendered (a cache miss) rather than finding a rendition. */
  rendered: boolean;
}

const flushEveryMs = 5000;
/** Paths, agents and referrers are the caller's: cut so one row stays small. */
const maxNameLength = 300;

export function browserOf(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  if (ua === '') return 'Unknown';
  if (/\bEdg\//.test(ua)) return 'Edge';
  if (/\bOPR\//.test(ua)) return 'Opera';
  if (/\bFirefox\//.test(ua)) return 'Firefox';
  if (/\bChrome\//.test(ua)) return 'Chrome';
  if (/\bSafari\//.test(ua)) return 'Safari';
  if (/^curl\//.test(ua)) return 'curl';
  if (/^node\b|undici/i.test(ua)) return 'Node.js';
  return 'Other';
}

export function deviceOf(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  if (ua === '') return 'Unknown';
  if (/bot|crawl|spider|slurp/i.test(ua)) return 'Bot';
  if (/iPad|Tablet/i.test(ua)) return 'Tablet';
  if (/Mobi|Android|iPhone/i.test(ua)) return 'Mobile';
  return 'Desktop';
}

function formatOf(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]!.trim();
  if (type === '') return 'none';
  return type.split('/')[1] ?? type;
}

/**
 * Counts deliveries per UTC day: requests and bytes by status, format, browser, device, referrer,
 * user agent, URL endpoint, file and transformation, 404 paths and error reasons. Counts wait in
 * memory and are added to the catalog every few seconds (and on close), so a busy delivery path
 * costs one upsert per interval, whatever its rate.
 */
export class DeliveryUsageRecorder {
  readonly #store: Store;
  readonly #pending = new Map<string, UsageCount>();
  #timer: NodeJS.Timeout | undefined;
  onError: (error: unknown) => void = () => {};

  constructor(store: Store) {
    this.#store = store;
  }

  record(event: DeliveryEvent): void {
    const day = new Date(event.at).toISOString().slice(0, 10);
    const add = (dimension: string, name: string) => {
      const cut = name.slice(0, maxNameLength);
      const key = `${day}\u0000${dimension}\u0000${cut}`;
      const count = this.#pending.get(key) ?? { day, dimension, name: cut, requests: 0, bytes: 0 };
      count.requests++;
      count.bytes += event.bytes;
      this.#pending.set(key, count);
    };
    const type = (event.contentType ?? '').split('/')[0];
    add('total', '');
    add('status', String(event.status));
    add('format', formatOf(event.contentType));
    add('browser', browserOf(event.userAgent));
    add('device', deviceOf(event.userAgent));
    add('userAgent', event.userAgent || 'Unknown');
    if (event.referrer) add('referrer', event.referrer);
    add('urlEndpoint', event.urlEndpoint);
    if (event.status === 404) add('404', event.path);
    if (event.errorReason) add('errorReason', event.errorReason);
    const ok = event.status < 400;
    if (ok) add(type === 'image' ? 'image' : type === 'video' ? 'video' : 'other', event.path);
    if (event.transformation && ok)
      add(type === 'video' ? 'videoTransform' : 'imageTransform', event.transformation);
    if (event.transformation) {
      add('cache', event.status >= 500 ? 'error' : event.rendered ? 'miss' : ok ? 'hit' : 'error');
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(this.onError);
    }, flushEveryMs);
    this.#timer.unref();
  }

  /** Adds what is pending to the catalog (the usage call and closing do this too). */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const counts = [...this.#pending.values()];
    this.#pending.clear();
    await this.#store.deliveryUsage.add(counts);
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

type Entry = { name: string; requestCount: number; bandwidthBytes: number };
type Ranked = { byRequests: Entry[]; byBandwidth: Entry[] };

const topCount = 10;

/** `GET /v1/accounts/usage-analytics`: ImageKit's shape, from the counts of the days asked for. */
export async function usageAnalytics(store: Store, startDate: string, endDate: string, now = Date.now()) {
  const totals = await store.deliveryUsage.totals(startDate, endDate);
  const of = (dimension: string) => totals.filter((t) => t.dimension === dimension);
  const entries = (dimension: string): Entry[] =>
    of(dimension).map((t) => ({ name: t.name, requestCount: t.requests, bandwidthBytes: t.bytes }));
  const ranked = (dimension: string): Ranked => {
    const all = entries(dimension);
    return {
      byRequests: [...all]
        .sort((a, b) => b.requestCount - a.requestCount || a.name.localeCompare(b.name))
        .slice(0, topCount),
      byBandwidth: [...all]
        .sort((a, b) => b.bandwidthBytes - a.bandwidthBytes || a.name.localeCompare(b.name))
        .slice(0, topCount),
    };
  };
  const counted = (dimension: string) =>
    entries(dimension)
      .sort((a, b) => b.requestCount - a.requestCount || a.name.localeCompare(b.name))
      .map(({ name, requestCount }) => ({ name, requestCount }));
  const total = of('total')[0];
  const cache = (name: string) => of('cache').find((t) => t.name === name)?.requests ?? 0;
  return {
    startDate,
    endDate,
    generatedAt: new Date(now).toISOString(),
    requestCount: total?.requests ?? 0,
    bandwidthBytes: total?.bytes ?? 0,
    cache: { hitCount: cache('hit'), missCount: cache('miss'), errorCount: cache('error') },
    statusCodes: counted('status'),
    errorReasons: counted('errorReason'),
    top404Assets: counted('404').slice(0, topCount),
    format: ranked('format'),
    browser: ranked('browser'),
    device: ranked('device'),
    // Client addresses are not mapped to countries here.
    country: { byRequests: [], byBandwidth: [] },
    topReferrers: ranked('referrer'),
    topUserAgents: ranked('userAgent'),
    urlEndpoints: ranked('urlEndpoint'),
    topImages: ranked('image'),
    topVideos: ranked('video'),
    topOtherAssets: ranked('other'),
    topImageTransforms: ranked('imageTransform'),
    topVideoTransforms: ranked('videoTransform'),
    extensions: [] as Array<{ name: string; operationCount: number }>,
    videoProcessing: [] as Array<{ codec: string; durationSeconds: number; resolution: string }>,
  };
}
