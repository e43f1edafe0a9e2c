import { badRequest, messages } from '../errors.js';
import { randomSuffix } from './ids.js';

export const maxNameLength = 255;
export const maxFolderDepth = 50;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const controlCharacters = /[\u0000-\u001f\u007f]/;
// ImageKit keeps letters, marks and digits of any script plus `.`, `_` and `-`; everything else becomes `_`.
const fileNameReplaced = /[^\p{L}\p{M}\p{N}._-]/gu;
const folderNameReplaced = /[^\p{L}\p{M}\p{N}_-]/gu;

/** Validates and sanitises an upload's `fileName` the way ImageKit does; path tricks are refused outright. */
export function sanitizeFileName(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '')
    throw badRequest(messages.missingFileName, { reason: 'MISSING_PARAMETER' });
  const invalid = (why: string) =>
    badRequest(`Your request contains invalid fileName parameter. ${why}`, { reason: 'INVALID_PARAMETER' });
  if (controlCharacters.test(raw)) throw invalid('It must not contain control characters such as NUL.');
  if (raw.includes('/') || raw.includes('\\')) {
    throw invalid("It must not contain '/' or '\\'. Use the folder parameter to choose where the file goes.");
  }
  if (raw === '.' || raw === '..') throw invalid("'.' and '..' are not file names.");
  if ([...raw].length > maxNameLength) throw invalid(`It is longer than ${maxNameLength} characters.`);
  return raw.trim().replace(fileNameReplaced, '_');
}

/** Sanitises a single folder name (create folder, rename folder). */
export function sanitizeFolderName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw badRequest('folderName parameter is missing.', { reason: 'MISSING_PARAMETER' });
  assertFolderSegment(name);
  return name.replace(folderNameReplaced, '_');
}

function assertFolderSegment(segment: string): void {
  if (segment === '.' || segment === '..') {
    throw badRequest("'.' & '..' can not be used as folder-name", { reason: 'INVALID_FOLDER_PATH' });
  }
  if (controlCharacters.test(segment)) {
    throw badRequest('Folder names must not contain control characters such as NUL.', {
      reason: 'INVALID_FOLDER_PATH',
    });
  }
  if ([...segment].length > maxNameLength) {
    throw badRequest(`Folder names must be at most ${maxNameLength} characters long.`, {
      reason: 'INVALID_FOLDER_PATH',
    });
  }
}

/**
 * Turns a folder parameter (`a/b`, `/a/b/`, `//a//b`) into our internal form `/a/b/`, refusing
 * `.` and `..` segments and more than 50 levels. The root is `/`.
 */
export function normalizeFolder(raw: string | undefined): string {
  if (raw === undefined) return '/';
  const segments = raw.split('/').filter((s) => s.trim() !== '');
  for (const segment of segments) assertFolderSegment(segment.trim());
  if (segments.length > maxFolderDepth) {
    throw badRequest(
      `Folders can be at most ${maxFolderDepth} levels deep; this path has ${segments.length}.`,
      {
        reason: 'INVALID_FOLDER_PATH',
      },
    );
  }
  if (segments.length === 0) return '/';
  return `/${segments.map((s) => s.trim().replace(folderNameReplaced, '_')).join('/')}/`;
}

/** A folder parameter the request must carry (destinationPath, sourceFolderPath…), normalized. */
export function requiredFolder(raw: string, parameter: string): string {
  if (raw.trim() === '') {
    throw badRequest(`Your request is missing the ${parameter} parameter.`, { reason: 'MISSING_PARAMETER' });
  }
  return normalizeFolder(raw);
}

/** `/a/b/` → `/a/b` (the wire form of `folderPath`); the root stays `/`. */
export function toWireFolderPath(folder: string): string {
  return folder === '/' ? '/' : folder.slice(0, -1);
}

/** Every folder from the top down to `folder` itself: `/a/b/` → [`/a/`, `/a/b/`]. */
export function folderChain(folder: string): string[] {
  const segments = folder.split('/').filter(Boolean);
  return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
}

export function parentOf(folder: string): string {
  const segments = folder.split('/').filter(Boolean);
  return segments.length <= 1 ? '/' : `/${segments.slice(0, -1).join('/')}/`;
}

export function lastSegment(folder: string): string {
  return folder.split('/').filter(Boolean).at(-1) ?? '';
}

/** `photo.jpg` → `photo_AbC12xYz.jpg`, as ImageKit's `useUniqueFileName`. */
export function uniqueFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const suffix = `_${randomSuffix()}`;
  return dot > 0 ? `${name.slice(0, dot)}${suffix}${name.slice(dot)}` : `${name}${suffix}`;
}
