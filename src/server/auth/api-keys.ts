import { randomBytes } from 'node:crypto';
import { type AuditActor, type AuditChange, systemActor } from '../../shared/audit.js';
import type { ApiKeyPair, KeyPermission } from '../../shared/wire.js';
import { badRequest, notFound } from '../errors.js';
import type { ApiKeyRecord, Store } from '../store/store.js';

export const maxPairsPerKind = 5;

/** How long a rolled private key keeps working, as ImageKit's dashboard offers it. */
export const rollGracePeriods = {
  immediately: 0,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '3d': 3 * 86_400_000,
  '7d': 7 * 86_400_000,
} as const;

export type RollGracePeriod = keyof typeof rollGracePeriods;

const keyMaterial = () => randomBytes(21).toString('base64url');

export function generateKeyPair(): { publicKey: string; privateKey: string } {
  return { publicKey: `public_${keyMaterial()}`, privateKey: `private_${keyMaterial()}` };
}

export const isActive = (key: ApiKeyRecord, now: number) => key.expiresAt === null || key.expiresAt > now;

const mask = (privateKey: string) => `${privateKey.slice(0, 8)}…${privateKey.slice(-4)}`;

export interface CreateKeyOptions {
  kind: 'standard' | 'restricted';
  permission?: KeyPermission;
  name?: string;
  /** Use these keys instead of fresh random ones (first start from env). */
  keys?: { publicKey: string; privateKey: string };
}

/**
 * API key pairs as ImageKit manages them: up to five standard pairs (full access) and five
 * restricted pairs (None, Read or ReadWrite); a private key can be rolled with a grace period;
 * the last standard pair cannot be deleted, so the owner is never locked out.
 */
export class ApiKeys {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Every pair with its newest private key, masked. */
  list(now = Date.now()): Promise<ApiKeyPair[]> {
    return listPairs(this.#store, now);
  }

  async create(
    options: CreateKeyOptions,
    actor: AuditActor = systemActor,
    now = Date.now(),
  ): Promise<ApiKeyPair> {
    const permission = options.kind === 'standard' ? 'ReadWrite' : options.permission;
    if (!permission || !['None', 'Read', 'ReadWrite'].includes(permission)) {
      throw badRequest('A restricted key needs a permission: None, Read or ReadWrite.', {
        reason: 'INVALID_PARAMETER',
      });
    }
    if (options.name?.includes('\u0000'))
      throw badRequest('A key name must not contain the NUL character.', { reason: 'INVALID_PARAMETER' });
    const { publicKey, privateKey } = options.keys ?? generateKeyPair();
    if (!/^public_\S+$/.test(publicKey) || !/^private_\S+$/.test(privateKey)) {
      throw badRequest('Keys must look like public_… and private_…', { reason: 'INVALID_PARAMETER' });
    }
    return this.#store.transaction(async (store) => {
      const pairs = await listPairs(store, now);
      if (pairs.filter((p) => p.kind === options.kind).length >= maxPairsPerKind) {
        throw badRequest(
          `You already have ${maxPairsPerKind} ${options.kind} keys. Delete one before adding another.`,
          {
            reason: 'KEY_LIMIT_REACHED',
          },
        );
      }
      if (pairs.some((p) => p.publicKey === publicKey) || (await store.apiKeys.find(privateKey))) {
        throw badRequest('A key with this value already exists.', { reason: 'INVALID_PARAMETER' });
      }
      const record: ApiKeyRecord = {
        privateKey,
        publicKey,
        kind: options.kind,
        permission,
        name: options.name ?? (options.kind === 'standard' ? 'Standard key' : `Restricted ${permission} key`),
        createdAt: now,
        expiresAt: null,
      };
      await store.apiKeys.insert(record);
      await keyAudit(store, actor, 'key.create', record, now, {
        kind: { after: record.kind },
        permission: { after: record.permission },
        name: { after: record.name },
      });
      return describePair([record], now, true);
    });
  }

  /** Issues a new private key for the pair; the old one stops working after `grace`. */
  async roll(
    publicKey: string,
    grace: RollGracePeriod,
    actor: AuditActor = systemActor,
    now = Date.now(),
  ): Promise<ApiKeyPair> {
    if (!(grace in rollGracePeriods)) {
      throw badRequest(`expireOldKeyIn must be one of ${Object.keys(rollGracePeriods).join(', ')}.`, {
        reason: 'INVALID_PARAMETER',
      });
    }
    return this.#store.transaction(async (store) => {
      const records = await store.apiKeys.findByPublicKey(publicKey);
      const current = records.filter((r) => isActive(r, now));
      const newest = current.at(-1);
      if (!newest) throw notFound('No such API key.', { reason: 'KEY_NOT_FOUND' });
      const expiresAt = now + rollGracePeriods[grace];
      for (const old of current) {
        if (old.expiresAt === null || old.expiresAt > expiresAt)
          await store.apiKeys.setExpiry(old.privateKey, expiresAt);
      }
      const rolled: ApiKeyRecord = {
        ...newest,
        privateKey: generateKeyPair().privateKey,
        createdAt: now,
        expiresAt: null,
      };
      await store.apiKeys.insert(rolled);
      await keyAudit(store, actor, 'key.roll', rolled, now, { expireOldKeyIn: { after: grace } });
      return describePair(await store.apiKeys.findByPublicKey(publicKey), now, true);
    });
  }

  async delete(publicKey: string, actor: AuditActor = systemActor, now = Date.now()): Promise<void> {
    await this.#store.transaction(async (store) => {
      const pairs = await listPairs(store, now);
      const pair = pairs.find((p) => p.publicKey === publicKey);
      if (!pair) throw notFound('No such API key.', { reason: 'KEY_NOT_FOUND' });
      if (pair.kind === 'standard' && pairs.filter((p) => p.kind === 'standard').length === 1) {
        throw badRequest('This is the last standard key; create another standard key before deleting it.', {
          reason: 'LAST_STANDARD_KEY',
        });
      }
      await store.apiKeys.deletePair(publicKey);
      await keyAudit(store, actor, 'key.delete', pair, now, {});
    });
  }
}

/** A key write's audit entry: the pair by its public key and name, never a private key. */
function keyAudit(
  store: Store,
  actor: AuditActor,
  action: 'key.create' | 'key.roll' | 'key.delete',
  pair: { publicKey: string; name: string },
  at: number,
  changes: Record<string, AuditChange>,
): Promise<void> {
  return store.audit.append({
    at,
    actor,
    action,
    fileId: null,
    path: null,
    target: { id: pair.publicKey, name: pair.name },
    changes,
  });
}

async function listPairs(store: Store, now: number): Promise<ApiKeyPair[]> {
  const byPublic = new Map<string, ApiKeyRecord[]>();
  for (const row of await store.apiKeys.list())
    byPublic.set(row.publicKey, [...(byPublic.get(row.publicKey) ?? []), row]);
  return [...byPublic.values()].map((records) => describePair(records, now, false));
}

/** A pair as shown to an admin: its newest private key (masked unless revealed), and any grace period left. */
function describePair(records: ApiKeyRecord[], now: number, reveal: boolean): ApiKeyPair {
  const newest = records.at(-1)!;
  const pair: ApiKeyPair = {
    publicKey: newest.publicKey,
    privateKey: reveal ? newest.privateKey : mask(newest.privateKey),
    kind: newest.kind,
    permission: newest.permission,
    name: newest.name,
    createdAt: new Date(records[0]!.createdAt).toISOString(),
  };
  const grace = records
    .slice(0, -1)
    .filter((r) => isActive(r, now))
    .map((r) => r.expiresAt!)
    .sort((a, b) => b - a)[0];
  if (grace !== undefined) pair.previousKeyExpiresAt = new Date(grace).toISOString();
  return pair;
}
