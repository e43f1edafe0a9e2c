import type { FastifyRequest } from 'fastify';
import {
  assertAllowed,
  authenticateBasic,
  authenticateSignature,
  hasSignatureFields,
} from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { sessionFileTooLarge, uploadLimitFor } from '../auth/scope.js';
import { authenticateSession, bearerToken, withUploadTokenScope } from '../auth/session.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, messages } from '../errors.js';
import { StagedFile } from '../library/staging.js';
import { ingestUpload, type UploadFields } from '../library/uploads.js';
import { openUrl } from '../library/url-fetch.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { UploadResponseSchema } from './schemas.js';

interface ReceivedForm {
  fields: UploadFields;
  /** The `file` field when it came as text: a base64 string or an http(s) URL. */
  fileText?: string;
  hasBinaryFile: boolean;
}

/**
 * Reads the multipart form, streaming a binary `file` part straight to the staging file. The
 * auth fields may arrive after the file (ImageKit's SDKs send the file first), so the bytes
 * are staged before the caller is known and thrown away if it turns out not to be allowed.
 */
async function receiveForm(
  request: FastifyRequest,
  staged: StagedFile,
  maxBytes: number,
): Promise<ReceivedForm> {
  const form: ReceivedForm = { fields: {}, hasBinaryFile: false };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        await staged.writeStream(part.file, maxBytes, { drain: true });
        if (part.file.truncated) throw badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
        form.hasBinaryFile = true;
      } else if (part.fieldname === 'file') {
        form.fileText = String(part.value);
      } else {
        form.fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
    if (code === 'FST_FILES_LIMIT')
      throw badRequest('Send one file per upload request.', { reason: 'INVALID_PARAMETER' });
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw badRequest('Your upload form has too many fields.', { reason: 'INVALID_PARAMETER' });
    }
    if (/field value size limit/i.test((error as Error).message ?? '')) {
      throw badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
    }
    throw badRequest(`Your request is not a valid multipart/form-data upload: ${(error as Error).message}.`, {
      reason: 'INVALID_MULTIPART',
    });
  }
  return form;
}

/**
 * A session token, known from the header before any bytes arrive, so its size limit applies
 * while the file streams in and a bad token costs no staging.
 */
async function authenticateUploadSession(
  ctx: ServerContext,
  request: FastifyRequest,
): Promise<Principal | undefined> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return undefined;
  const principal = await authenticateSession(ctx.store, token);
  assertAllowed(principal, 'write');
  return principal;
}

/** Basic auth or a client signature, never both (ImageKit's rule: a browser must not hold a private key). */
async function authenticateUpload(
  ctx: ServerContext,
  request: FastifyRequest,
  fields: UploadFields,
  session: Principal | undefined,
): Promise<Principal> {
  const signed = hasSignatureFields(fields);
  if (session) {
    if (signed) {
      throw badRequest(
        'Your request contains both a session token and signature parameters. Use only one method.',
        { reason: 'BOTH_AUTH_METHODS' },
      );
    }
    return session;
  }
  if (signed && request.headers.authorization)
    throw badRequest(messages.bothAuthMethods, { reason: 'BOTH_AUTH_METHODS' });
  if (signed) {
    const principal = await authenticateSignature(ctx.store, fields);
    return withUploadTokenScope(ctx.store, principal, fields.token!);
  }
  return authenticateBasic(ctx.store, request.headers.authorization, 'write');
}

/** A text `file` field holds either an http(s) URL to fetch or the bytes in base64 (optionally a data: URI). */
async function stageText(
  ctx: ServerContext,
  text: string,
  staged: StagedFile,
  maxBytes: number,
): Promise<void> {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    const body = await openUrl(trimmed, { maxBytes, ...ctx.config.urlFetch });
    await staged.writeStream(body, maxBytes);
    return;
  }
  const base64 = trimmed.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) {
    throw badRequest(
      'Your request contains invalid file parameter. Send the file as a binary part, a base64 string or an http(s) URL.',
      { reason: 'INVALID_PARAMETER' },
    );
  }
  await staged.writeBuffer(Buffer.from(base64, 'base64'), maxBytes);
}

const uploadSchema = { response: { 200: UploadResponseSchema } };

export const uploadRoutes: RoutePlugin = async (app, { ctx }) => {
  // Not rate limited, as ImageKit's upload API is not.
  app.post('/api/v1/files/upload', { schema: uploadSchema }, async (request) => {
    if (!request.isMultipart()) {
      throw badRequest('Upload with Content-Type: multipart/form-data, sending the file and a fileName.', {
        reason: 'INVALID_MULTIPART',
      });
    }
    const session = await authenticateUploadSession(ctx, request);
    const staged = new StagedFile(ctx.stagingDir);
    let limit = uploadLimitFor(session ?? null, ctx.config.maxUploadBytes);
    let principal: Principal | undefined = session;
    try {
      const form = await receiveForm(request, staged, limit);
      principal = await authenticateUpload(ctx, request, form.fields, session);
      assertAllowed(principal, 'write');
      // A signed upload's scope is known only now, after its bytes.
      limit = uploadLimitFor(principal, ctx.config.maxUploadBytes);
      if (form.hasBinaryFile && staged.size > limit) throw sessionFileTooLarge(principal);
      if (!form.hasBinaryFile) {
        if (form.fileText === undefined || form.fileText.trim() === '') {
          throw badRequest(messages.missingFile, { reason: 'MISSING_PARAMETER' });
        }
        await stageText(ctx, form.fileText, staged, limit);
      }
      return await ingestUpload(ctx, {
        fields: form.fields,
        staged,
        urlEndpoint: urlEndpointFor(ctx, request),
        principal,
      });
    } catch (error) {
      // Say which limit it was when the session's, not the server's, refused the size.
      const tooLarge = error instanceof ApiError && error.body.reason === 'FILE_TOO_LARGE';
      if (tooLarge && principal && limit < ctx.config.maxUploadBytes) throw sessionFileTooLarge(principal);
      throw error;
    } finally {
      await staged.discard();
    }
  });
};
