import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { badRequest, messages } from '../errors.js';

export interface UrlFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Allow every address, not only global unicast (tests, intranets). Off by default: SSRF. */
  allowPrivateNetworks: boolean;
}

const maxRedirects = 5;

/**
 * Whether `address` may be fetched from: only global unicast, as ipaddr.js classifies it (its
 * maintained list of special-purpose ranges: private, loopback, link-local, carrier-grade NAT,
 * documentation, benchmarking, reserved, multicast…). IPv4-mapped IPv6 is judged as the IPv4
 * address it carries; anything unparsable is refused.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

const cannotFetch = (url: string, why: string) =>
  badRequest(`Your request contains invalid file parameter. We could not fetch ${url}: ${why}`, {
    reason: 'URL_FETCH_FAILED',
  });

/**
 * Opens an `http(s)` URL for a `file=<url>` upload: the answer's body as a stream, with an
 * overall deadline, a redirect limit, a declared-size check and (unless allowed) no private
 * network addresses, checked on the address actually connected to, so DNS tricks cannot reach
 * the intranet. The caller enforces the byte limit while it reads.
 */
export async function openUrl(url: string, options: UrlFetchOptions): Promise<Readable> {
  const controller = new AbortController();
  const deadline = () => cannotFetch(url, `no complete answer within ${options.timeoutMs} ms.`);
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const response = await get(current, options, controller.signal, url);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (hop >= maxRedirects) throw cannotFetch(url, `more than ${maxRedirects} redirects.`);
        current = new URL(response.headers.location, current);
        continue;
      }
      if (status !== 200) {
        response.resume();
        throw cannotFetch(url, `the server answered ${status}.`);
      }
      if (Number(response.headers['content-length'] ?? 0) > options.maxBytes) {
        response.destroy();
        throw badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
      }
      controller.signal.addEventListener('abort', () => response.destroy(deadline()));
      response.once('close', () => clearTimeout(timer));
      return response;
    }
  } catch (error) {
    clearTimeout(timer);
    if (controller.signal.aborted) throw deadline();
    throw error;
  }
}

function get(
  url: URL,
  options: UrlFetchOptions,
  signal: AbortSignal,
  original: string,
): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(cannotFetch(original, 'only http and https URLs can be fetched.'));
  }
  const guardedLookup = (
    hostname: string,
    lookupOptions: object,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as LookupAddress[];
      if (!options.allowPrivateNetworks && list.some((a) => !isPublicAddress(a.address))) {
        return callback(Object.assign(new Error('private address'), { code: 'EPRIVATE' }), '');
      }
      const wantsAll = (lookupOptions as { all?: boolean }).all;
      if (wantsAll) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
  return new Promise((resolve, reject) => {
    const hostIsIp = isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0;
    if (hostIsIp && !options.allowPrivateNetworks && !isPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
      reject(cannotFetch(original, 'the address is on a private network or a special-purpose range.'));
      return;
    }
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', lookup: guardedLookup, signal, headers: { 'user-agent': 'media-library-server' } },
      resolve,
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPRIVATE')
        reject(cannotFetch(original, 'the address is on a private network or a special-purpose range.'));
      else if (signal.aborted) reject(error);
      else
        reject(
          cannotFetch(original, error.code === 'ENOTFOUND' ? 'the host does not exist.' : error.message),
        );
    });
    request.end();
  });
}
