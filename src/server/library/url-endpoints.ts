import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Store, UrlEndpointRecord } from '../store/store.js';
import { hasNul, invalidParameter, noNul } from './attributes.js';
import { actorOf, appendAudit, settingEvent } from './audit.js';
import { newId } from './ids.js';

/** ImageKit's answer for a URL endpoint. */
export interface UrlEndpoint {
  id: string;
  description: string;
  urlPrefix: string;
  origins: string[];
}

/** Where a URL endpoint's files with origins are served from (inside `/_ml`, out of the library's paths). */
export const originDeliveryPath = '/_ml/origin-delivery';

/** First path segments the server's own routes use. */
const reserved = new Set(['v1', 'api', '_ml', 'companion']);
const maxOrigins = 10;

/** How long a node trusts its copy: another node's edit reaches its URLs within this. */
const refreshEveryMs = 2000;

/**
 * The URL endpoints by prefix, held in memory so the router can rewrite a URL before it picks a
 * route (Fastify's `rewriteUrl` is synchronous): re-read after this node's edits and every
 * `refreshEveryMs` for other nodes'.
 */
export class UrlEndpointCatalog {
  readonly #store: Store;
  #byPrefix = new Map<string, UrlEndpointRecord>();
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  async refresh(): Promise<void> {
    const all = await this.#store.urlEndpoints.list();
    this.#byPrefix = new Map(all.map((endpoint) => [endpoint.urlPrefix, endpoint]));
  }

  /** Keeps refreshing until `stop`; a failed read keeps the last copy. */
  start(onError: (error: unknown) => void): void {
    this.#timer ??= setInterval(() => this.refresh().catch(onError), refreshEveryMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * `/<prefix>/<rest>` of a URL endpoint: without origins it is the library's `/<rest>`; with
   * them, the origin delivery route's. Every other URL is left as it is.
   */
  rewrite(url: string, endpointPath: string): string {
    if (this.#byPrefix.size === 0 || !url.startsWith(`${endpointPath}/`)) return url;
    const rest = url.slice(endpointPath.length + 1);
    const end = rest.search(/[/?]/);
    if (end <= 0 || rest[end] !== '/') return url;
    const endpoint = this.#byPrefix.get(rest.slice(0, end));
    if (!endpoint) return url;
    const tail = rest.slice(end);
    return endpoint.origins.length === 0
      ? `${endpointPath}${tail}`
      : `${originDeliveryPath}/${endpoint.id}${tail}`;
  }
}

export function toUrlEndpoint(record: UrlEndpointRecord): UrlEndpoint {
  return {
    id: record.id,
    description: record.description,
    urlPrefix: record.urlPrefix,
    origins: record.origins,
  };
}

export async function requireUrlEndpoint(store: Store, id: string): Promise<UrlEndpointRecord> {
  const record = await store.urlEndpoints.get(id);
  if (!record) throw notFound('There is no URL endpoint with this id.', { reason: 'NOT_FOUND' });
  return record;
}

export interface UrlEndpointInput {
  description: string;
  urlPrefix?: string;
  origins?: string[];
  urlRewriter?: { type?: unknown };
}

async function readDefinition(store: Store, input: UrlEndpointInput) {
  if (input.urlRewriter !== undefined) {
    throw invalidParameter(
      'urlRewriter',
      `The ${String(input.urlRewriter?.type)} URL rewriter is not available on this server: use ImageKit's URL form.`,
    );
  }
  if (hasNul(input.description)) throw invalidParameter('description', noNul);
  if (input.description.trim() === '' || input.description.length > 1000) {
    throw invalidParameter('description', 'Use 1 to 1000 characters.');
  }
  const urlPrefix = (input.urlPrefix ?? '').replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(urlPrefix)) {
    throw invalidParameter(
      'urlPrefix',
      'Use one path segment of letters, digits, _ and - (the library itself answers URLs without a prefix).',
    );
  }
  if (reserved.has(urlPrefix)) throw invalidParameter('urlPrefix', `${urlPrefix} is this server's own path.`);
  const origins = input.origins ?? [];
  if (origins.length > maxOrigins || new Set(origins).size !== origins.length) {
    throw invalidParameter('origins', `List up to ${maxOrigins} different origin ids.`);
  }
  for (const id of origins) {
    if (!(await store.origins.get(id))) {
      throw badRequest(`Your request contains invalid origins parameter: there is no origin ${id}.`, {
        reason: 'INVALID_PARAMETER',
      });
    }
  }
  return { description: input.description.trim(), urlPrefix, origins };
}

async function assertPrefixFree(store: Store, urlPrefix: string, exceptId?: string): Promise<void> {
  const holder = await store.urlEndpoints.findByPrefix(urlPrefix);
  if (holder && holder.id !== exceptId) {
    throw conflict(`A URL endpoint with the prefix ${urlPrefix} already exists.`, {
      reason: 'DUPLICATE_NAME',
    });
  }
}

export async function createUrlEndpoint(
  ctx: ServerContext,
  principal: Principal | null,
  input: UrlEndpointInput,
): Promise<UrlEndpoint> {
  const record = await ctx.store.transaction(async (store) => {
    const definition = await readDefinition(store, input);
    await assertPrefixFree(store, definition.urlPrefix);
    const now = Date.now();
    const made: UrlEndpointRecord = { id: newId(now), ...definition, createdAt: now, updatedAt: now };
    await store.urlEndpoints.insert(made);
    await appendAudit(
      store,
      actorOf(principal),
      settingEvent('urlEndpoint.create', made.id, made.urlPrefix),
      now,
    );
    return made;
  });
  await ctx.urlEndpoints.refresh();
  return toUrlEndpoint(record);
}

export async function replaceUrlEndpoint(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  input: UrlEndpointInput,
): Promise<UrlEndpoint> {
  const record = await ctx.store.transaction(async (store) => {
    const existing = await requireUrlEndpoint(store, id);
    // A prefix or origins left out keep their values; a URL endpoint always has a prefix here.
    const definition = await readDefinition(store, {
      urlPrefix: existing.urlPrefix,
      origins: existing.origins,
      ...input,
    });
    await assertPrefixFree(store, definition.urlPrefix, id);
    const updated = { ...existing, ...definition, updatedAt: Date.now() };
    await store.urlEndpoints.replace(updated);
    await appendAudit(store, actorOf(principal), settingEvent('urlEndpoint.update', id, updated.urlPrefix));
    return updated;
  });
  await ctx.urlEndpoints.refresh();
  return toUrlEndpoint(record);
}

export async function deleteUrlEndpoint(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const endpoint = await requireUrlEndpoint(store, id);
    await store.urlEndpoints.delete(id);
    await appendAudit(store, actorOf(principal), settingEvent('urlEndpoint.delete', id, endpoint.urlPrefix));
  });
  await ctx.urlEndpoints.refresh();
}
