import { extname } from 'node:path';
import exifr from 'exifr';
import { fileTypeFromBuffer } from 'file-type';
import { extension as extensionOf, lookup as mimeOfName } from 'mime-types';
import sharp, { type Metadata } from 'sharp';
import type { FileType } from '../../shared/wire.js';
import { badRequest } from '../errors.js';
import { psdMime, psdSize } from './psd.js';

/** What the server learns from a file's bytes; never taken from the client. */
export interface ProbedFile {
  mime: string;
  fileType: FileType;
  /** Extension-like, as searchQuery's `format` field uses it: `jpg`, `png`, `pdf`… */
  format: string;
  width: number | null;
  height: number | null;
  hasAlpha: boolean;
  embeddedMetadata: Record<string, unknown>;
}

/** Image types libvips (through sharp) reads here; others are still images, without dimensions. */
export const readableImages: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/tiff',
  'image/svg+xml',
]);

/**
 * Sniffs the type from the bytes (falling back to the name only for formats without magic
 * bytes, such as SVG, CSS or JSON), then reads dimensions and embedded metadata for images.
 * Rejects images that claim more than `maxPixels` (decompression bombs) and files whose
 * name promises an image the bytes do not hold.
 */
export async function probeFile(
  path: string,
  head: Buffer,
  fileName: string,
  maxPixels: number,
): Promise<ProbedFile> {
  const mime = await sniffMime(head, fileName);
  const fileType: FileType = mime.startsWith('image/') ? 'image' : 'non-image';
  const format = formatOf(mime, fileName);
  const probed: ProbedFile = {
    mime,
    fileType,
    format,
    width: null,
    height: null,
    hasAlpha: false,
    embeddedMetadata: {},
  };
  if (mime === psdMime) {
    // Its size from the header; the flattened image is read only when a rendition asks for it.
    const size = psdSize(head);
    if (size) Object.assign(probed, size);
    return probed;
  }
  if (!readableImages.has(mime)) return probed;

  let info: Metadata;
  try {
    info = await sharp(path, { limitInputPixels: false }).metadata();
  } catch {
    throw badRequest(
      `Your request contains invalid file parameter. The file is not a valid ${format} image.`,
      {
        reason: 'INVALID_FILE',
      },
    );
  }
  const width = info.autoOrient?.width ?? info.width;
  const height = info.autoOrient?.height ?? info.height;
  if (!width || !height) {
    throw badRequest(`Your request contains invalid file parameter. The ${format} image has no dimensions.`, {
      reason: 'INVALID_FILE',
    });
  }
  if (width * height > maxPixels) {
    throw badRequest(
      `Your request contains invalid file parameter. The image is ${width}×${height} pixels, more than the ${maxPixels} pixels this server accepts.`,
      { reason: 'IMAGE_TOO_LARGE' },
    );
  }
  probed.width = width;
  probed.height = height;
  probed.hasAlpha = info.hasAlpha;
  if (mime !== 'image/svg+xml') probed.embeddedMetadata = await readEmbeddedMetadata(path);
  return probed;
}

/** `head` is the start of the file: sniffing never reads the disk again. */
async function sniffMime(head: Buffer, fileName: string): Promise<string> {
  const sniffed = await fileTypeFromBuffer(head);
  // file-type calls any text starting with `<?xml` XML; SVG has no magic bytes of its own.
  if ((!sniffed || sniffed.mime === 'application/xml') && hasSvgRoot(head)) return 'image/svg+xml';
  if (sniffed) return sniffed.mime;
  const byName = mimeOfName(fileName);
  if (!byName) return 'application/octet-stream';
  if (byName.startsWith('image/')) {
    // The name promises an image the sniffer found no trace of: refuse rather than store a lie.
    throw badRequest(
      `Your request contains invalid file parameter. The file is not a valid ${formatOf(byName, fileName)} image.`,
      { reason: 'INVALID_FILE' },
    );
  }
  // Text formats (CSS, JS, JSON, plain text…) have no magic bytes; their name is all there is.
  return byName;
}

/** An XML prolog: declaration, processing instructions, comments, a doctype (with its internal subset). */
const xmlProlog = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE\s[^[>]*(?:\[[\s\S]*?\])?\s*>)*/i;

/** Whether the text's root element, after any prolog, is `<svg>`. */
function hasSvgRoot(head: Buffer): boolean {
  // Markup's first character past white space is `<`: most binary files are known not to be SVG
  // from their first bytes, without decoding 64 KiB of them as UTF-8.
  const start = head
    .subarray(0, 256)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const space = /^\s*/.exec(start)![0].length;
  if (space < start.length - 4 && start[space] !== '<') return false;
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  return /^<svg[\s>/]/.test(text.slice(xmlProlog.exec(text)![0].length));
}

function formatOf(mime: string, fileName: string): string {
  const byMime = extensionOf(mime);
  if (byMime && mime !== 'application/octet-stream') return byMime === 'jpeg' ? 'jpg' : byMime;
  return extname(fileName).slice(1).toLowerCase() || 'unknown';
}

const maxEmbeddedValueLength = 1024;

/** EXIF, IPTC and XMP as one flat object of JSON values, like ImageKit's `embeddedMetadata`. */
async function readEmbeddedMetadata(path: string): Promise<Record<string, unknown>> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(path, {
      iptc: true,
      xmp: true,
      icc: false,
      makerNote: false,
      userComment: false,
    });
  } catch {
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const json = toJsonValue(value);
    if (json === undefined) continue;
    if (JSON.stringify(json).length > maxEmbeddedValueLength) continue;
    out[key] = json;
  }
  return out;
}

function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as Uint8Array);
  if (Array.isArray(value)) return value.map(toJsonValue).filter((v) => v !== undefined);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const json = toJsonValue(v);
      if (json !== undefined) out[k] = json;
    }
    return out;
  }
  return undefined;
}
