import type { AuditActor, AuditChange } from '../../shared/audit.js';
import type { DamUser, UserRole, UserStatus } from '../../shared/wire.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Store, UserPatch, UserRecord } from '../store/store.js';
import { appendAudit, systemActor } from './audit.js';
import { newId } from './ids.js';

export const userRoles: readonly UserRole[] = ['admin', 'manager', 'member'];
export const userStatuses: readonly UserStatus[] = ['active', 'disabled'];
export const minPasswordLength = 12;

const emailPattern = /^[^\s@]+@[^\s@]+$/;

/** A user as the API shows it: never its password hash. */
export const toDamUser = (user: UserRecord): DamUser => ({
  id: user.userId,
  email: user.email,
  name: user.name,
  role: user.role,
  status: user.status,
  hasPassword: user.passwordHash !== null,
  createdAt: new Date(user.createdAt).toISOString(),
  updatedAt: new Date(user.updatedAt).toISOString(),
});

export const userNotFound = () => notFound('No user with this id exists.', { reason: 'USER_NOT_FOUND' });

function checkPassword(password: string): void {
  if (password.length < minPasswordLength || password.length > 1024) {
    throw badRequest(`A password needs ${minPasswordLength} to 1024 characters.`, {
      reason: 'INVALID_PARAMETER',
    });
  }
}

export interface NewUser {
  email: string;
  name?: string;
  role: UserRole;
  /** Without one the user is invited: it cannot sign in until an admin sets or resets a password. */
  password?: string;
}

/** A user's target in the audit log: its id, and its email (which stays readable after a delete). */
const userTarget = (user: UserRecord) => ({ id: user.userId, name: user.email });

/** Creates a user; an email already in use is a 409. */
export async function createUser(
  store: Store,
  input: NewUser,
  actor: AuditActor = systemActor,
  now = Date.now(),
): Promise<UserRecord> {
  const email = input.email.trim().toLowerCase();
  if (!emailPattern.test(email) || email.length > 320) {
    throw badRequest(`${input.email} is not an email address.`, { reason: 'INVALID_PARAMETER' });
  }
  if (input.password !== undefined) checkPassword(input.password);
  if (await store.users.findByEmail(email)) {
    throw conflict(`A user with the email ${email} exists already.`, { reason: 'EMAIL_TAKEN' });
  }
  const user: UserRecord = {
    userId: newId(now),
    email,
    name: input.name?.trim() || email.split('@')[0]!,
    role: input.role,
    status: 'active',
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    createdAt: now,
    updatedAt: now,
  };
  await store.transaction(async (tx) => {
    await tx.users.insert(user);
    await appendAudit(
      tx,
      actor,
      {
        action: 'user.create',
        target: userTarget(user),
        changes: {
          name: { after: user.name },
          role: { after: user.role },
          status: { after: user.status },
          ...(user.passwordHash === null ? {} : { password: { after: 'set' } }),
        },
      },
      now,
    );
  });
  return user;
}

/** Refuses a change that would leave no active admin (no one could manage keys and users again). */
async function assertAdminRemains(
  store: Store,
  user: UserRecord,
  after: { role: UserRole; status: UserStatus } | null,
) {
  const wasAdmin = user.role === 'admin' && user.status === 'active';
  const staysAdmin = after !== null && after.role === 'admin' && after.status === 'active';
  if (wasAdmin && !staysAdmin && (await store.users.countActiveAdmins()) <= 1) {
    throw conflict(`${user.email} is the last active admin: make another user an admin first.`, {
      reason: 'LAST_ADMIN',
    });
  }
}

/** Changes a user's name, role, status or password; disabling or a new password ends its sessions at once. */
export async function updateUser(
  store: Store,
  userId: string,
  change: { name?: string; role?: UserRole; status?: UserStatus; password?: string },
  actor: AuditActor = systemActor,
  now = Date.now(),
  action: 'user.update' | 'user.resetPassword' = 'user.update',
): Promise<UserRecord> {
  if (change.password !== undefined) checkPassword(change.password);
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  return store.transaction(async (tx) => {
    const user = await tx.users.find(userId);
    if (!user) throw userNotFound();
    await assertAdminRemains(tx, user, {
      role: change.role ?? user.role,
      status: change.status ?? user.status,
    });
    const patch: UserPatch = {
      ...(change.name !== undefined && { name: change.name.trim() || user.name }),
      ...(change.role !== undefined && { role: change.role }),
      ...(change.status !== undefined && { status: change.status }),
      ...(passwordHash !== undefined && { passwordHash }),
    };
    await tx.users.update(userId, patch, now);
    if (change.status === 'disabled' || passwordHash !== undefined) await tx.users.deleteSessionsOf(userId);
    const updated = (await tx.users.find(userId))!;
    const changes: Record<string, AuditChange> = {};
    for (const field of ['name', 'role', 'status'] as const) {
      if (user[field] !== updated[field]) changes[field] = { before: user[field], after: updated[field] };
    }
    // Never the password or its hash: only that it changed.
    if (passwordHash !== undefined) changes.password = { after: 'set' };
    await appendAudit(tx, actor, { action, target: userTarget(updated), changes }, now);
    return updated;
  });
}

export async function deleteUser(
  store: Store,
  userId: string,
  actor: AuditActor = systemActor,
  now = Date.now(),
): Promise<void> {
  await store.transaction(async (tx) => {
    const user = await tx.users.find(userId);
    if (!user) throw userNotFound();
    await assertAdminRemains(tx, user, null);
    await tx.users.delete(userId);
    await appendAudit(
      tx,
      actor,
      {
        action: 'user.delete',
        target: userTarget(user),
        changes: {
          name: { before: user.name },
          role: { before: user.role },
          status: { before: user.status },
        },
      },
      now,
    );
  });
}

/** Sets a fresh one-time password and answers it (shown once); ends the user's sessions. */
export async function resetPassword(
  store: Store,
  userId: string,
  actor: AuditActor = systemActor,
  now = Date.now(),
): Promise<string> {
  const password = generatePassword();
  await updateUser(store, userId, { password }, actor, now, 'user.resetPassword');
  return password;
}

/**
 * On a catalog without users: the first admin, with the preset email and password or a generated
 * one-time password, answered once so the start can print it. One transaction: nodes starting
 * together make one.
 */
export async function createFirstAdmin(
  store: Store,
  preset: { email?: string | undefined; password?: string | undefined },
): Promise<{ email: string; password?: string } | undefined> {
  // The hash is slow on purpose: only when there may be no user yet.
  if ((await store.users.count()) > 0) return undefined;
  const password = preset.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return store.transaction(async (tx) => {
    if ((await tx.users.count()) > 0) return undefined;
    const now = Date.now();
    const email = (preset.email ?? 'admin@localhost').trim().toLowerCase();
    await tx.users.insert({
      userId: newId(now),
      email,
      name: 'Administrator',
      role: 'admin',
      status: 'active',
      passwordHash,
      createdAt: now,
      updatedAt: now,
    });
    // A preset password is the operator's own: not printed.
    return preset.password === undefined ? { email, password } : { email };
  });
}
