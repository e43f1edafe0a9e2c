import { mimeAccepted } from '../../shared/session-token.js';
import { type ApiError, badRequest, forbidden, messages, notFound } from '../errors.js';
import type { ListQuery } from '../store/store.js';
import type { Principal } from './principal.js';

/**
 * A session token's folder scope, in one place. Paths are a file's `filePath` (`/a/b/c.png`)
 * or a folder in the normalized form (`/a/b/`). API keys have no scope and see everything.
 * Things outside the scope are invisible (404); writing outside it is refused (403).
 */

const outsideScope = 'OUTSIDE_SESSION_SCOPE';

/** Whoever may carry a session's scope: a principal, or a job that kept its creator's. */
export type Scoped = Pick<Principal, 'scope'> | null;

/** Whether `path` lies inside the principal's folder scope (always, for keys). */
export function isPathInScope(principal: Scoped, path: string): boolean {
  const folder = principal?.scope?.folder;
  return folder === undefined || path.startsWith(folder);
}

/** Refuses to create or put something at `path` outside the session's folder (upload, new folder, copy or move target). */
export function assertPathInScope(principal: Scoped, path: string): void {
  if (isPathInScope(principal, path)) return;
  throw forbidden(
    `This session may only work inside ${principal!.scope!.folder}, and ${path} is outside it. Ask your token endpoint for a session whose scope includes it.`,
    { reason: outsideScope },
  );
}

/** What a write leaves in the library: a file version at `filePath`, its type and size. */
export interface WrittenFile {
  filePath: string;
  mime: string;
  size: number;
}

/**
 * The one scope check of every write that leaves a file version in the library (upload,
 * resumable upload, Companion and URL imports, edit, copy, folder copy, version restore): inside
 * the session's folder, of a type its `accept` lists, no larger than its `maxFileSize`. The
 * functions that make a version current (src/server/library/versions.ts, `commitCopy`) take the
 * writer and call it, so a new write path cannot leave it out.
 */
export function assertWriteInScope(writer: Scoped, file: WrittenFile): void {
  assertPathInScope(writer, file.filePath);
  const scope = writer?.scope;
  if (scope?.maxFileSize !== undefined && file.size > scope.maxFileSize) throw sessionFileTooLarge(writer!);
  assertTypeAccepted(writer, file.mime);
}

/** A file outside the session's folder does not exist as far as the session can tell. */
export function assertFileVisible(principal: Principal | null, file: { filePath: string }): void {
  if (!isPathInScope(principal, file.filePath)) throw notFound(messages.fileNotFound);
}

/** A folder (`/a/b/`) outside the session's folder does not exist as far as the session can tell. */
export function assertFolderVisible(principal: Principal | null, folder: string, asSent: string): void {
  if (!isPathInScope(principal, folder)) {
    throw notFound(messages.folderNotFound(asSent), { reason: 'FOLDER_NOT_FOUND' });
  }
}

/** Confines a listing (and, later, a search) to the session's folder tree. */
export function limitListToScope(principal: Principal | null, query: ListQuery): ListQuery {
  const folder = principal?.scope?.folder;
  return folder === undefined || folder === '/' ? query : { ...query, within: folder };
}

/** The largest upload this caller may send: the server's limit, or a session's smaller one. */
export function uploadLimitFor(principal: Scoped, serverLimit: number): number {
  return Math.min(serverLimit, principal?.scope?.maxFileSize ?? serverLimit);
}

/** Refuses a file larger than the session allows, saying the session's limit. */
export function sessionFileTooLarge(principal: NonNullable<Scoped>): ApiError {
  return badRequest(
    `${messages.fileTooLarge} This session accepts files of at most ${principal.scope!.maxFileSize} bytes.`,
    { reason: 'FILE_TOO_LARGE' },
  );
}

/** Refuses a file whose type (sniffed from its bytes) is not in the session's `accept` list. */
function assertTypeAccepted(principal: Scoped, mime: string): void {
  const accept = principal?.scope?.accept;
  if (mimeAccepted(accept, mime)) return;
  throw badRequest(`This session accepts only ${accept!.join(', ')} files, and this file is ${mime}.`, {
    reason: 'FILE_TYPE_NOT_ACCEPTED',
  });
}
