import { Type } from '@fastify/type-provider-typebox';
import type { TrashItem, TrashPage } from '../../shared/lifecycle.js';
import { badRequest } from '../errors.js';
import { actorOf } from '../library/audit.js';
import { deleteFromTrash, emptyTrash, restoreFromTrash, trashQueryFor } from '../library/trash.js';
import type { TrashItemRecord } from '../store/store.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringEnum, withMessages } from './schemas.js';

const maxTrashPage = 200;
const maxIds = 100;

const Ids = withMessages(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: maxIds }), {
  maxItems: `Send at most ${maxIds} ids at a time.`,
});

const TrashQuery = Type.Object({
  skip: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(
    withMessages(Type.Integer({ minimum: 1, maximum: maxTrashPage }), {
      minimum: `Your request contains invalid limit parameter. Use 1 to ${maxTrashPage}.`,
      maximum: `Your request contains invalid limit parameter. Use 1 to ${maxTrashPage}.`,
      type: `Your request contains invalid limit parameter. Use 1 to ${maxTrashPage}.`,
    }),
  ),
});

const Item = Type.Object({
  id: Type.String(),
  type: StringEnum(['file', 'folder']),
  name: Type.String(),
  path: Type.String(),
  size: Type.Number(),
  fileCount: Type.Integer(),
  deletedBy: Type.Union([Type.String(), Type.Null()]),
  deletedAt: Type.String(),
  purgeAt: Type.String(),
});

const RestoreBody = Type.Object(
  {
    fileIds: Type.Optional(Ids),
    folderIds: Type.Optional(Ids),
    onConflict: Type.Optional(
      withMessages(StringEnum(['fail', 'rename']), {
        enum: 'onConflict is "fail" (the default: 409 when something sits at the old path) or "rename" (restore beside it under a new name).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** `DELETE /_ml/trash`'s optional body (no body empties the trash, so no schema can require one). */
function deleteIds(body: unknown): { fileIds?: string[]; folderIds?: string[] } {
  if (body === undefined || body === null) return {};
  const ids = (value: unknown, name: string) => {
    if (value === undefined) return undefined;
    if (
      !Array.isArray(value) ||
      value.length > maxIds ||
      value.some((id) => typeof id !== 'string' || id === '' || id.length > 100)
    ) {
      throw badRequest(
        `Your request contains invalid ${name} parameter: send at most ${maxIds} ids as strings.`,
        {
          reason: 'INVALID_PARAMETER',
        },
      );
    }
    return value as string[];
  };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(
      'Send a JSON object { fileIds, folderIds } as the request body, or no body to empty the trash.',
      {
        reason: 'INVALID_PARAMETER',
      },
    );
  }
  const { fileIds, folderIds, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw badRequest(
      `Your request contains unknown parameter ${unknown.map((k) => `'${k}'`).join(', ')}. Send fileIds and folderIds.`,
      {
        reason: 'INVALID_PARAMETER',
      },
    );
  }
  const files = ids(fileIds, 'fileIds');
  const folders = ids(folderIds, 'folderIds');
  return { ...(files && { fileIds: files }), ...(folders && { folderIds: folders }) };
}

const toTrashItem = (record: TrashItemRecord): TrashItem => ({
  id: record.itemId,
  type: record.kind,
  name: record.name,
  path: record.path,
  size: record.size,
  fileCount: record.fileCount,
  deletedBy: record.deletedBy,
  deletedAt: new Date(record.deletedAt).toISOString(),
  purgeAt: new Date(record.purgeAt).toISOString(),
});

const noIds = (body: { fileIds?: string[]; folderIds?: string[] }) =>
  (body.fileIds?.length ?? 0) + (body.folderIds?.length ?? 0) === 0;

/**
 * The trash (docs/server.md "Trash"): with `trashDays` above 0, deleted files and folders wait
 * here, hidden from everything else, until restored, deleted for good, or purged on time.
 */
export const trashRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/trash',
    {
      schema: {
        querystring: TrashQuery,
        response: {
          200: Type.Object({ items: Type.Array(Item), total: Type.Integer(), trashDays: Type.Integer() }),
        },
      },
      config: { access: 'read', rateGroup: 'trash', session: true },
    },
    async (request): Promise<TrashPage> => {
      const page = { skip: request.query.skip ?? 0, limit: request.query.limit ?? 50 };
      const query = trashQueryFor(request.principal, page);
      const [items, total] = await Promise.all([ctx.store.trash.list(query), ctx.store.trash.count(query)]);
      return { items: items.map(toTrashItem), total, trashDays: ctx.config.trashDays };
    },
  );

  app.post(
    '/_ml/trash/restore',
    {
      schema: {
        body: RestoreBody,
        response: {
          200: Type.Object({
            restored: Type.Array(
              Type.Object({ id: Type.String(), type: StringEnum(['file', 'folder']), path: Type.String() }),
            ),
          }),
        },
      },
      config: { access: 'write', rateGroup: 'trash', session: true },
    },
    async (request) => {
      if (noIds(request.body)) {
        throw badRequest('Send the fileIds or folderIds to restore (the ids GET /_ml/trash lists).', {
          reason: 'MISSING_PARAMETER',
        });
      }
      const restored = await restoreFromTrash(
        ctx,
        request.principal,
        request.body,
        actorOf(request.principal),
      );
      return { restored };
    },
  );

  app.delete(
    '/_ml/trash',
    {
      schema: { response: { 200: Type.Object({ deleted: Type.Integer() }) } },
      config: { access: 'write', rateGroup: 'trash', session: true },
    },
    async (request) => {
      const body = deleteIds(request.body);
      const actor = actorOf(request.principal);
      const deleted = noIds(body)
        ? await emptyTrash(ctx, request.principal, actor)
        : await deleteFromTrash(ctx, request.principal, body, actor);
      return { deleted };
    },
  );
};
