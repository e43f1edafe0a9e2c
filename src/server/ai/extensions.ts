import { badRequest } from '../errors.js';
import { invalidParameter } from '../library/attributes.js';
import { newId } from '../library/ids.js';
import type { AiJobRecord } from '../store/store.js';
import type { AiProviders, TaggingExtension } from './providers.js';

const taggingNames: readonly string[] = [
  'google-auto-tagging',
  'aws-auto-tagging',
] satisfies TaggingExtension[];
const removeBgOptions = new Set(['add_shadow', 'semitransparency', 'bg_color', 'bg_colour', 'bg_image_url']);

/** An upload's or update's `extensions`, checked: what each asks for, by name. */
export type Extension = Record<string, unknown> & { name: string };

/**
 * Reads `extensions` as ImageKit gives it (`[{name: 'google-auto-tagging', maxTags, minConfidence},
 * {name: 'remove-bg', options}]`), refusing names and options this server does not know.
 */
export function parseExtensions(raw: unknown): Extension[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw invalidParameter('extensions', 'It must be a JSON array.');
  const unknown = raw
    .map((e) => (e && typeof e === 'object' ? (e as { name?: unknown }).name : e))
    .filter((name) => typeof name !== 'string' || !(taggingNames.includes(name) || name === 'remove-bg'));
  if (unknown.length > 0)
    throw invalidParameter(
      'extensions',
      `The extension${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${String(n)}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not available on this server; it runs google-auto-tagging, aws-auto-tagging and remove-bg.`,
    );
  const seen = new Set<string>();
  for (const extension of raw as Extension[]) {
    if (seen.has(extension.name))
      throw invalidParameter('extensions', `'${extension.name}' is listed twice.`);
    seen.add(extension.name);
    if (extension.name === 'remove-bg') {
      const options = extension.options ?? {};
      if (typeof options !== 'object' || Array.isArray(options))
        throw invalidParameter('extensions', "remove-bg's options must be an object.");
      const bad = Object.keys(options).filter((k) => !removeBgOptions.has(k));
      if (bad.length > 0) throw invalidParameter('extensions', `remove-bg has no option ${bad.join(', ')}.`);
      if ((options as Record<string, unknown>).bg_image_url !== undefined)
        throw invalidParameter('extensions', "remove-bg's bg_image_url is not supported here; use bg_color.");
      continue;
    }
    const { minConfidence, maxTags } = extension;
    if (
      minConfidence !== undefined &&
      !(typeof minConfidence === 'number' && minConfidence >= 0 && minConfidence <= 100)
    )
      throw invalidParameter(
        'extensions',
        `${extension.name}'s minConfidence must be a number from 0 to 100.`,
      );
    if (maxTags !== undefined && !(Number.isInteger(maxTags) && (maxTags as number) >= 1))
      throw invalidParameter('extensions', `${extension.name}'s maxTags must be a whole number, 1 or more.`);
  }
  return raw as Extension[];
}

/** Refuses extensions this node has no provider for: `--no-ai`, model files missing, none configured. */
export function assertExtensionsAvailable(ai: AiProviders, extensions: Extension[] | undefined): void {
  for (const extension of extensions ?? []) {
    const available =
      extension.name === 'remove-bg'
        ? ai.backgroundRemover !== undefined
        : ai.taggers[extension.name as TaggingExtension] !== undefined;
    if (!available) {
      throw badRequest(
        `The extension '${extension.name}' is not available on this server: ${ai.unavailable ?? 'no provider is configured for it.'}`,
        {
          reason: 'EXTENSION_NOT_AVAILABLE',
          help: 'See docs/ai.md: the server runs its packaged models unless started with --no-ai.',
        },
      );
    }
  }
}

/** The jobs `extensions` ask for on a version: one analysis for every tagger, one background removal. */
export function aiJobsFor(
  fileId: string,
  versionId: string,
  extensions: Extension[] | undefined,
  now: number,
): AiJobRecord[] {
  if (!extensions?.length) return [];
  const tagging = extensions.filter((e) => e.name !== 'remove-bg');
  const removeBg = extensions.filter((e) => e.name === 'remove-bg');
  const job = (kind: AiJobRecord['kind'], list: Extension[], n: number): AiJobRecord => ({
    jobId: newId(now + n),
    fileId,
    versionId,
    kind,
    params: { extensions: list },
    status: 'Pending',
    error: null,
    attempts: 0,
    claimedBy: null,
    leaseUntil: null,
    createdAt: now + n,
    updatedAt: now,
  });
  return [
    ...(tagging.length > 0 ? [job('analyse', tagging, 0)] : []),
    ...(removeBg.length > 0 ? [job('remove-bg', removeBg, 1)] : []),
  ];
}

/** ImageKit's `extensionStatus`: each extension asked for, `pending` until its job ends. */
export function extensionStatusOf(
  jobs: Array<Pick<AiJobRecord, 'status' | 'params'>>,
): Record<string, 'pending' | 'success' | 'failed'> {
  const status: Record<string, 'pending' | 'success' | 'failed'> = {};
  for (const job of [...jobs].reverse()) {
    const value = job.status === 'Pending' ? 'pending' : job.status === 'Done' ? 'success' : 'failed';
    for (const e of job.params.extensions) status[String(e.name)] = value;
  }
  return status;
}
