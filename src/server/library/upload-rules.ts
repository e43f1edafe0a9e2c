import type { NamingPolicy, UploadRules } from '../../shared/wire.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { normalizeTags } from './attributes.js';
import { normalizeFolder } from './naming.js';
import { readSettings } from './settings.js';

/** Where an admin changes the rules; every refusal by a rule says so. */
const ruleHelp = 'An admin sets the library’s upload rules in Settings (PATCH /_ml/settings uploadRules).';

const policyWords: Record<NamingPolicy, string> = {
  unique: 'a unique name (useUniqueFileName=true)',
  version: 'a new version of the file (useUniqueFileName=false, overwriteFile=true)',
  reject: 'a refusal (useUniqueFileName=false, overwriteFile=false)',
};

/** Folders and tags cleaned as uploads clean them, so a rule matches the folders uploads name. */
export function normalizeUploadRules(patch: Partial<UploadRules>): Partial<UploadRules> {
  const out: Partial<UploadRules> = { ...patch };
  if (patch.folderTags) {
    out.folderTags = {
      mode: patch.folderTags.mode,
      folders: patch.folderTags.folders.map(({ folder, tags }) => ({
        folder: normalizeFolder(folder),
        tags: normalizeTags(tags),
      })),
    };
  }
  if (patch.allowedTypes) {
    out.allowedTypes = { ...patch.allowedTypes, types: [...new Set(patch.allowedTypes.types)] };
  }
  return out;
}

/** The rules in force (read per upload: every node sees an admin's change at once). */
export async function uploadRulesOf(ctx: ServerContext): Promise<UploadRules> {
  return (await readSettings(ctx.store, ctx.config)).uploadRules;
}

/** The naming an upload's fields ask for; undefined when they send neither naming field. */
function requestedPolicy(useUniqueFileName: string | undefined, overwriteFile: string | undefined) {
  if (!useUniqueFileName && !overwriteFile) return undefined;
  if (useUniqueFileName !== 'false') return 'unique';
  return overwriteFile === 'false' ? 'reject' : 'version';
}

/**
 * The naming fields after the naming rule: a default fills them in when the request sends neither;
 * an enforced rule refuses a request asking for another policy and fills them in otherwise.
 */
export function applyNamingRule(
  rules: UploadRules,
  fields: { useUniqueFileName?: string | undefined; overwriteFile?: string | undefined },
): { useUniqueFileName?: string; overwriteFile?: string } {
  const asked = requestedPolicy(fields.useUniqueFileName, fields.overwriteFile);
  const rule = rules.naming;
  const kept = {
    ...(fields.useUniqueFileName !== undefined && { useUniqueFileName: fields.useUniqueFileName }),
    ...(fields.overwriteFile !== undefined && { overwriteFile: fields.overwriteFile }),
  };
  if (!rule || (asked !== undefined && rule.mode === 'default')) return kept;
  if (asked !== undefined && asked !== rule.policy) {
    throw badRequest(
      `This library's naming rule is enforced: an upload whose name is taken gets ${policyWords[rule.policy]}; this request asked for ${policyWords[asked]}.`,
      { help: ruleHelp, reason: 'UPLOAD_RULE_NAMING' },
    );
  }
  return {
    useUniqueFileName: String(rule.policy === 'unique'),
    overwriteFile: String(rule.policy === 'version'),
  };
}

/** Refuses a file over an enforced size rule (before the bytes when the size is declared). */
export function enforceSizeRule(rules: UploadRules, size: number): void {
  const rule = rules.maxSize;
  if (rule?.mode === 'enforced' && size > rule.bytes) {
    throw badRequest(
      `This library's upload rule limits files to ${rule.bytes} bytes; this one has ${size}.`,
      { help: ruleHelp, reason: 'UPLOAD_RULE_MAX_SIZE' },
    );
  }
}

/** Whether a MIME type is one of `types` (exact, or a `family/*`). */
export function typeAllowed(types: string[], mime: string): boolean {
  const lower = mime.toLowerCase();
  return types.some((t) => t === lower || (t.endsWith('/*') && lower.startsWith(t.slice(0, -1))));
}

/** Refuses a file whose type (as read from its bytes) an enforced rule does not allow. */
export function enforceTypeRule(rules: UploadRules, mime: string): void {
  const rule = rules.allowedTypes;
  if (rule?.mode === 'enforced' && !typeAllowed(rule.types, mime)) {
    throw badRequest(
      `This library's upload rule allows only ${rule.types.join(', ')}; this file is ${mime}.`,
      { help: ruleHelp, reason: 'UPLOAD_RULE_TYPE' },
    );
  }
}

/**
 * The tags an upload into `folder` gets: the deepest listed folder at or above it gives its tags;
 * a default applies when the request sends no tags, an enforced rule adds them to the request's.
 */
export function applyFolderTagRule(
  rules: UploadRules,
  folder: string,
  tags: string[] | undefined,
): string[] | undefined {
  const rule = rules.folderTags;
  if (!rule) return tags;
  const match = rule.folders
    .filter((f) => folder.startsWith(f.folder))
    .sort((a, b) => b.folder.length - a.folder.length)[0];
  if (!match) return tags;
  if (rule.mode === 'default') return tags ?? match.tags;
  return normalizeTags([...(tags ?? []), ...match.tags]);
}
