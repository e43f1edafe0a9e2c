import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { OriginRecord, Store } from '../store/store.js';
import { hasNul, invalidParameter, noNul } from './attributes.js';
import { actorOf, appendAudit, settingEvent } from './audit.js';
import { newId } from './ids.js';
import { openUrl } from './url-fetch.js';

/** An origin as the API answers it: its settings without the secrets. */
export type Origin = { id: string; name: string; type: string; includeCanonicalHeader: boolean } & Record<
  string,
  unknown
>;

type FieldKind = 'text' | 'url' | 'flag' | 'secret';

/** The origin types this server reads, and each one's fields (`!` required). */
const originTypes: Record<string, Record<string, FieldKind | `${FieldKind}!`>> = {
  S3: { bucket: 'text!', accessKey: 'secret!', secretKey: 'secret!', prefix: 'text', useIAMRole: 'flag' },
  CLOUDINARY_BACKUP: {
    bucket: 'text!',
    accessKey: 'secret!',
    secretKey: 'secret!',
    prefix: 'text',
    useIAMRole: 'flag',
  },
  S3_COMPATIBLE: {
    bucket: 'text!',
    endpoint: 'url!',
    accessKey: 'secret!',
    secretKey: 'secret!',
    prefix: 'text',
    s3ForcePathStyle: 'flag',
  },
  WEB_FOLDER: { baseUrl: 'url!', forwardHostHeaderToOrigin: 'flag' },
  WEB_PROXY: {},
};
/** ImageKit has these too; they need cloud clients this server does not carry. */
const unavailableTypes = new Set(['GCS', 'AZURE_BLOB', 'AKENEO_PIM']);
const common: Record<string, FieldKind> = {
  includeCanonicalHeader: 'flag',
  baseUrlForCanonicalHeader: 'url',
};

function readText(name: string, value: unknown, kind: FieldKind): unknown {
  if (kind === 'flag') {
    if (typeof value !== 'boolean') throw invalidParameter(name, 'Use true or false.');
    return value;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > 1000) {
    throw invalidParameter(name, 'Send 1 to 1000 characters.');
  }
  if (hasNul(value)) throw invalidParameter(name, noNul);
  if (kind === 'url' && !/^https?:\/\/[^/\s]+/i.test(value))
    throw invalidParameter(name, 'Send an http(s) URL.');
  return kind === 'secret' ? value : value.trim();
}

/** An origin definition as ImageKit's API takes it (create and update send it whole). */
export function readOriginDefinition(
  body: Record<string, unknown>,
): Omit<OriginRecord, 'id' | 'createdAt' | 'updatedAt'> {
  const type = body.type;
  if (typeof type === 'string' && unavailableTypes.has(type)) {
    throw invalidParameter(
      'type',
      `${type} origins are not available on this server (S3, S3_COMPATIBLE, CLOUDINARY_BACKUP, WEB_FOLDER and WEB_PROXY are).`,
    );
  }
  const fields = typeof type === 'string' ? originTypes[type] : undefined;
  if (!fields) throw invalidParameter('type', `Use one of ${Object.keys(originTypes).join(', ')}.`);
  const name = readText('name', body.name, 'text') as string;
  const settings: Record<string, unknown> = {};
  const all: Record<string, string> = { ...common, ...fields };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'type' || key === 'name' || value === undefined) continue;
    const kind = all[key];
    if (!kind) throw invalidParameter(key, `${type} origins have no ${key}.`);
    settings[key] = readText(key, value, kind.replace('!', '') as FieldKind);
  }
  for (const [key, kind] of Object.entries(fields)) {
    if (kind.endsWith('!') && settings[key] === undefined) {
      throw badRequest(`Your request is missing the ${key} parameter (${type} origins need it).`, {
        reason: 'MISSING_PARAMETER',
      });
    }
  }
  if (typeof settings.prefix === 'string') settings.prefix = settings.prefix.replace(/^\/+|\/+$/g, '');
  return { name, type: type as string, settings };
}

export function toOrigin(record: OriginRecord): Origin {
  const fields: Record<string, string> = { ...common, ...originTypes[record.type] };
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record.settings)) {
    if (!fields[key]?.startsWith('secret')) shown[key] = value;
  }
  const defaults: Record<string, unknown> = {};
  if ('prefix' in fields) defaults.prefix = '';
  if ('s3ForcePathStyle' in fields) defaults.s3ForcePathStyle = false;
  if ('forwardHostHeaderToOrigin' in fields) defaults.forwardHostHeaderToOrigin = false;
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    includeCanonicalHeader: false,
    ...defaults,
    ...shown,
  };
}

export async function requireOrigin(store: Store, id: string): Promise<OriginRecord> {
  const record = await store.origins.get(id);
  if (!record) throw notFound('There is no origin with this id.', { reason: 'NOT_FOUND' });
  return record;
}

export async function createOrigin(
  ctx: Pick<ServerContext, 'store'>,
  principal: Principal | null,
  body: Record<string, unknown>,
): Promise<Origin> {
  const now = Date.now();
  const record: OriginRecord = {
    id: newId(now),
    ...readOriginDefinition(body),
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.transaction(async (store) => {
    await store.origins.insert(record);
    await appendAudit(store, actorOf(principal), settingEvent('origin.create', record.id, record.name), now);
  });
  return toOrigin(record);
}

export async function replaceOrigin(
  ctx: Pick<ServerContext, 'store'>,
  principal: Principal | null,
  id: string,
  body: Record<string, unknown>,
): Promise<Origin> {
  const definition = readOriginDefinition(body);
  return ctx.store.transaction(async (store) => {
    const existing = await requireOrigin(store, id);
    const record = { ...existing, ...definition, updatedAt: Date.now() };
    await store.origins.replace(record);
    await appendAudit(store, actorOf(principal), settingEvent('origin.update', id, record.name));
    return toOrigin(record);
  });
}

/** An origin a URL endpoint still uses cannot go (ImageKit's rule): 409 naming the endpoint. */
export async function deleteOrigin(
  ctx: Pick<ServerContext, 'store'>,
  principal: Principal | null,
  id: string,
): Promise<void> {
  await ctx.store.transaction(async (store) => {
    const origin = await requireOrigin(store, id);
    const user = (await store.urlEndpoints.list()).find((endpoint) => endpoint.origins.includes(id));
    if (user) {
      throw conflict(`URL endpoint /${user.urlPrefix} uses this origin: remove it from the endpoint first.`, {
        reason: 'INVALID_OPERATION',
      });
    }
    await store.origins.delete(id);
    await appendAudit(store, actorOf(principal), settingEvent('origin.delete', id, origin.name));
  });
}

/** A file read from an origin: its bytes and the type the origin gave. */
export interface OriginFile {
  bytes: Buffer;
  contentType: string | undefined;
}

const s3Clients = new Map<string, S3Client>();

function s3ClientOf(origin: OriginRecord): S3Client {
  const s = origin.settings as Record<string, string | boolean | undefined>;
  const cacheKey = `${origin.id}@${origin.updatedAt}`;
  let client = s3Clients.get(cacheKey);
  if (!client) {
    client = new S3Client({
      ...(typeof s.endpoint === 'string' && {
        endpoint: s.endpoint,
        forcePathStyle: s.s3ForcePathStyle !== false,
      }),
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(s.useIAMRole !== true && {
        credentials: { accessKeyId: String(s.accessKey), secretAccessKey: String(s.secretKey) },
      }),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    s3Clients.set(cacheKey, client);
  }
  return client;
}

async function readStream(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes)
      throw badRequest(`The origin's file is larger than ${maxBytes} bytes.`, { reason: 'FILE_TOO_LARGE' });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Reads `path` (`/a/b.jpg`, or for a web proxy a full URL) from an origin; undefined when the
 * origin does not have it. Web folders and proxies follow the server's rule on private networks.
 */
export async function readFromOrigin(
  ctx: ServerContext,
  origin: OriginRecord,
  path: string,
): Promise<OriginFile | undefined> {
  const s = origin.settings as Record<string, string | undefined>;
  const maxBytes = ctx.config.maxUploadBytes;
  if (origin.type === 'WEB_FOLDER' || origin.type === 'WEB_PROXY') {
    const url =
      origin.type === 'WEB_PROXY'
        ? path.replace(/^\/+/, '')
        : `${String(s.baseUrl).replace(/\/+$/, '')}${path}`;
    if (!/^https?:\/\//i.test(url)) return undefined;
    try {
      const body = await openUrl(url, { maxBytes, ...ctx.config.urlFetch });
      return { bytes: await readStream(body, maxBytes), contentType: undefined };
    } catch (error) {
      if (/\b404\b|not found/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }
  const key = [s.prefix, path.replace(/^\/+/, '')].filter(Boolean).join('/');
  try {
    const object = await s3ClientOf(origin).send(new GetObjectCommand({ Bucket: s.bucket, Key: key }));
    if (!object.Body) return undefined;
    return {
      bytes: await readStream(object.Body as AsyncIterable<Uint8Array>, maxBytes),
      contentType: object.ContentType,
    };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404)
      return undefined;
    throw badRequest(`Origin ${origin.name} could not be read: ${(error as Error).message}`, {
      reason: 'URL_FETCH_FAILED',
    });
  }
}
