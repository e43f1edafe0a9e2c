import { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import {
  assertAllowed,
  authenticateBasic,
  authenticateRequest,
  authenticateSignature,
  hasSignatureFields,
} from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { sessionFileTooLarge, uploadLimitFor } from '../auth/scope.js';
import { authenticateSession, bearerToken, withUploadTokenScope } from '../auth/session.js';
import { assertPayloadMatches, authenticateUploadJwt, type UploadJwt } from '../auth/upload-jwt.js';
import { userSessionOf } from '../auth/user-sessions.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, messages } from '../errors.js';
import { Base64Decoder } from '../library/base64-decoder.js';
import { type ReservedBlob, releaseBlob, reserveBlob } from '../library/blobs.js';
import { StagedFile } from '../library/staging.js';
import type { UploadAllowance } from '../library/unauthenticated-uploads.js';
import { ingestUpload, type UploadFields } from '../library/uploads.js';
import { openUrl } from '../library/url-fetch.js';
import { answeringAfterSync } from '../store/sqlite-group-commit.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { UploadResponseSchema } from './schemas.js';

interface ReceivedForm {
  fields: UploadFields;
  /** The `file` field was an http(s) URL: fetched once the sender is known, never before. */
  fileUrl?: string;
  /** The file's bytes (a binary part, or base64 text decoded) are in the staged file. */
  hasFile: boolean;
}

/**
 * Who is uploading: known from the Authorization header before any byte is read, or from the
 * signature fields the moment all four have arrived. Until then the body's bytes count against
 * the unauthenticated allowance.
 */
interface Sender {
  principal: Principal | undefined;
  /** How the header authenticated, when it did: signature fields are then a second method. */
  viaHeader: Principal | undefined;
  allowance: UploadAllowance | undefined;
  /** `/api/v2/files/upload` authenticates a client by a signed JWT in `token` instead of a signature. */
  version: 1 | 2;
  /** A V2 token, verified when its field arrived; the form is checked against its payload at the end. */
  jwt?: UploadJwt;
}

const signatureFieldNames = new Set(['publicKey', 'signature', 'token', 'expire']);

/** The largest `file` text that is a URL rather than base64. */
const maxUrlLength = 8192;

/** Other text fields are metadata (tags, custom metadata, checks): a mebibyte is far beyond any. */
const maxFieldBytes = 1024 * 1024;

const fieldTooLong = (name: string) =>
  badRequest(`Your request contains a ${name} parameter longer than ${maxFieldBytes} bytes.`, {
    reason: 'INVALID_PARAMETER',
  });

/** The header's caller: a session token (Bearer) or a private key (Basic); refused before the body. */
async function authenticateHeader(ctx: ServerContext, header: string): Promise<Principal> {
  const token = bearerToken(header);
  if (token === undefined) return authenticateBasic(ctx.store, header, 'write');
  const principal = await authenticateSession(ctx.store, token);
  assertAllowed(principal, 'write');
  return principal;
}

/** A client signature (ImageKit's client-side upload), checked and its token spent. */
async function authenticateSigned(ctx: ServerContext, fields: UploadFields): Promise<Principal> {
  const principal = await authenticateSignature(ctx.store, fields);
  return withUploadTokenScope(ctx.store, principal, fields.token!);
}

/** Basic auth or a client signature, never both (ImageKit's rule: a browser must not hold a private key). */
async function onSignatureField(ctx: ServerContext, sender: Sender, fields: UploadFields): Promise<void> {
  if (sender.viaHeader?.via === 'session') {
    throw badRequest(
      'Your request contains both a session token and signature parameters. Use only one method.',
      { reason: 'BOTH_AUTH_METHODS' },
    );
  }
  if (sender.viaHeader) throw badRequest(messages.bothAuthMethods, { reason: 'BOTH_AUTH_METHODS' });
  const complete = [...signatureFieldNames].every((name) => fields[name as keyof UploadFields]);
  if (!complete || sender.principal) return;
  // All four are in: a bad signature stops the body here, whatever is still to come.
  sender.principal = await authenticateSigned(ctx, fields);
  assertAllowed(sender.principal, 'write');
  sender.allowance?.release();
  sender.allowance = undefined;
}

/** A V2 upload's `token`: a JWT, verified the moment it arrives (a forged one stops the body there). */
async function onUploadJwt(ctx: ServerContext, sender: Sender, token: string): Promise<void> {
  if (sender.viaHeader) throw badRequest(messages.bothAuthMethods, { reason: 'BOTH_AUTH_METHODS' });
  if (sender.jwt) throw badRequest('Send one token per upload.', { reason: 'INVALID_PARAMETER' });
  sender.jwt = await authenticateUploadJwt(ctx.store, token);
  sender.principal = sender.jwt.principal;
  sender.allowance?.release();
  sender.allowance = undefined;
}

/**
 * A `file` part sent as text: an http(s) URL (kept, to fetch later) or base64, decoded into the
 * staged file as it arrives so the text is never held whole.
 */
async function stageTextFile(
  text: Readable,
  staged: StagedFile,
  maxBytes: number,
  onText: (bytes: number) => void,
): Promise<string | undefined> {
  const chunks = text[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let seen = '';
  while (seen.trimStart().length < 8) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value as Buffer);
    seen += (next.value as Buffer).toString('latin1');
  }
  if (/^https?:\/\//i.test(seen.trimStart())) {
    for (;;) {
      if (seen.length > maxUrlLength)
        throw badRequest(`The file URL is longer than ${maxUrlLength} characters.`);
      const next = await chunks.next();
      if (next.done) break;
      seen += (next.value as Buffer).toString('latin1');
    }
    onText(seen.length);
    return seen.trim();
  }
  const rest = Readable.from(
    (async function* () {
      yield* head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
    })(),
  );
  await staged.writeStream(rest.pipe(new Base64Decoder(onText)), maxBytes);
  return undefined;
}

/** Whether a `file` part carries bytes (a file input) or text (base64 or a URL). */
const isBinaryPart = (part: MultipartFile) =>
  part.filename !== undefined || part.mimetype === 'application/octet-stream';

/**
 * Reads the multipart form, streaming the `file` part straight to the staging file (decoding
 * base64 text on the way). The auth fields may arrive after the file (ImageKit's SDKs send the
 * file first): until they do, every byte counts against the sender's allowance, and a bad
 * signature ends the reading the moment its last field arrives.
 */
async function receiveForm(
  ctx: ServerContext,
  request: FastifyRequest,
  staged: StagedFile,
  sender: Sender,
): Promise<ReceivedForm> {
  const form: ReceivedForm = { fields: {}, hasFile: false };
  const count = (bytes: number) => sender.allowance?.add(bytes);
  const limit = () => uploadLimitFor(sender.principal ?? null, ctx.config.maxUploadBytes);
  const parts = request.parts({
    // A `file` field without a file name is text: streamed like a file, not buffered as a field.
    isPartAFile: (name, type, fileName) =>
      name === 'file' || fileName !== undefined || type === 'application/octet-stream',
    limits: { fieldSize: maxFieldBytes, fileSize: Math.ceil((ctx.config.maxUploadBytes * 4) / 3) + 4096 },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        // The sender still unknown, the whole body may be theirs: refused now if it could never fit.
        sender.allowance?.expect(declaredLength(request) ?? 0);
        if (isBinaryPart(part)) {
          await staged.writeStream(part.file, limit(), { drain: true, onBytes: count });
          if (part.file.truncated) throw badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
          form.hasFile = true;
        } else {
          form.fileUrl = await stageTextFile(part.file, staged, limit(), count);
          form.hasFile = form.fileUrl === undefined && staged.size > 0;
        }
        continue;
      }
      if (part.valueTruncated) throw fieldTooLong(part.fieldname);
      const value = String(part.value);
      count(Buffer.byteLength(value));
      form.fields[part.fieldname] = value;
      if (sender.version === 2) {
        if (part.fieldname === 'token') await onUploadJwt(ctx, sender, value);
      } else if (signatureFieldNames.has(part.fieldname)) await onSignatureField(ctx, sender, form.fields);
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
    throw badRequest(`Your request is not a valid multipart/form-data upload: ${(error as Error).message}.`, {
      reason: 'INVALID_MULTIPART',
    });
  }
  return form;
}

/** Fetches a `file` URL into staging, once the sender is known (never on behalf of nobody). */
async function stageUrl(
  ctx: ServerContext,
  url: string,
  staged: StagedFile,
  maxBytes: number,
): Promise<void> {
  const body = await openUrl(url, { maxBytes, ...ctx.config.urlFetch });
  await staged.writeStream(body, maxBytes);
}

/** The body's declared length, when it has one. */
function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined || request.headers['transfer-encoding'] !== undefined
    ? undefined
    : Number(header);
}

const uploadSchema = { response: { 200: UploadResponseSchema } };

export const uploadRoutes: RoutePlugin = async (app, { ctx }) => {
  // Not rate limited, as ImageKit's upload API is not. Its reads (the key, the rules, the metadata
  // fields) wait for the catalog's sync once, with the upload's own commit, not one by one.
  app.post('/api/v1/files/upload', { schema: uploadSchema }, (request) =>
    answeringAfterSync(() => receiveUpload(ctx, request, 1)),
  );
  app.post('/api/v2/files/upload', { schema: uploadSchema }, (request) =>
    answeringAfterSync(() => receiveUpload(ctx, request, 2)),
  );
};

/**
 * One upload, V1 or V2: the same form and rules; a client authenticates V1 with ImageKit's
 * signature fields (`publicKey`, `signature`, `token`, `expire`), V2 with a JWT `token` whose
 * payload must be the form's other fields exactly.
 */
async function receiveUpload(ctx: ServerContext, request: FastifyRequest, version: 1 | 2) {
  if (!request.isMultipart()) {
    throw badRequest('Upload with Content-Type: multipart/form-data, sending the file and a fileName.', {
      reason: 'INVALID_MULTIPART',
    });
  }
  const header = request.headers.authorization;
  // A signed-in browser (the DAM app) uploads with its session cookie and CSRF token.
  const { cookie } = userSessionOf(request);
  const viaHeader =
    header !== undefined
      ? await authenticateHeader(ctx, header)
      : cookie && (await authenticateRequest(ctx.store, undefined, 'write', { sessions: true, cookie }));
  const sender: Sender = {
    principal: viaHeader,
    viaHeader,
    allowance: viaHeader ? undefined : ctx.unauthenticatedUploads.open(request.ip),
    version,
  };
  const staged = new StagedFile(ctx.stagingDir);
  // A known sender's blob is journaled while its bytes arrive (never a row for an unknown one).
  const reserved: ReservedBlob | undefined = viaHeader ? reserveBlob(ctx) : undefined;
  let stored = false;
  try {
    const form = await receiveForm(ctx, request, staged, sender);
    if (sender.jwt) assertPayloadMatches(sender.jwt.payload, form.fields);
    const principal =
      sender.principal ??
      (version === 1 && hasSignatureFields(form.fields)
        ? await authenticateSigned(ctx, form.fields)
        : await authenticateBasic(ctx.store, undefined, 'write'));
    assertAllowed(principal, 'write');
    // A signed upload's scope may be known only now, after its bytes.
    const limit = uploadLimitFor(principal, ctx.config.maxUploadBytes);
    if (form.fileUrl !== undefined) await stageUrl(ctx, form.fileUrl, staged, limit);
    else if (!form.hasFile) throw badRequest(messages.missingFile, { reason: 'MISSING_PARAMETER' });
    if (staged.size > limit) throw tooLargeFor(ctx, principal);
    const uploaded = await ingestUpload(ctx, {
      fields: form.fields,
      staged,
      urlEndpoint: urlEndpointFor(ctx, request),
      principal,
      reserved,
    });
    stored = true;
    return uploaded;
  } catch (error) {
    // Say which limit it was when the session's, not the server's, refused the size.
    const tooLarge = error instanceof ApiError && error.body.reason === 'FILE_TOO_LARGE';
    if (tooLarge && sender.principal) throw tooLargeFor(ctx, sender.principal);
    throw error;
  } finally {
    sender.allowance?.release();
    await staged.discard();
    // Not stored: its journal entry goes (left behind by a failure here, the startup sweep takes it).
    if (reserved && !stored) await releaseBlob(ctx, reserved).catch(() => undefined);
  }
}

/** The server's size refusal, or the session's when its own limit is the smaller. */
function tooLargeFor(ctx: ServerContext, principal: Principal): ApiError {
  return uploadLimitFor(principal, ctx.config.maxUploadBytes) < ctx.config.maxUploadBytes
    ? sessionFileTooLarge(principal)
    : badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
}
