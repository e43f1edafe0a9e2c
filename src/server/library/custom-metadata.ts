import {
  type CustomMetadataFieldSchema,
  type CustomMetadataFieldType,
  type CustomMetadataValue,
  customMetadataFieldTypes,
} from '../../shared/wire.js';
import { badRequest, messages } from '../errors.js';
import type { CustomMetadataFieldRecord } from '../store/store.js';
import { hasNul } from './attributes.js';

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);
const isIsoDate = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v));

const schemaKeys = new Set([
  'type',
  'selectOptions',
  'defaultValue',
  'isValueRequired',
  'minValue',
  'maxValue',
  'minLength',
  'maxLength',
]);

const invalidSchema = (why: string) =>
  badRequest(`Invalid schema object. ${why}`, { reason: 'INVALID_SCHEMA' });

/**
 * Checks a field schema as sent to create or update a field and answers it in canonical form.
 * On update `type` comes from the existing field (ImageKit ignores a `type` sent with an update).
 */
export function validateFieldSchema(
  input: unknown,
  fixedType?: CustomMetadataFieldType,
): CustomMetadataFieldSchema {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw invalidSchema('schema must be an object.');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!schemaKeys.has(key)) throw invalidSchema(`Unknown property '${key}'.`);
  }
  const type = fixedType ?? canonicalType(raw.type);
  const schema: CustomMetadataFieldSchema = { type };
  const isText = type === 'Text' || type === 'Textarea';
  const isRange = type === 'Number' || type === 'Date';
  const isSelect = type === 'SingleSelect' || type === 'MultiSelect';

  if (raw.selectOptions !== undefined) {
    if (!isSelect) throw invalidSchema('selectOptions only applies to SingleSelect and MultiSelect fields.');
    if (
      !Array.isArray(raw.selectOptions) ||
      raw.selectOptions.length === 0 ||
      !raw.selectOptions.every(isScalar)
    ) {
      throw invalidSchema('selectOptions must be a non-empty array of strings, numbers or booleans.');
    }
    if (raw.selectOptions.some((o) => typeof o === 'string' && hasNul(o)))
      throw invalidSchema('selectOptions must not contain the NUL character.');
    schema.selectOptions = raw.selectOptions;
  } else if (isSelect) {
    throw invalidSchema(`selectOptions is required for ${type} fields.`);
  }

  for (const key of ['minLength', 'maxLength'] as const) {
    if (raw[key] === undefined) continue;
    if (!isText) throw invalidSchema(`${key} only applies to Text and Textarea fields.`);
    const n = raw[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw invalidSchema(`${key} must be a whole number ≥ 0.`);
    schema[key] = n;
  }
  if (
    schema.minLength !== undefined &&
    schema.maxLength !== undefined &&
    schema.minLength > schema.maxLength
  ) {
    throw invalidSchema('minLength is greater than maxLength.');
  }

  for (const key of ['minValue', 'maxValue'] as const) {
    if (raw[key] === undefined) continue;
    if (!isRange) throw invalidSchema(`${key} only applies to Number and Date fields.`);
    const v = raw[key];
    if (type === 'Number' && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw invalidSchema(`${key} must be a number.`);
    }
    if (type === 'Date' && !isIsoDate(v)) throw invalidSchema(`${key} must be an ISO 8601 date.`);
    schema[key] = v as string | number;
  }
  if (
    schema.minValue !== undefined &&
    schema.maxValue !== undefined &&
    rank(type, schema.minValue) > rank(type, schema.maxValue)
  ) {
    throw invalidSchema('minValue is greater than maxValue.');
  }

  if (raw.isValueRequired !== undefined) {
    if (typeof raw.isValueRequired !== 'boolean')
      throw invalidSchema('isValueRequired must be true or false.');
    schema.isValueRequired = raw.isValueRequired;
  }
  if (raw.defaultValue !== undefined) {
    const problem = valueProblem(schema, raw.defaultValue);
    if (problem) throw invalidSchema(`defaultValue ${problem}`);
    schema.defaultValue = raw.defaultValue as CustomMetadataValue;
  } else if (schema.isValueRequired) {
    throw invalidSchema('A required field needs a defaultValue.');
  }
  return schema;
}

function canonicalType(type: unknown): CustomMetadataFieldType {
  // ImageKit's own spec spells it both `Textarea` and `TextArea`.
  const normalised = type === 'TextArea' ? 'Textarea' : type;
  if (!customMetadataFieldTypes.includes(normalised as CustomMetadataFieldType)) {
    throw invalidSchema(`type must be one of ${customMetadataFieldTypes.join(', ')}.`);
  }
  return normalised as CustomMetadataFieldType;
}

const rank = (type: CustomMetadataFieldType, v: string | number) =>
  type === 'Date' ? Date.parse(String(v)) : Number(v);

/** Why `value` does not fit `schema`, in words for the user; undefined when it fits. */
export function valueProblem(schema: CustomMetadataFieldSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case 'Text':
    case 'Textarea': {
      if (typeof value !== 'string') return 'must be text.';
      if (hasNul(value)) return 'must not contain the NUL character.';
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) {
        return `must be at least ${schema.minLength} characters long.`;
      }
      if (schema.maxLength !== undefined && length > schema.maxLength) {
        return `must be at most ${schema.maxLength} characters long.`;
      }
      return undefined;
    }
    case 'Number':
    case 'Date': {
      if (schema.type === 'Number' && (typeof value !== 'number' || !Number.isFinite(value)))
        return 'must be a number.';
      if (schema.type === 'Date' && !isIsoDate(value)) return 'must be an ISO 8601 date such as 2024-05-01.';
      const v = rank(schema.type, value as string | number);
      if (schema.minValue !== undefined && v < rank(schema.type, schema.minValue)) {
        return `must be at least ${schema.minValue}.`;
      }
      if (schema.maxValue !== undefined && v > rank(schema.type, schema.maxValue)) {
        return `must be at most ${schema.maxValue}.`;
      }
      return undefined;
    }
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false.';
    case 'SingleSelect':
      return isScalar(value) && schema.selectOptions?.includes(value)
        ? undefined
        : `must be one of ${JSON.stringify(schema.selectOptions)}.`;
    case 'MultiSelect':
      return Array.isArray(value) && value.every((v) => isScalar(v) && schema.selectOptions?.includes(v))
        ? undefined
        : `must be a list of values from ${JSON.stringify(schema.selectOptions)}.`;
  }
}

/**
 * Applies `changes` to `current` custom metadata against the defined fields. On `create`,
 * defaults fill fields the request left out. `null` unsets a key (refused for required fields).
 * Every problem is reported at once, keyed by field name.
 */
export function applyCustomMetadata(
  current: Record<string, CustomMetadataValue>,
  changes: unknown,
  fields: CustomMetadataFieldRecord[],
  mode: 'create' | 'update',
): Record<string, CustomMetadataValue> {
  if (changes !== undefined && (changes === null || typeof changes !== 'object' || Array.isArray(changes))) {
    throw badRequest(`${messages.invalidCustomMetadata} customMetadata must be a JSON object.`, {
      reason: 'INVALID_PARAMETER',
    });
  }
  const byName = new Map(fields.filter((f) => !f.isDeleted).map((f) => [f.name, f]));
  const result = { ...current };
  // A Map: `errors['__proto__'] = …` on an object would be dropped without a word.
  const errors = new Map<string, string>();
  for (const [key, value] of Object.entries((changes ?? {}) as Record<string, unknown>)) {
    const field = byName.get(key);
    if (!field) {
      errors.set(
        key,
        `'${key}' is not a custom metadata field. Create it with POST /v1/customMetadataFields first.`,
      );
      continue;
    }
    if (value === null) {
      if (field.schema.isValueRequired) errors.set(key, `'${key}' is required and cannot be removed.`);
      else delete result[key];
      continue;
    }
    const problem = valueProblem(field.schema, value);
    if (problem) errors.set(key, `'${key}' ${problem}`);
    else result[key] = value as CustomMetadataValue;
  }
  if (mode === 'create') {
    for (const field of byName.values()) {
      if (result[field.name] === undefined && field.schema.defaultValue !== undefined) {
        result[field.name] = field.schema.defaultValue;
      }
    }
  }
  if (errors.size > 0) {
    throw badRequest(`${messages.invalidCustomMetadata} ${[...errors.values()].join(' ')}`, {
      reason: 'INVALID_CUSTOM_METADATA',
      errors: Object.fromEntries(errors),
    });
  }
  return result;
}
