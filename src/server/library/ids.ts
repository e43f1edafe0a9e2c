import { randomBytes } from 'node:crypto';

/** A 24-hex-digit id like ImageKit's (and MongoDB's): seconds since epoch, then 8 random bytes. */
export function newId(now = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + randomBytes(8).toString('hex');
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random letters and digits, as in ImageKit's unique-file-name suffix (`name_AbC12xYz.jpg`). */
export function randomSuffix(length = 8): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}
