import type { IncomingHttpHeaders } from 'node:http';
import { attachmentDisposition } from '../library/delivery.js';
import type { ByteRange } from '../storage/blob-storage.js';

/** HTTP validators and byte ranges for delivery (RFC 9110 §13 and §14), as pure functions. */

export interface Validators {
  /** A strong entity tag, quoted. */
  etag: string;
  /** Epoch ms; compared at one-second precision, as HTTP dates are. */
  lastModified: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** `If-None-Match` wins over `If-Modified-Since`; either can make a GET or HEAD a 304. */
export function isNotModified(headers: IncomingHttpHeaders, v: Validators): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === v.etag);
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && seconds(v.lastModified) <= seconds(since);
  }
  return false;
}

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' };

/**
 * One `bytes=` range (first-last, first-, or -suffix). A multi-range, malformed or stale
 * (`If-Range` no longer matching) request gets the whole representation, as RFC 9110 allows.
 */
export function decideRange(headers: IncomingHttpHeaders, size: number, v: Validators): RangeDecision {
  const header = headers.range;
  if (header === undefined) return { kind: 'full' };
  const ifRange = headers['if-range'] as string | undefined;
  if (ifRange !== undefined) {
    const matches = ifRange.startsWith('"')
      ? ifRange.trim() === v.etag
      : seconds(Date.parse(ifRange)) === seconds(v.lastModified);
    if (!matches) return { kind: 'full' };
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return { kind: 'full' };
  }
  if (start >= size || size === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}

/** Types a browser may render inline from our origin; anything else could run script as us. */
function isInlineSafe(mime: string): boolean {
  if (mime === 'image/svg+xml') return false;
  if (/^(image|video|audio|font)\//.test(mime)) return true;
  return ['application/pdf', 'text/plain', 'text/css', 'application/json'].includes(mime);
}

/**
 * Headers that keep uploaded content from acting as our origin. SVG gets a CSP that forbids
 * scripts and, as DESIGN.md asks of unsanitised SVG, is a download when opened directly (`<img>`
 * and CSS ignore that); HTML and other active types are downloads in a sandbox.
 */
export function safetyHeaders(mime: string, fileName: string): Record<string, string> {
  if (mime === 'image/svg+xml') {
    return {
      'content-disposition': attachmentDisposition(fileName),
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    };
  }
  if (isInlineSafe(mime)) return {};
  return {
    'content-disposition': attachmentDisposition(fileName),
    'content-security-policy': "default-src 'none'; sandbox",
  };
}
