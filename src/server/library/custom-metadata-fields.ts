import type { AuditActor, AuditChange } from '../../shared/audit.js';
import type { CustomMetadataField } from '../../shared/wire.js';
import type { ServerContext } from '../context.js';
import { badRequest, messages, notFound } from '../errors.js';
import type { CustomMetadataFieldRecord, Store } from '../store/store.js';
import { hasNul, invalidParameter, noNul } from './attributes.js';
import { type AuditEvent, appendAudit } from './audit.js';
import { validateFieldSchema } from './custom-metadata.js';
import { newId } from './ids.js';

export function toCustomMetadataField(record: CustomMetadataFieldRecord): CustomMetadataField {
  const field: CustomMetadataField = {
    id: record.id,
    name: record.name,
    label: record.label,
    schema: record.schema,
  };
  if (record.description !== null) field.description = record.description;
  return field;
}

const namePattern = /^[A-Za-z0-9_-]{1,100}$/;

function readLabel(label: string): string {
  if (hasNul(label)) throw invalidParameter('label', noNul);
  if (label.trim() === '' || label.length > 100) {
    throw badRequest('Your request contains invalid label parameter. Use 1 to 100 characters.', {
      reason: 'INVALID_PARAMETER',
    });
  }
  return label.trim();
}

function readDescription(description: string | null | undefined): string | null {
  if (description === undefined || description === null) return null;
  if (hasNul(description)) throw invalidParameter('description', noNul);
  if (description.length > 1000) {
    throw badRequest(
      'Your request contains invalid description parameter. Use a string of at most 1000 characters.',
      {
        reason: 'INVALID_PARAMETER',
      },
    );
  }
  return description;
}

async function assertLabelFree(store: Store, label: string, exceptId?: string): Promise<void> {
  const holder = await store.customMetadataFields.findLiveByLabel(label);
  if (holder && holder.id !== exceptId) {
    throw badRequest('A custom metadata field with this label already exists.', {
      reason: 'DUPLICATE_LABEL',
    });
  }
}

export interface CreateFieldInput {
  name: string;
  label: string;
  schema: unknown;
  description?: string;
}

export async function createCustomMetadataField(
  ctx: Pick<ServerContext, 'store'>,
  input: CreateFieldInput,
  actor: AuditActor,
): Promise<CustomMetadataField> {
  if (!namePattern.test(input.name)) {
    throw badRequest('Your request contains invalid name parameter. Use 1 to 100 letters, digits, _ or -.', {
      reason: 'INVALID_PARAMETER',
    });
  }
  // Values are keyed by field name in plain objects, where this one name is the prototype.
  if (input.name === '__proto__') {
    throw badRequest('Your request contains invalid name parameter. __proto__ cannot name a field.', {
      reason: 'INVALID_PARAMETER',
    });
  }
  const label = readLabel(input.label);
  const schema = validateFieldSchema(input.schema);
  const description = readDescription(input.description);
  return ctx.store.transaction(async (store) => {
    // Names stay taken after a delete, as ImageKit's do, so old values never change meaning.
    if (await store.customMetadataFields.findByName(input.name)) {
      throw badRequest('A custom metadata field with this name already exists.', {
        reason: 'DUPLICATE_NAME',
      });
    }
    await assertLabelFree(store, label);
    const now = Date.now();
    const record: CustomMetadataFieldRecord = {
      id: newId(now),
      name: input.name,
      label,
      schema,
      description,
      isDeleted: false,
      createdAt: now,
      updatedAt: now,
    };
    await store.customMetadataFields.insert(record);
    await appendAudit(
      store,
      actor,
      fieldEvent('field.create', record, {}, { label, schema, description }),
      now,
    );
    return toCustomMetadataField(record);
  });
}

/** A field's audit event: its id and name, and each changed property before and after. */
function fieldEvent(
  action: 'field.create' | 'field.update' | 'field.delete',
  field: CustomMetadataFieldRecord,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): AuditEvent {
  const changes: Record<string, AuditChange> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    changes[key] = {
      ...(key in before && { before: before[key] }),
      ...(key in after && { after: after[key] }),
    };
  }
  return { action, target: { id: field.id, name: field.name }, changes };
}

async function requireField(store: Store, id: string): Promise<CustomMetadataFieldRecord> {
  const field = await store.customMetadataFields.get(id);
  if (!field) throw notFound(messages.fieldNotFound);
  return field;
}

/** What may change of a field; `name` is here only to be refused. */
export interface UpdateFieldInput {
  name?: unknown;
  label?: string;
  schema?: Record<string, unknown>;
  description?: string | null;
}

/** Label, description and schema can change; a schema update is merged onto the old one (`null` removes a rule). */
export async function updateCustomMetadataField(
  ctx: ServerContext,
  id: string,
  input: UpdateFieldInput,
  actor: AuditActor,
): Promise<CustomMetadataField> {
  if ('name' in input) throw badRequest('Name cannot be updated.', { reason: 'INVALID_PARAMETER' });
  if (input.label === undefined && input.schema === undefined && input.description === undefined) {
    throw badRequest('Either label or schema should be provided.', { reason: 'MISSING_PARAMETER' });
  }
  return ctx.store.transaction(async (store) => {
    const field = await requireField(store, id);
    if (field.isDeleted)
      throw badRequest('Cannot update a deleted custom metadata fields.', { reason: 'FIELD_DELETED' });
    const patch: Partial<CustomMetadataFieldRecord> = { updatedAt: Date.now() };
    if (input.label !== undefined) {
      patch.label = readLabel(input.label);
      await assertLabelFree(store, patch.label, id);
    }
    if (input.description !== undefined) patch.description = readDescription(input.description);
    if (input.schema !== undefined) {
      const { type: _ignoredType, ...changes } = input.schema;
      const merged: Record<string, unknown> = { ...field.schema, ...changes };
      delete merged.type;
      for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
      patch.schema = validateFieldSchema(merged, field.schema.type);
    }
    await store.customMetadataFields.update(id, patch);
    const { updatedAt: _, ...changed } = patch;
    const before = Object.fromEntries(Object.keys(changed).map((k) => [k, field[k as keyof typeof field]]));
    await appendAudit(store, actor, fieldEvent('field.update', field, before, changed));
    return toCustomMetadataField(await requireField(store, id));
  });
}

export async function deleteCustomMetadataField(
  ctx: ServerContext,
  id: string,
  actor: AuditActor,
): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const field = await requireField(store, id);
    if (field.isDeleted) throw notFound(messages.fieldNotFound);
    await store.customMetadataFields.update(id, { isDeleted: true, updatedAt: Date.now() });
    await appendAudit(store, actor, fieldEvent('field.delete', field, {}, {}));
  });
}
