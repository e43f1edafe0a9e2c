import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest, forbidden, messages } from '../errors.js';
import type { Store } from '../store/store.js';
import { isActive } from './api-keys.js';
import { assertAllowed, maxExpireAheadSeconds, principalOf } from './authenticate.js';
import type { Principal } from './principal.js';

/** A V2 upload's verified token: who signed it and the upload parameters it covers. */
export interface UploadJwt {
  principal: Principal;
  payload: Record<string, unknown>;
}

const invalidToken = (why: string) =>
  forbidden(`Your request contains an invalid token: ${why}`, { reason: 'INVALID_SIGNATURE' });

function decodePart(part: string | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {}
  throw invalidToken('it is not a JSON Web Token (header.payload.signature, base64url).');
}

/**
 * ImageKit's V2 upload token (`/api/v2/files/upload`): a JWT signed with HS256 by the private key,
 * the public key as the header's `kid`, an `exp` under an hour ahead, used once. Its payload holds
 * every upload parameter but `file` and `token` (checked against the form by `assertPayloadMatches`).
 */
export async function authenticateUploadJwt(
  store: Store,
  token: string,
  now = Date.now(),
): Promise<UploadJwt> {
  const [headerPart, payloadPart, signaturePart, extra] = token.split('.');
  if (extra !== undefined || !signaturePart)
    throw invalidToken('it is not a JSON Web Token (header.payload.signature).');
  const header = decodePart(headerPart);
  const payload = decodePart(payloadPart);
  if (header.alg !== 'HS256') throw invalidToken('sign it with HS256.');
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw invalidToken('its header must name your public key as kid.');
  }
  const nowSeconds = Math.floor(now / 1000);
  const exp = payload.exp;
  if (typeof exp !== 'number' || exp <= nowSeconds || exp >= nowSeconds + maxExpireAheadSeconds) {
    throw badRequest(
      'The token’s exp must be a Unix time in seconds, in the future and less than an hour ahead.',
      {
        reason: 'INVALID_EXPIRE',
      },
    );
  }
  const keys = (await store.apiKeys.findByPublicKey(header.kid)).filter((k) => isActive(k, now));
  if (keys.length === 0) throw forbidden(messages.unknownKey);
  const given = Buffer.from(signaturePart, 'base64url');
  const key = keys.find((k) => {
    const expected = createHmac('sha256', k.privateKey).update(`${headerPart}.${payloadPart}`).digest();
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!key) throw invalidToken('its signature does not match the private key of its kid.');
  const principal = principalOf(key, 'signature');
  assertAllowed(principal, 'write');
  const spentAs = `jwt:${createHash('sha256').update(token).digest('hex')}`;
  if (!(await store.spentUploadTokens.spend(spentAs, exp * 1000))) {
    throw badRequest('This token has been used before. Sign a new token for every upload.', {
      reason: 'TOKEN_REUSED',
    });
  }
  return { principal, payload };
}

/** The ways a form's text may spell a payload value: `tags` as `a,b` or `["a","b"]`, `true`, `{…}`. */
function spellings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return [value.join(','), JSON.stringify(value)];
  }
  return [JSON.stringify(value)];
}

/** The form says exactly what the token covers: no parameter added, left out or changed after signing. */
export function assertPayloadMatches(
  payload: Record<string, unknown>,
  fields: Record<string, string | undefined>,
): void {
  const tampered = (name: string, why: string) =>
    badRequest(
      `The ${name} parameter ${why} the token's payload: sign every upload parameter but file and token.`,
      {
        reason: 'INVALID_SIGNATURE',
      },
    );
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'token' || name === 'file' || value === undefined) continue;
    if (!(name in payload)) throw tampered(name, 'is not in');
    if (!spellings(payload[name]).includes(value)) throw tampered(name, 'differs from');
  }
  for (const name of Object.keys(payload)) {
    if (name === 'iat' || name === 'exp' || name === 'nbf' || name === 'jti') continue;
    if (fields[name] === undefined) throw tampered(name, 'is missing from the form but is in');
  }
}
