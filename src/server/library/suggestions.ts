import type { Principal } from '../auth/principal.js';
import type { Store, SuggestionKind, SuggestionRow } from '../store/store.js';
import { duplicateScopeOf } from './duplicates.js';

/** One suggestion as `GET /_ml/suggest` answers it. */
export interface Suggestion {
  kind: SuggestionKind;
  /** What the list shows. */
  label: string;
  /** The searchQuery that finds what the suggestion names. */
  searchQuery: string;
  /** A folder's path, or a file's path for a name. */
  path?: string;
  /** The custom metadata field a value belongs to. */
  field?: string;
}

export const maxSuggestions = 20;

/** The order kinds take turns in: the library's words before single files. */
const kindOrder: SuggestionKind[] = ['tag', 'aiTag', 'folder', 'metadata', 'name'];

/** A string literal of the query language. */
export const quoted = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export function searchQueryFor(row: SuggestionRow): string {
  switch (row.kind) {
    case 'name':
      return `name = ${quoted(row.value)}`;
    case 'tag':
      return `tags IN [${quoted(row.value)}]`;
    case 'aiTag':
      return `AITags IN [${quoted(row.value)}]`;
    case 'folder':
      return `path : ${quoted(row.path ?? '/')}`;
    case 'metadata':
      return `${quoted(`customMetadata.${row.field}`)} = ${quoted(row.value)}`;
  }
}

/**
 * What the search box suggests for `typed`: names, tags, AI tags, folders and custom metadata
 * values starting with it (any case), only from what the caller sees, the kinds taking turns.
 */
export async function suggest(
  store: Store,
  principal: Principal | null,
  typed: string,
  limit: number,
): Promise<Suggestion[]> {
  const lists = await store.suggestions.suggest(typed, duplicateScopeOf(principal), limit);
  const byKind = new Map<SuggestionKind, SuggestionRow[]>();
  for (const list of lists)
    for (const row of list) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
  const picked: Suggestion[] = [];
  for (let round = 0; picked.length < limit; round++) {
    let any = false;
    for (const kind of kindOrder) {
      const row = byKind.get(kind)?.[round];
      if (!row || picked.length >= limit) continue;
      any = true;
      picked.push({
        kind,
        label: row.value,
        searchQuery: searchQueryFor(row),
        ...(row.path !== undefined && { path: row.path }),
        ...(row.field !== undefined && { field: row.field }),
      });
    }
    if (!any) break;
  }
  return picked;
}
