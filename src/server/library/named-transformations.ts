import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { type NamedTransforms, namedTransformsFrom, parseTransformation } from '../media/transformation.js';
import type { NamedTransformationRecord, Store } from '../store/store.js';
import { invalidParameter } from './attributes.js';
import { actorOf, appendAudit, settingEvent } from './audit.js';
import { newId } from './ids.js';

/** ImageKit's answer for a named transformation. */
export interface NamedTransformation {
  id: string;
  name: string;
  transformation: string;
  enabled: boolean;
  createdAt: string;
}

/** ImageKit's limit per account. */
export const maxNamedTransformations = 250;

/** How long a node trusts its copy of the stored ones: another node's edit shows within this. */
const freshForMs = 2000;

/**
 * Every named transformation delivery may use (`n-<name>`): the built-in ones, those configured
 * with `MEDIA_LIBRARY_NAMED_TRANSFORMS`, and the enabled ones made over the API. Delivery reads
 * them on every request, so they are kept in memory, dropped on this node's edits and re-read
 * after `freshForMs` (other nodes' edits).
 */
export class NamedTransformationCatalog {
  readonly #store: Store;
  readonly #configured: NamedTransforms;
  #current: { all: NamedTransforms; readAt: number } | undefined;
  #reading: Promise<NamedTransforms> | undefined;

  constructor(store: Store, configured: Record<string, string>) {
    this.#store = store;
    this.#configured = namedTransformsFrom(configured);
  }

  /** Names that are not the API's to change. */
  isFixed(name: string): boolean {
    return this.#configured.has(name);
  }

  async current(now = Date.now()): Promise<NamedTransforms> {
    if (this.#current && now - this.#current.readAt < freshForMs) return this.#current.all;
    this.#reading ??= this.#read(now).finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  forget(): void {
    this.#current = undefined;
  }

  async #read(now: number): Promise<NamedTransforms> {
    const all = new Map(this.#configured);
    for (const record of await this.#store.namedTransformations.list()) {
      if (record.enabled && !all.has(record.name)) all.set(record.name, record.transformation);
    }
    this.#current = { all, readAt: now };
    return all;
  }
}

export function toNamedTransformation(record: NamedTransformationRecord): NamedTransformation {
  return {
    id: record.id,
    name: record.name,
    transformation: record.transformation,
    enabled: record.enabled,
    createdAt: new Date(record.createdAt).toISOString(),
  };
}

export async function requireNamedTransformation(
  store: Store,
  id: string,
): Promise<NamedTransformationRecord> {
  const record = await store.namedTransformations.get(id);
  if (!record) {
    throw notFound('There is no named transformation with this id.', {
      reason: 'NOT_FOUND',
    });
  }
  return record;
}

function readName(name: string): string {
  if (!/^[A-Za-z0-9_]{1,100}$/.test(name)) {
    throw invalidParameter('name', 'Use 1 to 100 letters, digits or _ (it is used in URLs as n-<name>).');
  }
  return name;
}

/** A definition delivery can render: parsed now, so a typo is refused here rather than on every URL. */
function readDefinition(transformation: string): string {
  const text = transformation.trim();
  if (text === '' || text.length > 2000) {
    throw invalidParameter(
      'transformation',
      'Send a transformation string of 1 to 2000 characters, such as w-300,h-200.',
    );
  }
  if (/(^|[,:])n-/.test(text)) {
    throw invalidParameter(
      'transformation',
      'A named transformation cannot use another one: write its parameters out.',
    );
  }
  try {
    parseTransformation(text, new Map());
  } catch (error) {
    throw badRequest(`Your request contains invalid transformation parameter: ${(error as Error).message}`, {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  return text;
}

async function assertNameFree(ctx: ServerContext, name: string, exceptId?: string): Promise<void> {
  const holder = await ctx.store.namedTransformations.findByName(name);
  if ((holder && holder.id !== exceptId) || ctx.namedTransformations.isFixed(name)) {
    throw conflict(`A named transformation called ${name} already exists.`, {
      reason: 'DUPLICATE_NAME',
    });
  }
}

export async function createNamedTransformation(
  ctx: ServerContext,
  principal: Principal | null,
  input: { name: string; transformation: string; enabled?: boolean },
): Promise<NamedTransformation> {
  const name = readName(input.name);
  const transformation = readDefinition(input.transformation);
  const now = Date.now();
  const record: NamedTransformationRecord = {
    id: newId(now),
    name,
    transformation,
    enabled: input.enabled ?? true,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.transaction(async (store) => {
    await assertNameFree({ ...ctx, store }, name);
    if ((await store.namedTransformations.count()) >= maxNamedTransformations) {
      throw badRequest(`An account can have at most ${maxNamedTransformations} named transformations.`, {
        reason: 'LIMIT_REACHED',
      });
    }
    await store.namedTransformations.insert(record);
    await appendAudit(
      store,
      actorOf(principal),
      settingEvent('namedTransformation.create', record.id, name),
      now,
    );
  });
  ctx.namedTransformations.forget();
  return toNamedTransformation(record);
}

export async function updateNamedTransformation(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
  input: { name?: string; transformation?: string; enabled?: boolean },
): Promise<NamedTransformation> {
  const patch = {
    ...(input.name !== undefined && { name: readName(input.name) }),
    ...(input.transformation !== undefined && { transformation: readDefinition(input.transformation) }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    updatedAt: Date.now(),
  };
  const updated = await ctx.store.transaction(async (store) => {
    await requireNamedTransformation(store, id);
    if (patch.name !== undefined) await assertNameFree({ ...ctx, store }, patch.name, id);
    await store.namedTransformations.update(id, patch);
    const updated = await requireNamedTransformation(store, id);
    await appendAudit(
      store,
      actorOf(principal),
      settingEvent('namedTransformation.update', id, updated.name),
    );
    return updated;
  });
  ctx.namedTransformations.forget();
  return toNamedTransformation(updated);
}

export async function deleteNamedTransformation(
  ctx: ServerContext,
  principal: Principal | null,
  id: string,
): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const record = await requireNamedTransformation(store, id);
    await store.namedTransformations.delete(id);
    await appendAudit(store, actorOf(principal), settingEvent('namedTransformation.delete', id, record.name));
  });
  ctx.namedTransformations.forget();
}
