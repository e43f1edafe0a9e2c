import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes with scrypt from node:crypto: memory-hard, maintained with Node itself (no
 * native add-on to build, nothing to audit beyond OpenSSL), and one of OWASP's recommended
 * choices. Parameters follow OWASP's scrypt table (N=2^15, r=8, p=3: 32 MiB, about 100 ms on one
 * core) and are stored with each hash, so raising them later re-hashes on the next sign-in.
 */
const current = { N: 2 ** 15, r: 8, p: 3 } as const;
const keyLength = 32;

interface Parameters {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: Parameters): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` with base64url salt and hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, current);
  return [
    'scrypt',
    current.N,
    current.r,
    current.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Whether `password` matches `stored`; false for a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Whether `stored` was made with weaker parameters than today's. */
export const needsRehash = (stored: string): boolean =>
  stored !== '' && !stored.startsWith(`scrypt$${current.N}$${current.r}$${current.p}$`);

/** A hash no password matches, verified against for unknown emails so both cost the same time. */
export const decoyHash = `scrypt$${current.N}$${current.r}$${current.p}$${randomBytes(16).toString('base64url')}$${randomBytes(keyLength).toString('base64url')}`;

/** A one-time password to print once: 20 characters of base64url (120 bits). */
export const generatePassword = (): string => randomBytes(15).toString('base64url');
