import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorReason } from '../../shared/wire.js';
import { isActive } from '../auth/api-keys.js';
import { ApiError } from '../errors.js';
import type { Store } from '../store/store.js';

/** The expiry ImageKit signs when a URL has no `ik-t`: never. */
export const noExpiry = 9_999_999_999;

/**
 * ImageKit's URL signature (imagekit-api.md §8): `hex(HMAC-SHA1(privateKey, relative + expiry))`,
 * where `relative` is the URL after `<urlEndpoint>/` with `ik-t`/`ik-s` removed, as sent.
 */
export function signDeliveryUrl(privateKey: string, relative: string, expiry: number): string {
  return createHmac('sha1', privateKey).update(`${relative}${expiry}`).digest('hex');
}

export interface UrlSignature {
  /** The URL after the endpoint, without `ik-s` and `ik-t`. */
  relative: string;
  signature: string | undefined;
  expiry: string | undefined;
}

const unauthorized = (message: string, reason: ErrorReason) => new ApiError(401, message, { reason });

/**
 * Accepts a signature made with the private key of any active pair that may read. Answers the
 * expiry in Unix seconds; a missing, wrong or expired signature is a 401 that says which.
 */
export async function verifyUrlSignature(store: Store, s: UrlSignature, now = Date.now()): Promise<number> {
  if (!s.signature) {
    throw unauthorized(
      'This file is private or unpublished: its URL must be signed with ik-s (and ik-t), as ImageKit URL helpers do with signed: true.',
      'SIGNATURE_REQUIRED',
    );
  }
  if (s.expiry !== undefined && !/^\d{1,11}$/.test(s.expiry)) {
    throw unauthorized('The ik-t parameter must be a Unix time in seconds.', 'INVALID_SIGNATURE');
  }
  const expiry = s.expiry === undefined ? noExpiry : Number(s.expiry);
  if (expiry * 1000 <= now) {
    throw unauthorized(
      `This signed URL expired at ${new Date(expiry * 1000).toISOString()}. Sign a new one.`,
      'SIGNATURE_EXPIRED',
    );
  }
  const given = Buffer.from(s.signature.toLowerCase(), 'utf8');
  const keys = (await store.apiKeys.list()).filter((k) => isActive(k, now) && k.permission !== 'None');
  const valid = keys.some((key) => {
    const expected = Buffer.from(signDeliveryUrl(key.privateKey, s.relative, expiry), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) {
    throw unauthorized(
      'The URL signature (ik-s) does not match. Sign the URL after the urlEndpoint, exactly as requested, with a private key of this server.',
      'INVALID_SIGNATURE',
    );
  }
  return expiry;
}
