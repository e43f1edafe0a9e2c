import { newVersionFields } from '../../client/editing.js';
import type { MediaClient } from '../../client/media-client.js';

/** What to do with an upload whose name is taken in the target folder. */
export type ConflictChoice = 'replace' | 'keep-both' | 'skip';

/**
 * ImageKit's upload fields for a choice: replace is a new version of the same file
 * (`overwriteFile`), keeping its tags, custom metadata, alt text and focus area unless
 * `keepDetails` is false; keep both is a unique name (`useUniqueFileName`); skip sends nothing.
 */
export function conflictFields(
  choice: ConflictChoice,
  keepDetails = true,
): Record<string, string> | undefined {
  if (choice === 'skip') return undefined;
  return choice === 'replace'
    ? newVersionFields(keepDetails)
    : { useUniqueFileName: 'true', overwriteFile: 'false' };
}

/** A search for files with any of these exact names (ImageKit's query language), in batches the server takes. */
export function nameQueries(names: readonly string[], batch = 50): string[] {
  const unique = [...new Set(names)];
  const queries: string[] = [];
  for (let i = 0; i < unique.length; i += batch) {
    queries.push(
      unique
        .slice(i, i + batch)
        .map((name) => `name = ${JSON.stringify(name)}`)
        .join(' OR '),
    );
  }
  return queries;
}

/**
 * The names among `names` that files in `folder` (`/a/b`) already have: uploading, copying or
 * moving a file onto one of them makes it a new version of that file.
 */
export async function takenNames(client: MediaClient, folder: string, names: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  const prefix = folder === '/' ? '/' : `${folder}/`;
  for (const searchQuery of nameQueries(names)) {
    // A folder the session cannot list is one it cannot write to either: the server says so per file.
    const found = await client
      .listAssets({ path: folder, searchQuery, type: 'file', limit: 1000 })
      .catch(() => []);
    for (const asset of found)
      if ('filePath' in asset && asset.filePath === prefix + asset.name) taken.add(asset.name);
  }
  return taken;
}

/** The name the server will store a file under (as the server's sanitizeFileName). */
export function storedName(name: string): string {
  return name.trim().replace(/[^\p{L}\p{M}\p{N}._-]/gu, '_');
}
