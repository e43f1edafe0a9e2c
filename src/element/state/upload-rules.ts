import type { MediaClient } from '../../client/media-client.js';
import type { UploadRules } from '../../shared/wire.js';
import type { DuplicateChoice } from '../parts/upload-duplicates.js';
import type { ConflictChoice } from './upload-conflicts.js';

/** The library's upload rules (`GET /_ml/upload-rules`); none on a backend without them (ImageKit). */
export async function fetchUploadRules(client: MediaClient): Promise<UploadRules | undefined> {
  try {
    return (await client.request<{ rules: UploadRules }>('GET', '/_ml/upload-rules')).rules;
  } catch {
    return undefined;
  }
}

const choiceOf = { unique: 'keep-both', version: 'replace', reject: 'skip' } as const;

/** What a taken name may become: an enforced naming rule leaves its own choice and skipping. */
export function allowedConflictChoices(rules: UploadRules | undefined): ConflictChoice[] {
  const naming = rules?.naming;
  if (naming?.mode !== 'enforced') return ['replace', 'keep-both', 'skip'];
  return naming.policy === 'reject' ? ['skip'] : [choiceOf[naming.policy], 'skip'];
}

/** The choice a taken name starts with: the naming rule's, else keep both. */
export function initialConflictChoice(rules: UploadRules | undefined): ConflictChoice {
  return rules?.naming ? choiceOf[rules.naming.policy] : 'keep-both';
}

/** Replacing a duplicate uploads a new version of it, which only an enforced "new version" rule (or none) allows. */
export function allowedDuplicateChoices(rules: UploadRules | undefined): DuplicateChoice[] {
  const naming = rules?.naming;
  return naming?.mode === 'enforced' && naming.policy !== 'version'
    ? ['keep-both', 'use-existing']
    : ['keep-both', 'use-existing', 'replace'];
}

/**
 * The naming fields for a name that is free: as it is (and refused if it was taken meanwhile); under
 * an enforced naming rule none, so the server applies the rule rather than refusing the request.
 */
export function freeNameFields(rules: UploadRules | undefined): Record<string, string> {
  return rules?.naming?.mode === 'enforced' ? {} : { useUniqueFileName: 'false', overwriteFile: 'false' };
}

/** Uppy's restrictions from the size and type rules (enforced or default: the element starts from both). */
export function ruleRestrictions(rules: UploadRules | undefined): { maxFileSize?: number; types?: string[] } {
  return {
    ...(rules?.maxSize && { maxFileSize: rules.maxSize.bytes }),
    ...(rules?.allowedTypes && { types: rules.allowedTypes.types }),
  };
}
