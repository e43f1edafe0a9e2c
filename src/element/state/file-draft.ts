import type { FileDetailsPatch } from '../../client/editing.js';
import type { CustomMetadataValue, MediaFile } from '../../shared/wire.js';

/** What the details editor changes; custom values `undefined` when empty. */
export interface Draft {
  name: string;
  description: string;
  tags: string[];
  custom: Record<string, CustomMetadataValue | undefined>;
}

export function draftOf(file: MediaFile): Draft {
  return {
    name: file.name,
    description: file.description ?? '',
    tags: file.tags ?? [],
    custom: { ...(file.customMetadata ?? {}) },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The custom metadata keys whose draft value differs from the file's. */
function changedCustom(file: MediaFile, draft: Draft): string[] {
  const keys = new Set([...Object.keys(file.customMetadata ?? {}), ...Object.keys(draft.custom)]);
  return [...keys].filter((key) => !same(file.customMetadata?.[key], draft.custom[key]));
}

export function isDirty(file: MediaFile, draft: Draft): boolean {
  return (
    draft.name.trim() !== file.name ||
    draft.description !== (file.description ?? '') ||
    !same(draft.tags, file.tags ?? []) ||
    changedCustom(file, draft).length > 0
  );
}

/** The `PATCH …/details` body for what changed besides the name; undefined when nothing did. */
export function detailsPatch(file: MediaFile, draft: Draft): FileDetailsPatch | undefined {
  const patch: FileDetailsPatch = {};
  if (draft.description !== (file.description ?? '')) patch.description = draft.description;
  if (!same(draft.tags, file.tags ?? [])) patch.tags = draft.tags;
  const custom = changedCustom(file, draft);
  if (custom.length)
    patch.customMetadata = Object.fromEntries(custom.map((k) => [k, draft.custom[k] ?? null]));
  return Object.keys(patch).length ? patch : undefined;
}

/** The file as it will be once the draft is saved, to show before the server answers. */
export function optimistic(file: MediaFile, draft: Draft): MediaFile {
  const customMetadata = Object.fromEntries(
    Object.entries(draft.custom).filter((e): e is [string, CustomMetadataValue] => e[1] !== undefined),
  );
  return {
    ...file,
    name: draft.name.trim(),
    description: draft.description,
    tags: draft.tags,
    customMetadata,
  };
}
