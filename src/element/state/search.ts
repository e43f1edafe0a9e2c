import { allOf, anyOf, condition, type QueryOperator, type QueryScalar } from '../../client/search-query.js';

export type TypeFilter = 'image' | 'video' | 'audio' | 'pdf';
export type DatePreset = '24h' | '7d' | '30d' | '1y';
export type DateFilter = { preset: DatePreset } | { from?: string; to?: string };
export type SizeFilter = 'small' | 'medium' | 'large' | 'huge';

/** One row of the advanced builder: `field op value`, the value as typed. */
export interface AdvancedCondition {
  field: string;
  /** The field's kind, so the value is written as the server expects (a number, a size…). */
  kind: FieldKind;
  op: QueryOperator;
  value: string;
}

/** Everything the search bar holds; `searchQueryOf` turns it into ImageKit's `searchQuery`. */
export interface SearchState {
  /** Plain text, matched against names and tags. */
  text: string;
  type?: TypeFilter;
  /** Files with any of these tags. */
  tags: string[];
  date?: DateFilter;
  size?: SizeFilter;
  advanced: { match: 'AND' | 'OR'; conditions: AdvancedCondition[] };
  /** Only files no place uses (`used = false`: the media server's references, not ImageKit's). */
  unused?: boolean;
  /** Query text the user wrote in the query editor (or `initial-query`), ANDed with the rest. */
  raw?: string;
}

export const emptySearch: SearchState = Object.freeze({
  text: '',
  tags: [],
  advanced: { match: 'AND', conditions: [] },
}) as SearchState;

export function isSearching(search: SearchState): boolean {
  return searchQueryOf(search) !== '';
}

const typeConditions: Record<TypeFilter, string> = {
  image: condition('fileType', '=', 'image'),
  video: condition('mime', ':', 'video/'),
  audio: condition('mime', ':', 'audio/'),
  pdf: condition('mime', '=', 'application/pdf'),
};

const sizeConditions: Record<SizeFilter, string> = {
  small: condition('size', '<', '100kb'),
  medium: allOf(condition('size', '>=', '100kb'), condition('size', '<', '1mb')),
  large: allOf(condition('size', '>=', '1mb'), condition('size', '<', '10mb')),
  huge: condition('size', '>=', '10mb'),
};

/** The day after `yyyy-mm-dd`, so "to 31 May" includes the whole of 31 May. */
function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function dateCondition(date: DateFilter | undefined): string | undefined {
  if (!date) return undefined;
  if ('preset' in date) return condition('createdAt', '>', date.preset);
  return allOf(
    date.from ? condition('createdAt', '>=', date.from) : undefined,
    date.to ? condition('createdAt', '<', dayAfter(date.to)) : undefined,
  );
}

/** What a builder field is, so values are written as the server expects them. */
export type FieldKind = 'text' | 'tags' | 'number' | 'size' | 'date' | 'boolean' | 'fileType';

function scalar(kind: FieldKind, text: string): QueryScalar {
  const value = text.trim();
  if (kind === 'number' && value !== '' && Number.isFinite(Number(value))) return Number(value);
  if (kind === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** One builder row as a condition; an empty value leaves the row out. */
export function advancedConditionQuery(row: AdvancedCondition): string | undefined {
  const kind = row.kind;
  if (row.value.trim() === '') return undefined;
  if (row.op === 'IN' || row.op === 'NOT IN') {
    const items = row.value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    return items.length
      ? condition(
          row.field,
          row.op,
          items.map((v) => scalar(kind, v)),
        )
      : undefined;
  }
  return condition(row.field, row.op, scalar(kind, row.value));
}

/** A condition's start: a field (quoted when dotted), an operator, then a quoted, listed, numeric or boolean value. */
const queryStart = /^\(*\s*("[^"]+"|[A-Za-z]\w*)\s*([<>]=?|[=:]|NOT\s*=|(NOT\s+)?IN)\s*(["'[\d-]|true|false)/;

/** Whether text typed into the search field is written in ImageKit's query language (`tags IN ["sale"]`). */
export function looksLikeQuery(text: string): boolean {
  return queryStart.test(text.trim());
}

/** The whole search as ImageKit's `searchQuery`; `''` when nothing is asked. */
export function searchQueryOf(search: SearchState): string {
  const text = search.text.trim();
  const advanced = search.advanced.conditions.map(advancedConditionQuery);
  return allOf(
    search.raw?.trim(),
    // Words search names and tags; a query typed into the field runs as written.
    text && (looksLikeQuery(text) ? text : anyOf(condition('name', ':', text), condition('tags', ':', text))),
    search.type && typeConditions[search.type],
    search.tags.length > 0 && condition('tags', 'IN', search.tags),
    dateCondition(search.date),
    search.size && sizeConditions[search.size],
    search.unused && condition('used', '=', false),
    search.advanced.match === 'OR' ? anyOf(...advanced) : allOf(...advanced),
  );
}
