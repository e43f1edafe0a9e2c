import { badRequest } from '../errors.js';

/** Limits ImageKit sets on file attributes. */
export const maxTagsLength = 500;
export const maxDescriptionLength = 4096;

export const invalidParameter = (name: string, why: string) =>
  badRequest(`Your request contains invalid ${name} parameter. ${why}`, { reason: 'INVALID_PARAMETER' });

/** PostgreSQL text cannot hold NUL; it is refused on every back end, so both behave alike. */
export const hasNul = (text: string) => text.includes('\u0000');
export const noNul = 'It must not contain the NUL character.';

/** Trims, drops empties and duplicates, and enforces ImageKit's tag rules. */
export function normalizeTags(tags: string[]): string[] {
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  if (clean.some((t) => t.includes('%'))) throw invalidParameter('tags', "Tags cannot contain '%'.");
  if (clean.some(hasNul)) throw invalidParameter('tags', noNul);
  if (clean.join(',').length > maxTagsLength) {
    throw invalidParameter('tags', `All tags together can have at most ${maxTagsLength} characters.`);
  }
  return clean;
}

/** Tags as the upload form sends them: `t1,t2`. */
export function tagsFromList(raw: string | undefined): string[] | undefined {
  return raw === undefined ? undefined : normalizeTags(raw.split(','));
}

/** `x,y,width,height` in whole pixels; empty or null removes them. */
export function parseCustomCoordinates(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined || raw === null || raw === '') return raw === undefined ? undefined : null;
  if (!/^\d+,\d+,\d+,\d+$/.test(raw)) {
    throw invalidParameter(
      'customCoordinates',
      'Use x,y,width,height in whole pixels, e.g. 10,10,100,100, or null to remove it.',
    );
  }
  return raw;
}

/** A focus area (`x,y,width,height`) if it lies inside an image this size; null otherwise. */
export function focusAreaWithin(
  area: string | null,
  width?: number | null,
  height?: number | null,
): string | null {
  const [x = 0, y = 0, w = 0, h = 0] = (area ?? '').split(',').map(Number);
  return area && width && height && x + w <= width && y + h <= height ? area : null;
}

export function parseDescription(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (hasNul(raw)) throw invalidParameter('description', noNul);
  if (raw.length > maxDescriptionLength) {
    throw invalidParameter('description', `It can have at most ${maxDescriptionLength} characters.`);
  }
  return raw;
}

/** Extensions need AI services this server does not run: say so instead of ignoring them. */
export function refuseExtensions(extensions: unknown): void {
  if (extensions === undefined) return;
  if (!Array.isArray(extensions)) throw invalidParameter('extensions', 'It must be a JSON array.');
  const first = extensions[0] as { name?: unknown } | undefined;
  if (first)
    throw invalidParameter(
      'extensions',
      `The extension '${String(first.name)}' is not available on this server.`,
    );
}
