/**
 * What the app stores in a JSON object field: `{ files: StoredFile[] }`, in the editor's order.
 * Only what a front end needs to render a file; no tokens, keys or endpoints. Front ends import
 * these types and `readFieldValue` from `@media-library/contentful`.
 */
import type { MediaFile } from 'media-library';

/** A focus area in pixels of the original, from the file's `customCoordinates` (ImageKit's `fo-custom`). */
export interface FocusArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One chosen file, as stored. */
export interface StoredFile {
  fileId: string;
  /** The file's delivery URL; add ImageKit transformations to it (`?tr=w-800`). */
  url: string;
  filePath: string;
  name: string;
  mime: string;
  width?: number;
  height?: number;
  /** The file's description in the media library, meant as alt text. */
  alt?: string;
  focusArea?: FocusArea;
}

/** The field's JSON. */
export interface FieldValue {
  files: StoredFile[];
}

/** The stored form of a file the element inserted. */
export function toStoredFile(file: MediaFile): StoredFile {
  const stored: StoredFile = {
    fileId: file.fileId,
    url: file.url,
    filePath: file.filePath,
    name: file.name,
    mime: file.mime,
  };
  if (typeof file.width === 'number') stored.width = file.width;
  if (typeof file.height === 'number') stored.height = file.height;
  if (file.description) stored.alt = file.description;
  const focusArea = parseFocusArea(file.customCoordinates);
  if (focusArea) stored.focusArea = focusArea;
  return stored;
}

/**
 * The files in a field's value, skipping anything malformed (the value may have been written
 * through the API by something else). `undefined` and `null` are an empty field.
 */
export function readFieldValue(value: unknown): StoredFile[] {
  const files = value && typeof value === 'object' ? (value as { files?: unknown }).files : undefined;
  if (!Array.isArray(files)) return [];
  return files.filter(isStoredFile);
}

function isStoredFile(value: unknown): value is StoredFile {
  if (!value || typeof value !== 'object') return false;
  const file = value as Record<string, unknown>;
  return (['fileId', 'url', 'filePath', 'name', 'mime'] as const).every(
    (key) => typeof file[key] === 'string' && file[key] !== '',
  );
}

/** ImageKit's `customCoordinates` is `"x,y,width,height"`. */
function parseFocusArea(value: string | null | undefined): FocusArea | undefined {
  if (!value) return undefined;
  const numbers = value.split(',').map(Number);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n) || n < 0)) return undefined;
  const [x, y, width, height] = numbers as [number, number, number, number];
  return width > 0 && height > 0 ? { x, y, width, height } : undefined;
}
