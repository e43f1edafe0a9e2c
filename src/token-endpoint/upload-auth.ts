/** ImageKit's client-upload authentication: what `…/upload-auth` answers and hosts may call themselves. */
export interface UploadAuthParams {
  /** Single use: the media server refuses a token it has seen before. */
  token: string;
  /** Unix seconds; the server accepts at most an hour ahead. */
  expire: number;
  /** `hex(HMAC-SHA1(privateKey, token + expire))`. */
  signature: string;
  publicKey: string;
}

export interface SignUploadOptions {
  privateKey: string;
  publicKey: string;
  /** A fresh random token by default. */
  token?: string;
  /** Unix seconds; 30 minutes ahead by default (as ImageKit's own helper). */
  expire?: number;
  /** Milliseconds since the epoch; now by default. */
  now?: number;
}

export const defaultUploadExpirySeconds = 30 * 60;
const maxExpireAheadSeconds = 3600;

/** Signs one upload the way ImageKit's SDK helpers do, with WebCrypto (Node, Deno, Bun, edge runtimes). */
export async function signUploadParams(options: SignUploadOptions): Promise<UploadAuthParams> {
  const { privateKey, publicKey } = options;
  if (!privateKey || !publicKey) throw new TypeError('signUploadParams needs privateKey and publicKey');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const expire = options.expire ?? nowSeconds + defaultUploadExpirySeconds;
  if (!Number.isSafeInteger(expire) || expire <= nowSeconds || expire >= nowSeconds + maxExpireAheadSeconds) {
    throw new TypeError('expire must be Unix seconds in the future and less than an hour ahead');
  }
  const token = options.token ?? crypto.randomUUID();
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(privateKey),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${token}${expire}`)));
  const signature = Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return { token, expire, signature, publicKey };
}
