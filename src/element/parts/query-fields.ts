import type { QueryOperator, QueryScalar } from '../../client/search-query.js';
import type { CustomMetadataField } from '../../shared/wire.js';
import type { FieldKind } from '../state/search.js';

// The fields and operators the advanced builder offers (a lazy chunk, with the builder).

export interface FieldSpec {
  /** The query's field name (`customMetadata.price` for custom metadata). */
  name: string;
  kind: FieldKind;
  /** A custom metadata field's label; built-in fields are labelled by the catalog. */
  label?: string;
  options?: QueryScalar[];
}

/** The built-in fields the advanced builder offers. */
export const builtInFields: FieldSpec[] = [
  { name: 'name', kind: 'text' },
  { name: 'tags', kind: 'tags' },
  { name: 'fileType', kind: 'fileType', options: ['image', 'non-image'] },
  { name: 'format', kind: 'text' },
  { name: 'mime', kind: 'text' },
  { name: 'size', kind: 'size' },
  { name: 'width', kind: 'number' },
  { name: 'height', kind: 'number' },
  { name: 'createdAt', kind: 'date' },
  { name: 'updatedAt', kind: 'date' },
  { name: 'path', kind: 'text' },
];

/** Fields only the media server answers (ImageKit rejects them): offered where the server is ours. */
export const ownFields: FieldSpec[] = [
  // docs/comments.md: files with a comment thread not resolved.
  { name: 'hasOpenComments', kind: 'boolean', options: [true, false] },
];

/** Builder fields for the account's custom metadata fields. */
export function customFieldSpecs(fields: CustomMetadataField[]): FieldSpec[] {
  return fields.map((field) => {
    const { type, selectOptions } = field.schema;
    const kind: FieldKind =
      type === 'Number' ? 'number' : type === 'Date' ? 'date' : type === 'Boolean' ? 'boolean' : 'text';
    return {
      name: `customMetadata.${field.name}`,
      kind,
      label: field.label,
      ...(selectOptions && { options: selectOptions }),
    };
  });
}

/** The operators the server accepts for each kind of field. */
export const operatorsFor: Record<FieldKind, QueryOperator[]> = {
  text: [':', '=', 'NOT =', 'NOT :', 'IN', 'NOT IN'],
  tags: ['IN', 'NOT IN', ':'],
  number: ['=', '<', '<=', '>', '>=', 'NOT ='],
  size: ['<', '<=', '>', '>=', '='],
  date: ['>', '<', '>=', '<=', '='],
  boolean: ['=', 'NOT ='],
  fileType: ['=', 'NOT ='],
};
