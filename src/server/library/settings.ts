import type { AuditActor, AuditChange } from '../../shared/audit.js';
import type { ServerSettings, UploadRules } from '../../shared/wire.js';
import type { ServerConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { appendAudit } from './audit.js';

export const defaultLibraryName = 'Media library';
const dayMs = 24 * 3_600_000;

/** What an unset setting means: the server's configuration, else the built-in default. */
export function defaultSettings(config: Pick<ServerConfig, 'auditRetentionMs'>): ServerSettings {
  return {
    libraryName: defaultLibraryName,
    auditRetentionDays: config.auditRetentionMs === undefined ? null : config.auditRetentionMs / dayMs,
    nearDuplicateDistance: defaultNearDuplicateDistance,
    uploadRules: noUploadRules(),
  };
}

/** Bits of 64 two pHashes may differ in and still be near duplicates (a re-save, a slight crop). */
export const defaultNearDuplicateDistance = 6;

export function noUploadRules(): UploadRules {
  return { naming: null, allowedTypes: null, maxSize: null, folderTags: null };
}

/** The settings in force: the catalog's (shared by every node), over the defaults. */
export async function readSettings(
  store: Store,
  config: Pick<ServerConfig, 'auditRetentionMs'>,
): Promise<ServerSettings> {
  const stored = await store.settings.all();
  const settings = defaultSettings(config);
  if (typeof stored.libraryName === 'string') settings.libraryName = stored.libraryName;
  if (typeof stored.auditRetentionDays === 'number' || stored.auditRetentionDays === null) {
    settings.auditRetentionDays = stored.auditRetentionDays;
  }
  if (typeof stored.nearDuplicateDistance === 'number' || stored.nearDuplicateDistance === null) {
    settings.nearDuplicateDistance = stored.nearDuplicateDistance;
  }
  if (stored.uploadRules && typeof stored.uploadRules === 'object') {
    settings.uploadRules = { ...settings.uploadRules, ...(stored.uploadRules as Partial<UploadRules>) };
  }
  return settings;
}

/** How long audit entries are kept, in milliseconds; undefined: forever. */
export async function auditRetentionMs(
  store: Store,
  config: Pick<ServerConfig, 'auditRetentionMs'>,
): Promise<number | undefined> {
  const { auditRetentionDays } = await readSettings(store, config);
  return auditRetentionDays === null ? undefined : auditRetentionDays * dayMs;
}

/** What a PATCH changes; each upload rule it names is replaced whole. */
export type SettingsPatch = Partial<Omit<ServerSettings, 'uploadRules'>> & {
  uploadRules?: Partial<UploadRules>;
};

/** Changes settings and appends one audit entry with each changed value before and after. */
export async function updateSettings(
  store: Store,
  config: Pick<ServerConfig, 'auditRetentionMs'>,
  patch: SettingsPatch,
  actor: AuditActor,
  now = Date.now(),
): Promise<ServerSettings> {
  return store.transaction(async (tx) => {
    const before = await readSettings(tx, config);
    const changes: Record<string, AuditChange> = {};
    for (const key of Object.keys(patch) as Array<keyof ServerSettings>) {
      const value =
        key === 'libraryName'
          ? patch.libraryName!.trim()
          : key === 'uploadRules'
            ? { ...before.uploadRules, ...patch.uploadRules }
            : patch[key];
      if (value === undefined) continue;
      await tx.settings.put(key, value, now);
      if (JSON.stringify(value) !== JSON.stringify(before[key]))
        changes[key] = { before: before[key], after: value };
    }
    await appendAudit(tx, actor, { action: 'settings.update', target: { id: 'settings' }, changes }, now);
    return readSettings(tx, config);
  });
}
