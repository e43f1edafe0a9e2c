import { Type } from '@fastify/type-provider-typebox';
import { actorOf } from '../library/audit.js';
import { readSettings, updateSettings } from '../library/settings.js';
import type { RoutePlugin } from './route-plugin.js';
import { Nullable, withMessages } from './schemas.js';

const retentionMessage =
  'auditRetentionDays is a whole number of days from 1 to 36500, or null to keep entries forever.';

const SettingsSchema = Type.Object({
  libraryName: Type.String(),
  auditRetentionDays: Nullable(Type.Number()),
});

const SettingsPatch = Type.Object(
  {
    libraryName: Type.Optional(
      withMessages(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }), {
        minLength: 'libraryName needs 1 to 100 characters.',
        maxLength: 'libraryName needs 1 to 100 characters.',
        pattern: 'libraryName needs 1 to 100 characters.',
        type: 'libraryName is a text.',
      }),
    ),
    auditRetentionDays: Type.Optional(
      withMessages(Nullable(Type.Integer({ minimum: 1, maximum: 36_500 })), {
        minimum: retentionMessage,
        maximum: retentionMessage,
        type: retentionMessage,
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * `/_ml/settings`: what an admin changes at run time (the library's name, how long the audit log
 * keeps entries). Kept in the catalog, so every node reads the same; each change is audited.
 */
export const settingRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'admin', rateGroup: 'users' } as const;

  app.get('/_ml/settings', { schema: { response: { 200: SettingsSchema } }, config }, async () =>
    readSettings(ctx.store, ctx.config),
  );

  app.patch(
    '/_ml/settings',
    { schema: { body: SettingsPatch, response: { 200: SettingsSchema } }, config },
    async (request) => {
      const { libraryName, auditRetentionDays } = request.body;
      return updateSettings(
        ctx.store,
        ctx.config,
        {
          ...(libraryName !== undefined && { libraryName }),
          ...(auditRetentionDays !== undefined && { auditRetentionDays }),
        },
        actorOf(request.principal),
      );
    },
  );
};
