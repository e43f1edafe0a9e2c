import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { AiCapabilities } from '../../shared/wire.js';
import { assertMaySend } from '../ai/privacy.js';
import type { AiProviders } from '../ai/providers.js';
import { assertFileVisible, assertLevel } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { toMediaFile } from '../library/file-object.js';
import { requireFile } from '../library/files.js';
import { normalizeFolder, sanitizeFileName } from '../library/naming.js';
import { StagedFile } from '../library/staging.js';
import { checkUploadAhead, ingestUpload } from '../library/uploads.js';
import { readBlob } from '../storage/blob-storage.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { type Covers, FileIdParams, MediaFileSchema, withMessages } from './schemas.js';

const AiCapabilitiesSchema = Type.Object({
  altText: Type.Boolean(),
  generate: Type.Boolean(),
  backgroundRemoval: Type.Boolean(),
  similar: Type.Boolean(),
  taggingExtensions: Type.Array(Type.String()),
});
true satisfies Covers<typeof AiCapabilitiesSchema, AiCapabilities>;

const AltTextBody = withMessages(
  Type.Optional(
    Type.Object({
      language: withMessages(Type.Optional(Type.String({ maxLength: 35 })), {
        type: 'language must be a language tag such as en or de-CH.',
        maxLength: 'language must be a language tag such as en or de-CH.',
      }),
    }),
  ),
  { type: 'Send a JSON object: {"language"?: "en"}.' },
);

const maxPromptLength = 4000;
const sizeMessage = 'width and height must be whole numbers of pixels from 64 to 4096.';
const Side = withMessages(Type.Optional(Type.Integer({ minimum: 64, maximum: 4096 })), {
  type: sizeMessage,
  minimum: sizeMessage,
  maximum: sizeMessage,
});

const GenerateBody = withMessages(
  Type.Object({
    prompt: withMessages(Type.String({ minLength: 1, maxLength: maxPromptLength }), {
      required: 'prompt is required: say what the image should show.',
      type: 'prompt must be text.',
      minLength: 'prompt is required: say what the image should show.',
      maxLength: `prompt must be at most ${maxPromptLength} characters.`,
    }),
    width: Side,
    height: Side,
    folder: withMessages(Type.String(), {
      required: 'folder is required: the folder to store the image in, such as /brand/.',
      type: 'folder must be a folder path such as /brand/.',
    }),
    fileName: withMessages(Type.String({ minLength: 1 }), {
      required: 'fileName is required: the new file\'s name, such as "sunset.png".',
      type: 'fileName must be text.',
      minLength: 'fileName is required: the new file\'s name, such as "sunset.png".',
    }),
  }),
  {
    type: 'Send a JSON object: {"prompt": "...", "folder": "/where/", "fileName": "name.png", "width"?: 1024, "height"?: 1024}.',
  },
);

const notConfigured = (what: string, settings: string) =>
  badRequest(`${what} is not configured on this server.`, {
    reason: 'AI_NOT_CONFIGURED',
    help: `The server operator can set ${settings} (docs/ai-providers.md).`,
  });

/** What each capability's provider is, as `/_ml/ai` tells the element. */
export function capabilitiesOf(ai: AiProviders): AiCapabilities {
  return {
    altText: !!ai.captioner,
    generate: !!ai.imageGenerator,
    backgroundRemoval: !!ai.backgroundRemover,
    similar: !!ai.embedder,
    taggingExtensions: Object.keys(ai.taggers),
  };
}

/**
 * The AI actions on files that need a provider (docs/ai-providers.md): alt text suggested by a
 * captioner, images generated from a prompt and stored as uploads, and which of these this
 * server offers.
 */
export const aiProviderRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/_ml/ai', { schema: { response: { 200: AiCapabilitiesSchema } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return capabilitiesOf(ctx.ai);
  });

  app.post(
    '/_ml/files/:fileId/alt-text-suggestion',
    {
      schema: {
        params: FileIdParams,
        body: AltTextBody,
        response: { 200: Type.Object({ altText: Type.String() }) },
      },
      config: { access: 'write', rateGroup: 'files.write', session: true },
    },
    async (request) => ({
      altText: await suggestAltText(ctx, request.principal, request.params.fileId, request.body?.language),
    }),
  );

  app.post(
    '/_ml/generate',
    {
      schema: { body: GenerateBody, response: { 200: MediaFileSchema } },
      config: { access: 'write', rateGroup: 'files.write', session: true },
    },
    async (request) => {
      const generator = ctx.ai.imageGenerator;
      if (!generator)
        throw notConfigured(
          'Image generation',
          'MEDIA_LIBRARY_AI_OPENAI_URL and MEDIA_LIBRARY_AI_OPENAI_IMAGE_MODEL',
        );
      const { prompt, width, height, folder, fileName } = request.body;
      // The upload's own fields and rules; the prompt is the new file's description.
      const fields = { fileName, folder, description: prompt, isPrivateFile: 'false' };
      const principal = request.principal;
      // Refused before the provider is paid for: scope, grants, the folder, the name.
      await checkUploadAhead(ctx, fields, principal, undefined);
      const image = await generator.generate(prompt, {
        ...(width !== undefined && { width }),
        ...(height !== undefined && { height }),
      });
      const named = withExtension(fileName, image.mime);
      // A free name is kept as asked; a taken one gets ImageKit's unique suffix, never overwrites.
      const taken = await ctx.store.files.getByPath(normalizeFolder(folder) + sanitizeFileName(named));
      const staged = new StagedFile(ctx.stagingDir);
      try {
        await staged.writeStream(Readable.from([image.bytes]), ctx.config.maxUploadBytes);
        const uploaded = await ingestUpload(ctx, {
          fields: { ...fields, fileName: named, useUniqueFileName: String(!!taken), overwriteFile: 'false' },
          staged,
          urlEndpoint: urlEndpointFor(ctx, request),
          principal,
        });
        const file = await ctx.store.files.get(uploaded.fileId);
        if (!file) throw notFound('The generated file was removed before it could be shown.');
        return toMediaFile(file, urlEndpointFor(ctx, request));
      } finally {
        await staged.discard();
      }
    },
  );
};

/**
 * Alt text for a file the caller may edit, from the captioner: an image sent downscaled (≤ 1024 px,
 * re-encoded without its metadata), and a private or unpublished one only where the operator allowed it.
 */
async function suggestAltText(
  ctx: ServerContext,
  principal: Parameters<typeof assertFileVisible>[0],
  fileId: string,
  language: string | undefined,
): Promise<string> {
  const captioner = ctx.ai.captioner;
  if (!captioner)
    throw notConfigured(
      'Alt text suggestion',
      'MEDIA_LIBRARY_AI_OPENAI_URL and MEDIA_LIBRARY_AI_OPENAI_CAPTION_MODEL',
    );
  const file = await requireFile(ctx.store, fileId);
  assertFileVisible(principal, file);
  assertLevel(principal, 'contribute', file.filePath, file.fileId);
  if (
    !file.mime.startsWith('image/') ||
    file.width === null ||
    file.height === null ||
    file.mime === 'image/svg+xml'
  )
    throw badRequest(`Alt text can be suggested for images; this file is ${file.mime}.`, {
      reason: 'NOT_AN_IMAGE',
    });
  assertMaySend(captioner, file);
  const bytes = await readBlob(ctx.storage, file.blobKey);
  try {
    return await captioner.caption(
      { bytes, mime: file.mime, width: file.width, height: file.height },
      language ? { language } : {},
    );
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw badRequest(`The image could not be read for alt text: ${(error as Error).message}`, {
      reason: 'INVALID_IMAGE',
    });
  }
}

const extensionOf: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
};

/** The name asked for, with the extension of the format the provider answered in. */
function withExtension(fileName: string, mime: string): string {
  const extension = extensionOf[mime] ?? '';
  const base = fileName.replace(/\.(png|jpe?g|webp)$/i, '');
  return `${base}${extension}`;
}
