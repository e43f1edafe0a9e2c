import {
  type Static,
  type TOptional,
  type TSchema,
  type TString,
  Type,
} from '@fastify/type-provider-typebox';
import {
  type ApiKeyPair,
  type CustomMetadataField,
  customMetadataFieldTypes,
  type CustomMetadataFieldSchema as FieldRules,
  type FileMetadata,
  type MediaFile,
  type MediaFolder,
  type UploadResponse,
} from '../../shared/wire.js';

/**
 * TypeBox schemas of what the routes take and answer. Requests are checked by TypeBox (JSON bodies
 * as sent; query strings and path parameters converted); answers are written by fast-json-stringify,
 * which leaves out any property a schema does not name, so every answer's schema names every field
 * of its wire type (checked below) and open maps (custom and embedded metadata) stay open.
 */

/** What a refusal of this value says instead of the generic message, by failing keyword (`required`, `type`, `minItems`…). */
export type ErrorMessages = Partial<Record<string, string>>;

/** `schema`, whose refusals say `errorMessages` (ImageKit's words where it has them). */
export const withMessages = <T extends TSchema>(schema: T, errorMessages: ErrorMessages): T =>
  Object.assign(schema, { errorMessages });

/** One of some strings, written as a plain string. */
export const StringEnum = <const V extends string>(values: readonly V[]) =>
  Type.Unsafe<V>({ type: 'string', enum: [...values] });

/** A scalar or array schema, or null: one `type` list, which fast-json-stringify writes without trying branches. */
export const Nullable = <T extends TSchema & { type: string }>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });

/** Optional query parameters taken as the strings sent; the library reads them, with ImageKit's messages. */
export const StringParams = <const K extends string>(...names: K[]) =>
  Type.Object(
    Object.fromEntries(names.map((name) => [name, Type.Optional(Type.String())])) as {
      [P in K]: TOptional<TString>;
    },
  );

/** An object whose keys are the user's (custom metadata, EXIF…): every property is kept. */
export const OpenObject = Type.Record(Type.String(), Type.Unknown());

export const FileIdParams = Type.Object({ fileId: Type.String() });

const AITag = Type.Object({ name: Type.String(), confidence: Type.Number(), source: Type.String() });
const VersionInfo = Type.Object({ id: Type.String(), name: Type.String() });
const FileType = StringEnum(['image', 'non-image']);

const Scalar = Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'] });

/** A custom metadata field's rules (`CustomMetadataFieldSchema` on the wire). */
export const FieldRulesSchema = Type.Object({
  type: StringEnum(customMetadataFieldTypes),
  selectOptions: Type.Optional(Type.Array(Scalar)),
  defaultValue: Type.Optional(Type.Union([Scalar, Type.Array(Scalar)])),
  isValueRequired: Type.Optional(Type.Boolean()),
  minValue: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'number'] })),
  maxValue: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'number'] })),
  minLength: Type.Optional(Type.Number()),
  maxLength: Type.Optional(Type.Number()),
});

/**
 * ImageKit's `extensionStatus`: each extension asked for (`google-auto-tagging`, `aws-auto-tagging`,
 * `remove-bg`) `pending` until its background job ends, then `success` or `failed` (docs/ai.md).
 */
export const ExtensionStatus = Type.Record(Type.String(), StringEnum(['pending', 'success', 'failed']), {
  description: 'Each extension asked for: pending until its background job ends, then success or failed.',
});

export const MediaFileSchema = Type.Object({
  fileId: Type.String(),
  type: StringEnum(['file', 'file-version']),
  name: Type.String(),
  filePath: Type.String(),
  tags: Nullable(Type.Array(Type.String())),
  AITags: Nullable(Type.Array(AITag)),
  versionInfo: VersionInfo,
  isPrivateFile: Type.Boolean(),
  isPublished: Type.Boolean(),
  customCoordinates: Nullable(Type.String()),
  url: Type.String(),
  thumbnail: Type.String(),
  fileType: FileType,
  mime: Type.String(),
  width: Type.Optional(Type.Number()),
  height: Type.Optional(Type.Number()),
  size: Type.Number(),
  hasAlpha: Type.Boolean(),
  customMetadata: OpenObject,
  embeddedMetadata: Type.Optional(OpenObject),
  description: Type.Optional(Type.String()),
  extensionStatus: Type.Optional(ExtensionStatus),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const MediaFolderSchema = Type.Object({
  type: StringEnum(['folder']),
  folderId: Type.String(),
  name: Type.String(),
  folderPath: Type.String(),
  customMetadata: OpenObject,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const FileMetadataSchema = Type.Object({
  height: Type.Optional(Type.Number()),
  width: Type.Optional(Type.Number()),
  size: Type.Number(),
  format: Type.String(),
  hasColorProfile: Type.Boolean(),
  quality: Type.Optional(Type.Number()),
  density: Type.Optional(Type.Number()),
  hasTransparency: Type.Boolean(),
  exif: Type.Record(Type.String(), OpenObject),
  pHash: Type.Optional(Type.String()),
});

export const UploadResponseSchema = Type.Object({
  fileId: Type.String(),
  name: Type.String(),
  filePath: Type.String(),
  url: Type.String(),
  thumbnailUrl: Type.String(),
  size: Type.Number(),
  width: Type.Optional(Type.Number()),
  height: Type.Optional(Type.Number()),
  fileType: FileType,
  mime: Type.String(),
  hasAlpha: Type.Boolean(),
  versionInfo: VersionInfo,
  AITags: Nullable(Type.Array(AITag)),
  description: Type.Optional(Type.String()),
  tags: Type.Optional(Nullable(Type.Array(Type.String()))),
  isPrivateFile: Type.Optional(Type.Boolean()),
  isPublished: Type.Optional(Type.Boolean()),
  customCoordinates: Type.Optional(Nullable(Type.String())),
  customMetadata: Type.Optional(OpenObject),
  embeddedMetadata: Type.Optional(OpenObject),
  metadata: Type.Optional(FileMetadataSchema),
  selectedFieldsSchema: Type.Optional(Type.Record(Type.String(), FieldRulesSchema)),
  extensionStatus: Type.Optional(ExtensionStatus),
});

export const CustomMetadataFieldSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  label: Type.String(),
  schema: FieldRulesSchema,
  description: Type.Optional(Type.String()),
});

export const ApiKeyPairSchema = Type.Object({
  publicKey: Type.String(),
  privateKey: Type.String(),
  kind: StringEnum(['standard', 'restricted']),
  permission: StringEnum(['None', 'Read', 'ReadWrite']),
  name: Type.String(),
  createdAt: Type.String(),
  previousKeyExpiresAt: Type.Optional(Type.String()),
});

/** `{}`, ImageKit's answer where there is nothing to say. */
export const EmptyObject = Type.Object({});

/**
 * True when an answer's schema names every field of its type: a field added to the type and not
 * to the schema would be dropped from every answer. Checked as `true satisfies Covers<…>`.
 */
export type Covers<S extends TSchema, T> = [keyof Static<S>] extends [keyof T]
  ? [keyof T] extends [keyof Static<S>]
    ? true
    : false
  : false;

true satisfies Covers<typeof MediaFileSchema, MediaFile>;
true satisfies Covers<typeof MediaFolderSchema, MediaFolder>;
true satisfies Covers<typeof FileMetadataSchema, FileMetadata>;
true satisfies Covers<typeof UploadResponseSchema, UploadResponse>;
true satisfies Covers<typeof CustomMetadataFieldSchema, CustomMetadataField>;
true satisfies Covers<typeof FieldRulesSchema, FieldRules>;
true satisfies Covers<typeof ApiKeyPairSchema, ApiKeyPair>;
