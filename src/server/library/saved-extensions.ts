import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import type { SavedExtensionRecord, Store } from '../store/store.js';
import { hasNul, invalidParameter, noNul } from './attributes.js';
import { actorOf, appendAudit, settingEvent } from './audit.js';
import { newId } from './ids.js';

/** ImageKit's answer for a saved extension. */
export interface SavedExtension {
  id: string;
  name: string;
  description: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export const maxSavedExtensions = 100;

/** Each extension ImageKit has, and the properties its configuration may carry besides `name`. */
const extensionShapes: Record<string, Record<string, (value: unknown) => boolean>> = {
  'remove-bg': { options: isRemoveBgOptions },
  'google-auto-tagging': { maxTags: isCount, minConfidence: isPercent },
  'aws-auto-tagging': { maxTags: isCount, minConfidence: isPercent },
  'ai-auto-description': {},
  'ai-tasks': { tasks: isTaskList },
};
const required: Record<string, string[]> = {
  'google-auto-tagging': ['maxTags', 'minConfidence'],
  'aws-auto-tagging': ['maxTags', 'minConfidence'],
  'ai-tasks': ['tasks'],
};

function isCount(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 100;
}
function isPercent(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= 100;
}
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isRemoveBgOptions(value: unknown): boolean {
  if (!isObject(value)) return false;
  const types: Record<string, string> = {
    add_shadow: 'boolean',
    semitransparency: 'boolean',
    bg_color: 'string',
    bg_image_url: 'string',
  };
  return Object.entries(value).every(([key, v]) => types[key] !== undefined && typeof v === types[key]);
}
function isTaskList(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) return false;
  return value.every(
    (task) =>
      isObject(task) &&
      typeof task.instruction === 'string' &&
      task.instruction.trim() !== '' &&
      (task.type === 'select_tags' ||
        task.type === 'yes_no' ||
        (task.type === 'select_metadata' && typeof task.field === 'string')),
  );
}

/** An extension configuration as ImageKit documents it; anything else is refused naming what is wrong. */
export function readExtensionConfig(config: unknown): Record<string, unknown> {
  if (!isObject(config)) throw invalidParameter('config', 'Send the extension as an object with its name.');
  const name = config.name;
  const shape = typeof name === 'string' ? extensionShapes[name] : undefined;
  if (!shape) {
    throw invalidParameter(
      'config',
      `config.name must be one of ${Object.keys(extensionShapes).join(', ')}.`,
    );
  }
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name') continue;
    const check = shape[key];
    if (!check) throw invalidParameter('config', `${name} has no ${key} setting.`);
    if (!check(value))
      throw invalidParameter('config', `${name}'s ${key} is not valid (see ImageKit's extension docs).`);
  }
  for (const key of required[name as string] ?? []) {
    if (config[key] === undefined) throw invalidParameter('config', `${name} needs ${key}.`);
  }
  return config;
}

function readText(name: 'name' | 'description', value: string, max: number): string {
  if (hasNul(value)) throw invalidParameter(name, noNul);
  if ((name === 'name' && value.trim() === '') || value.length > max) {
    throw invalidParameter(name, `Use ${name === 'name' ? 1 : 0} to ${max} characters.`);
  }
  return name === 'name' ? value.trim() : value;
}

export function toSavedExtension(record: SavedExtensionRecord): SavedExtension {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    config: record.config,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

export async function requireSavedExtension(store: Store, id: string): Promise<SavedExtensionRecord> {
  const record = await store.savedExtensions.get(id);
  if (!record) throw notFound('There is no saved extension with this id.', { reason: 'NOT_FOUND' });
  return record;
}

export async function createSavedExtension(
  ctx: Pick<ServerContext, 'store'>,
  principal: Principal | null,
  input: { name: string; description: string; config: unknown },
): Promise<SavedExtension> {
  const now = Date.now();
  const record: SavedExtensionRecord = {
    id: newId(now),
    name: readText('name', input.name, 100),
    description: readText('description', input.description, 1000),
    config: readExtensionConfig(input.config),
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.transaction(async (store) => {
    if ((await store.savedExtensions.count()) >= maxSavedExtensions) {
      throw badRequest(`An account can have at most ${maxSavedExtensions} saved extensions.`, {
        reason: 'LIMIT_REACHED',
      });
    }
    await store.savedExtensions.insert(record);
    await appendAudit(
      store,
      actorOf(principal),
      settingEvent('savedExtension.create', record.id, record.name),
      now,
    );
  });
  return toSavedExtension(record);
}

export async function updateSavedExtension(
  ctx: Pick<ServerContext, 'store'>,
  principal: Principal | null,
  id: string,
  input: { name?: string; description?: string; config?: unknown },
): Promise<SavedExtension> {
  const patch = {
    ...(input.name !== undefined && { name: readText('name', input.name, 100) }),
    ...(input.description !== undefined && { description: readText('description', input.description, 1000) }),
    ...(input.config !== undefined && { config: readExtensionConfig(input.config) }),
    updatedAt: Date.now(),
  };
  return ctx.store.transaction(async (store) => {
    await requireSavedExtension(store, id);
    await store.savedExtensions.update(id, patch);
    const updated = await requireSavedExtension(store, id);
    await appendAudit(store, actorOf(principal), settingEvent('savedExtension.update', id, updated.name));
    return toSavedExtension(updated);
  });
}

export async function deleteSavedExtension(
  ctx: Pick<ServerContext, 'store'>,
  principal: Principal | null,
  id: string,
): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const record = await requireSavedExtension(store, id);
    await store.savedExtensions.delete(id);
    await appendAudit(store, actorOf(principal), settingEvent('savedExtension.delete', id, record.name));
  });
}
