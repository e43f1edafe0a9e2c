/**
 * What a searchQuery means, independent of SQL: a tree of predicates over assets. The parser
 * (query-language.ts) gives syntax; `compileSearch` (compile.ts) checks fields, operators and
 * values and produces this; one translator per SQL dialect turns it into a WHERE clause.
 */

export type CompareOp = '=' | '<' | '<=' | '>' | '>=';

/** Columns every file row has; folders have `name`, `path`, `createdAt` and `updatedAt`. */
export type AssetColumn =
  | 'name'
  | 'path'
  | 'mime'
  | 'format'
  | 'fileType'
  | 'size'
  | 'width'
  | 'height'
  | 'createdAt'
  | 'updatedAt'
  | 'isPrivate'
  | 'isPublished'
  | 'hasAlpha';

export type AssetType = 'file' | 'file-version' | 'folder';

export type Scalar = string | number | boolean;

export type Predicate =
  /** `column op value`, or `column IN values` when `values` has several (op is then `=`). */
  | { kind: 'compare'; column: AssetColumn; op: CompareOp; values: Scalar[] }
  /** `column` starts with `prefix` (mime, path). */
  | { kind: 'prefix'; column: AssetColumn; prefix: string }
  /** Word-prefix text search: a phrase of `words`, the last one a prefix (name or tag text). */
  | { kind: 'words'; column: 'name' | 'tags'; words: string[] }
  /** Has any of the tags exactly; `source` narrows to AI tags. */
  | { kind: 'tags'; source: 'any' | 'ai'; values: string[] }
  | { kind: 'type'; values: AssetType[] }
  /** A custom metadata field's value (any element, for MultiSelect) compared; `contains` ignores case. */
  | {
      kind: 'metadata';
      field: string;
      valueKind: 'text' | 'number' | 'bool';
      op: CompareOp | 'contains';
      values: Scalar[];
    }
  /** In one of these collections, each named by its id or its name (any case). */
  | { kind: 'collection'; values: string[] }
  /** Some place uses the file, as CMS plugins reported it (`used = true`; `/_ml/references`). */
  | { kind: 'used' }
  /** An embedded (EXIF/IPTC/XMP) value: compared, or containing one of values when it is a list. */
  | { kind: 'embedded'; key: string; op: CompareOp | 'prefix'; values: Scalar[] }
  /** The file has a comment thread not resolved (docs/comments.md). */
  | { kind: 'openComments' }
  /** The words read from the image by OCR (docs/ai.md) hold every one of these. */
  | { kind: 'imageText'; words: string[] };

export type Filter =
  | Predicate
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter };

/** Old versions are searched only when the query asks for them by type. */
export function mentionsVersions(filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return mentionsVersions(filter.left) || mentionsVersions(filter.right);
    case 'not':
      return false;
    case 'type':
      return filter.values.includes('file-version');
    default:
      return false;
  }
}
