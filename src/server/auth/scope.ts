import { mimeAccepted } from '../../shared/session-token.js';
import type { AccessLevel } from '../../shared/wire.js';
import { type ApiError, badRequest, forbidden, messages, notFound } from '../errors.js';
import type { GrantedSet } from '../store/list-query.js';
import type { ListQuery } from '../store/store.js';
import type { Principal } from './principal.js';
import { levelIn, reaches } from './user-access.js';

/**
 * A session token's folder scope, in one place. Paths are a file's `filePath` (`/a/b/c.png`)
 * or a folder in the normalized form (`/a/b/`). API keys have no scope and see everything.
 * Things outside the scope are invisible (404); writing outside it is refused (403).
 * A DAM user's grants (src/server/auth/user-access.ts) narrow it further, the same way: what no
 * grant reaches is invisible, and a write needs `contribute` (`manage` to move, rename or delete).
 */

const outsideScope = 'OUTSIDE_SESSION_SCOPE';

/** Whoever may carry a session's scope: a principal, or a job that kept its creator's. */
export type Scoped = Pick<Principal, 'scope' | 'user'> | null;

const insideFolder = (principal: Scoped, path: string) => {
  const folder = principal?.scope?.folder;
  return folder === undefined || path.startsWith(folder);
};

/**
 * Whether `path` (a file's, with its id, or a folder's) is visible to the principal: inside its
 * session's folder, and reached by a grant of its user (a folder above a granted one is visible too,
 * so the way down can be walked). Always, for keys.
 */
export function isPathInScope(principal: Scoped, path: string, fileId?: string): boolean {
  if (!insideFolder(principal, path)) return false;
  const reach = principal?.user?.reach;
  if (!reach || levelIn(reach, path, fileId) !== null) return true;
  return path.endsWith('/') && (path === '/' || reach.ancestors.has(path));
}

/**
 * Refuses a write at `path` (and the file `fileId`) unless the principal's user holds `needed`
 * there; keys and users without grants to check (admins, managers) pass.
 */
export function assertLevel(principal: Scoped, needed: AccessLevel, path: string, fileId?: string): void {
  const reach = principal?.user?.reach;
  if (!reach) return;
  const held = levelIn(reach, path, fileId);
  if (reaches(held, needed)) return;
  throw forbidden(
    held === null
      ? `You have no access to ${path}. Ask someone who manages it to share it with you.`
      : `You have ${held} access to ${path}, and this needs ${needed}. Ask someone who manages it for more.`,
    { reason: 'PERMISSION_DENIED' },
  );
}

const outsideFolder = (principal: NonNullable<Scoped>, path: string) =>
  forbidden(
    `This session may only work inside ${principal.scope!.folder}, and ${path} is outside it. Ask your token endpoint for a session whose scope includes it.`,
    { reason: outsideScope },
  );

/** Refuses to create or put something at `path` outside the session's folder (upload, new folder, copy or move target), or where the user may not contribute. */
export function assertPathInScope(principal: Scoped, path: string): void {
  if (!insideFolder(principal, path)) throw outsideFolder(principal!, path);
  assertLevel(principal, 'contribute', path);
}

/** Refuses to move, rename or delete what lies at `path` unless the user may manage it. */
export function assertMayManage(principal: Scoped, path: string, fileId?: string): void {
  assertLevel(principal, 'manage', path, fileId);
}

/** What a write leaves in the library: a file version at `filePath`, its type and size. */
export interface WrittenFile {
  filePath: string;
  /** The file it is a version of, when it exists already (a file grant then counts). */
  fileId?: string;
  mime: string;
  size: number;
}

/**
 * The one scope check of every write that leaves a file version in the library (upload,
 * resumable upload, Companion and URL imports, edit, copy, folder copy, version restore): inside
 * the session's folder, where its user may contribute, of a type its `accept` lists, no larger than its `maxFileSize`. The
 * functions that make a version current (src/server/library/versions.ts, `commitCopy`) take the
 * writer and call it, so a new write path cannot leave it out.
 */
export function assertWriteInScope(writer: Scoped, file: WrittenFile): void {
  if (!insideFolder(writer, file.filePath)) throw outsideFolder(writer!, file.filePath);
  assertLevel(writer, 'contribute', file.filePath, file.fileId);
  const scope = writer?.scope;
  if (scope?.maxFileSize !== undefined && file.size > scope.maxFileSize) throw sessionFileTooLarge(writer!);
  assertTypeAccepted(writer, file.mime);
}

/** A file outside the session's folder does not exist as far as the session can tell. */
export function assertFileVisible(
  principal: Principal | null,
  file: { filePath: string; fileId?: string },
): void {
  if (!isPathInScope(principal, file.filePath, file.fileId)) throw notFound(messages.fileNotFound);
}

/** A folder (`/a/b/`) outside the session's folder does not exist as far as the session can tell. */
export function assertFolderVisible(principal: Principal | null, folder: string, asSent: string): void {
  if (!isPathInScope(principal, folder)) {
    throw notFound(messages.folderNotFound(asSent), { reason: 'FOLDER_NOT_FOUND' });
  }
}

/** Confines a listing, search or count to the session's folder tree and its user's grants, in SQL. */
export function limitListToScope(principal: Principal | null, query: ListQuery): ListQuery {
  const folder = principal?.scope?.folder;
  const limited = folder === undefined || folder === '/' ? query : { ...query, within: folder };
  const granted = grantedSetOf(principal);
  return granted ? { ...limited, granted } : limited;
}

/** A member's grants as a query narrows to them; undefined for everyone else. */
export function grantedSetOf(principal: Scoped): GrantedSet | undefined {
  const reach = principal?.user?.reach;
  return (
    reach && {
      trees: [...reach.folders.keys()],
      fileIds: [...reach.files.keys()],
      above: [...reach.ancestors],
    }
  );
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
