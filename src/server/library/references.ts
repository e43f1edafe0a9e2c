import type { AuditActor } from '../../shared/audit.js';
import type { FileReference, ReferencesInput } from '../../shared/lifecycle.js';
import type { Principal } from '../auth/principal.js';
import { assertLevel, isPathInScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { ReferenceRecord } from '../store/store.js';
import { appendAudit } from './audit.js';

/** Most files one place may use, and most places one answer lists. */
export const maxReferencedFiles = 1000;
export const maxReferencesListed = 500;

/** A place's url, if it is an http(s) URL; a 400 that says so otherwise. */
function checkedUrl(url: string | undefined): string | null {
  if (url === undefined || url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`The url "${url.slice(0, 100)}" is not a URL.`, {
      reason: 'INVALID_PARAMETER',
      help: 'Send the absolute http or https address where an editor opens the place, e.g. https://site.example/wp-admin/post.php?post=42&action=edit.',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw badRequest(`The url must start with http: or https:, and this one starts with ${parsed.protocol}`, {
      reason: 'INVALID_PARAMETER',
      help: 'Links in the element open in a new tab; other schemes (javascript:, data:) are refused.',
    });
  }
  return parsed.href;
}

/**
 * `PUT /_ml/references`: the place now uses exactly `fileIds`. Each must be a file the caller sees
 * and may contribute to (404/403 otherwise, as a write). Rows of files the caller cannot see are
 * left as they are, so a narrow session never clears another's. Answers the files recorded.
 */
export async function replaceReferences(
  ctx: ServerContext,
  principal: Principal | null,
  input: ReferencesInput,
  actor: AuditActor,
): Promise<string[]> {
  const url = checkedUrl(input.url);
  const fileIds = [...new Set(input.fileIds)];
  const now = Date.now();
  return ctx.store.transaction(async (store) => {
    const missing: string[] = [];
    for (const fileId of fileIds) {
      const file = await store.files.get(fileId);
      if (!file || !isPathInScope(principal, file.filePath, fileId)) missing.push(fileId);
      else assertLevel(principal, 'contribute', file.filePath, fileId);
    }
    if (missing.length > 0) {
      throw badRequest(
        `${missing.length === 1 ? 'The file' : 'These files'} ${missing.slice(0, 10).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist or ${missing.length === 1 ? 'is' : 'are'} outside what you may see.`,
        {
          reason: 'FILES_MISSING',
          missingFileIds: missing,
          help: 'Send only fileIds of files in the library (deleted files are in the trash until restored).',
        },
      );
    }
    const kept: ReferenceRecord[] = [];
    for (const old of await store.references.filesOf(input.source, input.key)) {
      if (fileIds.includes(old)) continue;
      const file = await store.files.get(old);
      if (!file || !isPathInScope(principal, file.filePath, old)) {
        kept.push({
          source: input.source,
          key: input.key,
          fileId: old,
          title: input.title,
          url,
          updatedAt: now,
        });
      }
    }
    const rows = fileIds.map((fileId) => ({
      source: input.source,
      key: input.key,
      fileId,
      title: input.title,
      url,
      updatedAt: now,
    }));
    await store.references.replacePlace(input.source, input.key, [...rows, ...kept]);
    await appendAudit(
      store,
      actor,
      {
        action: 'references.update',
        target: { source: input.source, key: input.key, files: String(fileIds.length) },
      },
      now,
    );
    return fileIds;
  });
}

export const toFileReference = (record: ReferenceRecord): FileReference => ({
  source: record.source,
  key: record.key,
  title: record.title,
  url: record.url,
  updatedAt: new Date(record.updatedAt).toISOString(),
});
