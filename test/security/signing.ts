import { createHmac } from 'node:crypto';
import { testKeys } from '../helpers/server.js';

/** ImageKit's URL signature, computed here independently of the server's code (imagekit-api.md §8). */
export function signUrl(serverUrl: string, url: string, expiresAt = 9999999999): string {
  const relative = url.replace(`${serverUrl}/`, '');
  const signature = createHmac('sha1', testKeys.privateKey)
    .update(relative + expiresAt)
    .digest('hex');
  return `${url}${url.includes('?') ? '&' : '?'}ik-t=${expiresAt}&ik-s=${signature}`;
}
