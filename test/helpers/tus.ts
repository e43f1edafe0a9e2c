import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** tus `Upload-Metadata`: `key base64(value)` pairs. */
export function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

/** `POST /_ml/tus`: creates an upload; answers the response and the upload's absolute URL. */
export async function createTusUpload(
  base: string,
  fields: Record<string, string>,
  length: number,
  headers: Record<string, string>,
): Promise<{ response: Response; url: string | undefined }> {
  const response = await fetch(`${base}/_ml/tus`, {
    method: 'POST',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': tusMetadata(fields),
      ...headers,
    },
  });
  const location = response.headers.get('location');
  return { response, url: location ? new URL(location, base).href : undefined };
}

/** `PATCH <upload>`: sends `bytes` at `offset`. */
export function patchTusUpload(
  url: string,
  offset: number,
  bytes: Buffer,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(url, {
    method: 'PATCH',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      ...headers,
    },
    body: new Uint8Array(bytes),
  });
}

/**
 * `PATCH <upload>` with `bytes` streamed slowly, `pieceBytes` at a time and `pauseMs` apart: a
 * request still running while the test acts (kills the server, races another PATCH).
 */
export function patchTusUploadSlowly(
  url: string,
  offset: number,
  bytes: Buffer,
  headers: Record<string, string>,
  { pieceBytes, pauseMs }: { pieceBytes: number; pauseMs: number },
): Promise<Response> {
  const slow = Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += pieceBytes) {
        yield bytes.subarray(at, at + pieceBytes);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    })(),
  );
  return fetch(url, {
    method: 'PATCH',
    headers: {
      ...headers,
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: Readable.toWeb(slow) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
}

/** `HEAD <upload>`: the server's offset, or the status when there is none. */
export async function tusOffset(url: string, headers: Record<string, string>): Promise<number | string> {
  const response = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...headers } });
  return response.ok ? Number(response.headers.get('upload-offset')) : `status ${response.status}`;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Bytes that are not all alike, so a hash tells a shifted or repeated chunk apart. */
export function patternBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes.writeUInt32LE(x >>> 0, Math.min(i, size - 4));
  }
  return bytes;
}
