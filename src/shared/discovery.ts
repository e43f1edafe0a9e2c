import type { MediaFile } from './wire.js';

/** What a suggestion names: a file's name, a tag, an AI tag, a folder or a custom metadata value. */
export type SuggestionKind = 'name' | 'tag' | 'aiTag' | 'folder' | 'metadata';

/** One of `GET /_ml/suggest`'s answers: what to show and the searchQuery that finds it. */
export interface Suggestion {
  kind: SuggestionKind;
  label: string;
  searchQuery: string;
  /** A folder's path, or a file's path for a name. */
  path?: string;
  /** The custom metadata field a value belongs to. */
  field?: string;
}

/** `GET /_ml/files/{id}/similar`: files that look alike, most alike first. */
export interface SimilarAnswer {
  /** `signature` (pHash and colours) without an embedding model, else `embedding` (cosine). */
  method: 'signature' | 'embedding';
  similar: Array<{ file: MediaFile; distance: number }>;
}
