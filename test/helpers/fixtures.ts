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

/** An APP13 (Photoshop IRB) segment carrying IPTC keywords (record 2, dataset 25). */
function iptcKeywordsSegment(keywords: string[]): Buffer {
  const records = Buffer.concat(
    keywords.map((keyword) => {
      const value = Buffer.from(keyword, 'utf8');
      return Buffer.concat([Buffer.from([0x1c, 0x02, 0x19, value.length >> 8, value.length & 0xff]), value]);
    }),
  );
  const size = Buffer.alloc(4);
  size.writeUInt32BE(records.length);
  const padded = records.length % 2 ? Buffer.concat([records, Buffer.alloc(1)]) : records;
  const payload = Buffer.concat([
    Buffer.from('Photoshop 3.0\0', 'latin1'),
    Buffer.from('8BIM\x04\x04\0\0', 'latin1'),
    size,
    padded,
  ]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xed]), length, payload]);
}

/** A JPEG with IPTC keywords and an EXIF DateTimeOriginal (`2021:06:01 10:00:00` form). */
export async function photo(
  keywords: string[],
  dateTimeOriginal: string,
  width = 64,
  height = 48,
): Promise<Buffer> {
  const plain = await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .jpeg()
    .withExif({ IFD2: { DateTimeOriginal: dateTimeOriginal } })
    .toBuffer();
  return Buffer.concat([plain.subarray(0, 2), iptcKeywordsSegment(keywords), plain.subarray(2)]);
}
