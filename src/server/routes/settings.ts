import { Type } from '@fastify/type-provider-typebox';
import { actorOf } from '../library/audit.js';
import { readSettings, updateSettings } from '../library/settings.js';
import { normalizeUploadRules } from '../library/upload-rules.js';
import { maxNearDistance } from '../store/repositories/perceptual-hashes.js';
import type { RoutePlugin } from './route-plugin.js';
import { Nullable, StringEnum, withMessages } from './schemas.js';

const retentionMessage =
  'auditRetentionDays is a whole number of days from 1 to 36500, or null to keep entries forever.';

const distanceMessage = `nearDuplicateDistance is a whole number of bits from 0 to ${maxNearDistance}, or null to turn near duplicates off.`;

const Mode = withMessages(StringEnum(['enforced', 'default']), { enum: 'mode is enforced or default.' });

/** The upload rules, as stored and as a PATCH sends them (each rule replaced whole, or null). */
export const UploadRulesSchema = Type.Object(
  {
    naming: Nullable(
      Type.Object(
        {
          policy: withMessages(StringEnum(['unique', 'version', 'reject']), {
            enum: 'naming.policy is unique, version or reject.',
          }),
          mode: Mode,
        },
        { additionalProperties: false },
      ),
    ),
    allowedTypes: Nullable(
      Type.Object(
        {
          types: withMessages(
            Type.Array(
              withMessages(Type.String({ pattern: '^[a-z0-9.+-]+/([a-z0-9.+-]+|\\*)$' }), {
                pattern: 'allowedTypes.types are MIME types such as image/png or families such as image/*.',
              }),
              { minItems: 1, maxItems: 100 },
            ),
            { minItems: 'allowedTypes.types needs at least one type.' },
          ),
          mode: Mode,
        },
        { additionalProperties: false },
      ),
    ),
    maxSize: Nullable(
      Type.Object(
        {
          bytes: withMessages(Type.Integer({ minimum: 1 }), {
            minimum: 'maxSize.bytes is a whole number of bytes, at least 1.',
            type: 'maxSize.bytes is a whole number of bytes, at least 1.',
          }),
          mode: Mode,
        },
        { additionalProperties: false },
      ),
    ),
    folderTags: Nullable(
      Type.Object(
        {
          folders: Type.Array(
            Type.Object(
              {
                folder: Type.String({ minLength: 1, maxLength: 1024 }),
                tags: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
                  minItems: 1,
                  maxItems: 50,
                }),
              },
              { additionalProperties: false },
            ),
            { maxItems: 200 },
          ),
          mode: Mode,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const SettingsSchema = Type.Object({
  libraryName: Type.String(),
  auditRetentionDays: Nullable(Type.Number()),
  nearDuplicateDistance: Nullable(Type.Number()),
  uploadRules: UploadRulesSchema,
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
    nearDuplicateDistance: Type.Optional(
      withMessages(Nullable(Type.Integer({ minimum: 0, maximum: maxNearDistance })), {
        minimum: distanceMessage,
        maximum: distanceMessage,
        type: distanceMessage,
      }),
    ),
    uploadRules: Type.Optional(Type.Partial(UploadRulesSchema)),
  },
  { additionalProperties: false },
);

/**
 * `/_ml/settings`: what an admin changes at run time (the library's name, how long the audit log
 * keeps entries, the near-duplicate distance, the upload rules). Kept in the catalog, so every node reads the same; each change is audited.
 */
export const settingRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'admin', rateGroup: 'users' } as const;

  app.get('/_ml/settings', { schema: { response: { 200: SettingsSchema } }, config }, async () =>
    readSettings(ctx.store, ctx.config),
  );

  // What the element needs to follow the rules (and offer only what they allow): any signed-in caller.
  app.get(
    '/_ml/upload-rules',
    {
      schema: { response: { 200: Type.Object({ rules: UploadRulesSchema }) } },
      config: { access: 'read', rateGroup: 'files.read', session: true },
    },
    async () => ({ rules: (await readSettings(ctx.store, ctx.config)).uploadRules }),
  );

  app.patch(
    '/_ml/settings',
    { schema: { body: SettingsPatch, response: { 200: SettingsSchema } }, config },
    async (request) => {
      const { libraryName, auditRetentionDays, nearDuplicateDistance, uploadRules } = request.body;
      return updateSettings(
        ctx.store,
        ctx.config,
        {
          ...(libraryName !== undefined && { libraryName }),
          ...(auditRetentionDays !== undefined && { auditRetentionDays }),
          ...(nearDuplicateDistance !== undefined && { nearDuplicateDistance }),
          ...(uploadRules !== undefined && { uploadRules: normalizeUploadRules(uploadRules) }),
        },
        actorOf(request.principal),
      );
    },
  );
};
