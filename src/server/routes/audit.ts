import { Type } from '@fastify/type-provider-typebox';
import { type AuditEntry, type AuditPage, auditActions } from '../../shared/audit.js';
import { badRequest } from '../errors.js';
import { assertMayReadAudit } from '../library/audit.js';
import { requiredFolder } from '../library/naming.js';
import type { AuditFilter, AuditRecord } from '../store/store.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringEnum, withMessages } from './schemas.js';

export const defaultAuditPageSize = 50;
export const maxAuditPageSize = 200;

const AuditQuery = Type.Object(
  {
    fileId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    folder: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    action: Type.Optional(
      withMessages(StringEnum(auditActions), {
        enum: `Your request contains invalid action parameter. Use one of ${auditActions.join(', ')}.`,
      }),
    ),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    cursor: Type.Optional(
      withMessages(Type.String({ pattern: '^[1-9][0-9]{0,17}$' }), {
        pattern:
          'Your request contains invalid cursor parameter. Pass the nextCursor of the previous page as it is.',
      }),
    ),
    limit: Type.Optional(
      withMessages(Type.Integer({ minimum: 1, maximum: maxAuditPageSize }), {
        minimum: `Your request contains invalid limit parameter. Use 1 to ${maxAuditPageSize}.`,
        maximum: `Your request contains invalid limit parameter. Use 1 to ${maxAuditPageSize}.`,
        type: `Your request contains invalid limit parameter. Use 1 to ${maxAuditPageSize}.`,
      }),
    ),
  },
  { additionalProperties: false },
);

const Change = Type.Object({ before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) });

const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.Object({
    type: StringEnum(['key', 'session', 'user', 'system']),
    id: Type.String(),
    name: Type.Optional(Type.String()),
    folder: Type.Optional(Type.String()),
  }),
  action: StringEnum(auditActions),
  target: Type.Record(Type.String(), Type.String()),
  changes: Type.Optional(Type.Record(Type.String(), Change)),
});

/** A time bound: ISO 8601 (`2026-01-31` or with a time) or epoch milliseconds. */
function parseTime(raw: string | undefined, parameter: 'from' | 'to'): number | undefined {
  if (raw === undefined) return undefined;
  const time = /^\d{1,15}$/.test(raw)
    ? Number(raw)
    : /^\d{4}-\d{2}-\d{2}/.test(raw)
      ? Date.parse(raw)
      : Number.NaN;
  if (Number.isNaN(time)) {
    throw badRequest(
      `Your request contains invalid ${parameter} parameter. Use an ISO 8601 date or time (2026-01-31T12:00:00Z) or epoch milliseconds.`,
      { reason: 'INVALID_PARAMETER' },
    );
  }
  return time;
}

function toAuditEntry(record: AuditRecord): AuditEntry {
  const target: AuditEntry['target'] = { ...record.target };
  if (record.fileId !== null) target.fileId = record.fileId;
  if (record.path !== null) target.path = record.path;
  return {
    id: String(record.id),
    at: new Date(record.at).toISOString(),
    actor: record.actor,
    action: record.action,
    target,
    ...(record.changes && { changes: record.changes }),
  };
}

/**
 * `GET /_ml/audit`: the audit log, newest first, filtered by file, folder (and below), actor id,
 * action and time, a keyset page at a time. There is no route that changes or removes entries.
 */
export const auditRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/audit',
    {
      schema: {
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            entries: Type.Array(AuditEntrySchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
      config: { access: 'read', rateGroup: 'audit', session: true },
    },
    async (request): Promise<AuditPage> => {
      const { fileId, folder, actor, action, cursor } = request.query;
      const filter: AuditFilter = {};
      if (fileId !== undefined) filter.fileId = fileId;
      if (folder !== undefined) filter.folder = requiredFolder(folder, 'folder');
      await assertMayReadAudit(ctx.store, request.principal, filter);
      if (actor !== undefined) filter.actorId = actor;
      if (action !== undefined) filter.action = action;
      const from = parseTime(request.query.from, 'from');
      const to = parseTime(request.query.to, 'to');
      if (from !== undefined) filter.from = from;
      if (to !== undefined) filter.to = to;
      if (from !== undefined && to !== undefined && from > to) {
        throw badRequest('Your request asks for entries from a time after its to time; swap from and to.', {
          reason: 'INVALID_PARAMETER',
        });
      }
      if (cursor !== undefined) filter.before = Number(cursor);
      const limit = request.query.limit ?? defaultAuditPageSize;
      // One more than a page tells whether there is another.
      const records = await ctx.store.audit.list(filter, limit + 1);
      const page = records.slice(0, limit);
      return {
        entries: page.map(toAuditEntry),
        nextCursor: records.length > limit ? String(page.at(-1)!.id) : null,
      };
    },
  );
};
