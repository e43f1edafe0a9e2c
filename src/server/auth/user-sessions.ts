import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, forbidden } from '../errors.js';
import type { Store, UserRecord } from '../store/store.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import type { RateLimiter } from './rate-limiter.js';
import { loadUserAccess } from './user-access.js';

/** The cookie a signed-in browser carries: httpOnly, SameSite=Lax, Secure over HTTPS. */
export const sessionCookieName = 'ml_session';
/** The header every write of a signed-in browser carries, with the token sign-in answered. */
export const csrfHeaderName = 'x-csrf-token';
export const userSessionMs = 12 * 3_600_000;

/** Failed sign-ins counted per account and per client address; a full count locks for the window. */
export interface SignInLimits {
  account: RateLimiter;
  address: RateLimiter;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

const wrongCredentials = () =>
  new ApiError(401, 'The email or password is wrong.', { reason: 'SIGN_IN_FAILED' });

function locked(resetMs: number): ApiError {
  const minutes = Math.max(1, Math.ceil(resetMs / 60_000));
  return new ApiError(
    429,
    `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator to reset the password.`,
    { reason: 'SIGN_IN_LOCKED' },
    { 'retry-after': String(Math.ceil(resetMs / 1000)) },
  );
}

export interface SignedIn {
  user: UserRecord;
  /** Goes into the cookie, never into storage (the catalog keeps its hash). */
  token: string;
  csrfToken: string;
  expiresAt: number;
}

/**
 * Checks an email and password and opens a session. Unknown emails cost the same hash and get
 * the same answer as wrong passwords; failures count per account and per address, and a full
 * count locks both for the limiter's window whoever asks.
 */
export async function signIn(
  store: Store,
  limits: SignInLimits,
  credentials: { email: string; password: string; address: string },
  now = Date.now(),
): Promise<SignedIn> {
  const email = credentials.email.trim().toLowerCase();
  const accountKey = `sign-in:account:${email}`;
  const addressKey = `sign-in:address:${credentials.address}`;
  for (const [limiter, key] of [
    [limits.account, accountKey],
    [limits.address, addressKey],
  ] as const) {
    const decision = await limiter.peek(key, now);
    if (!decision.allowed) throw locked(decision.resetMs);
  }
  const user = await store.users.findByEmail(email);
  const matches = await verifyPassword(credentials.password, user?.passwordHash ?? decoyHash);
  if (!user?.passwordHash || !matches) {
    await limits.account.hit(accountKey, now);
    await limits.address.hit(addressKey, now);
    throw wrongCredentials();
  }
  if (user.status !== 'active') {
    throw forbidden('This account is disabled. Ask an administrator to enable it.', {
      reason: 'USER_DISABLED',
    });
  }
  if (needsRehash(user.passwordHash)) {
    await store.users.update(user.userId, { passwordHash: await hashPassword(credentials.password) }, now);
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now + userSessionMs;
  await store.users.insertSession({
    tokenHash: tokenHash(token),
    userId: user.userId,
    csrfToken,
    createdAt: now,
    expiresAt,
  });
  return { user, token, csrfToken, expiresAt };
}

export async function signOut(store: Store, token: string): Promise<void> {
  await store.users.deleteSession(tokenHash(token));
}

/** The session cookie's token in a `Cookie` header, if there is one. */
export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === sessionCookieName) return value.join('=') || undefined;
  }
  return undefined;
}

/** `Set-Cookie` for a session (or, without a token, one that ends it). */
export function sessionCookieHeader(token: string | null, secure: boolean, maxAgeMs = userSessionMs): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  return token === null
    ? `${sessionCookieName}=; Max-Age=0; ${attributes.join('; ')}`
    : `${sessionCookieName}=${token}; Max-Age=${Math.floor(maxAgeMs / 1000)}; ${attributes.join('; ')}`;
}

/** What a request carries for a signed-in user: its session cookie's token, method and CSRF header. */
export interface UserSessionRequest {
  token: string;
  method: string;
  csrfToken: string | undefined;
}

/** A request's session cookie and CSRF header, for authenticateRequest; nothing without the cookie. */
export function userSessionOf(request: {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}): { cookie?: UserSessionRequest } {
  const token = sessionCookie(request.headers.cookie as string | undefined);
  if (token === undefined) return {};
  const csrf = request.headers[csrfHeaderName];
  return {
    cookie: { token, method: request.method, csrfToken: typeof csrf === 'string' ? csrf : undefined },
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The signed-in user of a session cookie, read afresh with its grants. A write must carry the
 * session's CSRF token in `X-CSRF-Token`: a cross-site form can send the cookie, never the header.
 */
export async function authenticateUserSession(
  store: Store,
  token: string,
  request: Omit<UserSessionRequest, 'token'>,
  now = Date.now(),
): Promise<Principal & { csrfToken: string }> {
  const session = await store.users.findSession(tokenHash(token));
  if (!session || session.expiresAt <= now) {
    throw new ApiError(401, 'You are signed out. Sign in again.', { reason: 'SESSION_EXPIRED' });
  }
  if (!safeMethods.has(request.method.toUpperCase())) {
    const given = Buffer.from(request.csrfToken ?? '');
    const expected = Buffer.from(session.csrfToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw forbidden(
        `A change made with the session cookie needs the ${csrfHeaderName} header with the token sign-in or /_ml/me gave.`,
        { reason: 'CSRF_TOKEN_INVALID' },
      );
    }
  }
  const user = await store.users.find(session.userId);
  if (!user) throw new ApiError(401, 'You are signed out. Sign in again.', { reason: 'SESSION_EXPIRED' });
  const access = await loadUserAccess(store, user);
  return {
    publicKey: `user:${user.userId}`,
    // Admins may do what a standard key does (keys, users); everyone else what their role and grants allow.
    kind: user.role === 'admin' ? 'standard' : 'restricted',
    permission: 'ReadWrite',
    via: 'user',
    user: access,
    csrfToken: session.csrfToken,
  };
}

/** The CSRF token of the session a cookie carries (for `/_ml/me`, so a reloaded app can write again). */
export async function csrfTokenOf(store: Store, token: string): Promise<string | undefined> {
  return (await store.users.findSession(tokenHash(token)))?.csrfToken;
}
