import sharp from 'sharp';
import type { TestServer } from './server.js';

export async function png(width = 40, height = 30, alpha = false): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: alpha ? 4 : 3,
      background: { r: 200, g: 40, b: 40, alpha: alpha ? 0.5 : 1 },
    },
  })
    .png()
    .toBuffer();
}

export async function jpeg(
  width = 64,
  height = 48,
  exif?: Record<string, Record<string, string>>,
): Promise<Buffer> {
  const image = sharp({
    create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } },
  }).jpeg();
  return (exif ? image.withExif(exif) : image).toBuffer();
}

/** A Blob of the bytes (copied into a plain Uint8Array, which is what `BlobPart` accepts). */
export function blobOf(bytes: Buffer | string, type = 'application/octet-stream'): Blob {
  return new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type });
}

export interface UploadInput {
  file?: { bytes: Buffer | string; name?: string; type?: string } | string;
  fields?: Record<string, string>;
}

/** The multipart body ImageKit's SDKs send: the file part first, then text fields. */
export function uploadForm({ file, fields = {} }: UploadInput): FormData {
  const form = new FormData();
  if (typeof file === 'string') form.append('file', file);
  else if (file) {
    form.append('file', blobOf(file.bytes, file.type), file.name ?? 'blob');
  }
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

/** Uploads with the standard key unless `key` says otherwise (null: no Authorization header). */
export function upload(server: TestServer, input: UploadInput, key?: string | null): Promise<Response> {
  return server.api('/api/v1/files/upload', {
    method: 'POST',
    body: uploadForm(input),
    ...(key !== undefined && { key }),
  });
}

/** Uploads a small PNG and answers the upload response, failing loudly if the server refused it. */
export async function uploadPng(
  server: TestServer,
  fields: Record<string, string> = {},
): Promise<
  { fileId: string; name: string; filePath: string; versionInfo: { id: string; name: string } } & Record<
    string,
    unknown
  >
> {
  const response = await upload(server, {
    file: { bytes: await png(), name: 'image.png', type: 'image/png' },
    fields: { fileName: 'image.png', ...fields },
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
