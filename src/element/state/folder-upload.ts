import type { MediaClient } from '../../client/media-client.js';
import { takenNames } from './upload-conflicts.js';

/**
 * Uploading a folder (dropped, or chosen with Uppy's "browse folders"): each file carries its
 * `relativePath` (`photos/2024/beach.jpg`), and goes to the same folders under the target.
 */

/** A folder name as the server stores it (src/server/library/naming.ts): letters, digits, _ and - kept. */
export const storedFolderName = (name: string) => name.trim().replace(/[^\p{L}\p{M}\p{N}_-]/gu, '_');

/** The folder (`/a/b`) a file goes to: `target` (`/a`), then the folders of its `relativePath`. */
export function uploadFolderFor(target: string, relativePath: unknown): string {
  if (typeof relativePath !== 'string') return target;
  const folders = relativePath
    .split('/')
    .filter((part) => part.trim() !== '')
    .slice(0, -1)
    .map(storedFolderName);
  if (folders.length === 0) return target;
  return `${target === '/' ? '' : target}/${folders.join('/')}`;
}

/** How many folders are looked up at once. */
const lookupsAtOnce = 4;

/**
 * The names already taken among `files`, as `folder\nname`: one lookup per folder (a few at once),
 * so a dropped tree is asked about once, as one batch.
 */
export async function takenInFolders(
  client: MediaClient,
  files: Array<{ folder: string; name: string }>,
): Promise<Set<string>> {
  const byFolder = new Map<string, string[]>();
  for (const { folder, name } of files) byFolder.set(folder, [...(byFolder.get(folder) ?? []), name]);
  const taken = new Set<string>();
  const folders = [...byFolder];
  for (let start = 0; start < folders.length; start += lookupsAtOnce) {
    await Promise.all(
      folders.slice(start, start + lookupsAtOnce).map(async ([folder, names]) => {
        for (const name of await takenNames(client, folder, names)) taken.add(`${folder}\n${name}`);
      }),
    );
  }
  return taken;
}
