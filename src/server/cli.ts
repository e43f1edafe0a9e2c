import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ApiKeyPair, KeyPermission } from '../shared/wire.js';
import { ApiKeys, type RollGracePeriod } from './auth/api-keys.js';
import { generatePassword } from './auth/passwords.js';
import { openStorage, openStore } from './backends.js';
import { type ConfigFlags, resolveConfig } from './config.js';
import { ApiError } from './errors.js';
import { restoreFromBackup } from './library/backup-restore.js';
import { createUser, resetPassword, updateUser } from './library/users.js';
import { migrateLibrary } from './migrate.js';
import { type SeedContext, seedSampleLibrary } from './seed.js';
import { startMediaServer } from './server.js';

const usage = `media-library: an ImageKit-compatible media server

Usage:
  media-library serve [--port N] [--host H] [--data DIR]
                      [--database postgres://…] [--storage s3://bucket/prefix] [--redis redis://…]
                      [--url-endpoint https://media.example.com] [--allowed-hosts H[,H…]]
                      [--cors-origins *|https://cms.example.com[,…]] [--trash-days N]
                      [--backup s3://bucket/prefix] [--no-ai] [--ai-concurrency N]
  media-library keys list [--data DIR | --database postgres://…]
  media-library keys create [--restricted --permission None|Read|ReadWrite] [--name NAME] [--data DIR | --database …]
  media-library keys roll PUBLIC_KEY [--expire-old-in immediately|1h|24h|3d|7d] [--data DIR | --database …]
  media-library keys delete PUBLIC_KEY [--data DIR | --database …]
  media-library users list [--data DIR | --database …]
  media-library users add --email E --role admin|manager|member [--name NAME] [--password-stdin] [--data DIR | --database …]
  media-library users reset-password EMAIL [--data DIR | --database …]
  media-library users disable EMAIL [--data DIR | --database …]
  media-library migrate --from DIR --to postgres://… --storage s3://bucket/prefix
  media-library backup status [--data DIR | --database …] [--backup s3://bucket/prefix]
  media-library backup restore --from s3://bucket/prefix [--prefix /folder/] [--data DIR | --database … --storage …]
  media-library seed [--data DIR | --database … --storage …] [--force]   fill an empty library with ~300 sample images and PDFs

Environment: PORT, MEDIA_LIBRARY_DATA, MEDIA_LIBRARY_HOST, MEDIA_LIBRARY_URL_ENDPOINT,
MEDIA_LIBRARY_PUBLIC_KEY / MEDIA_LIBRARY_PRIVATE_KEY (first key pair),
MEDIA_LIBRARY_ADMIN_EMAIL / MEDIA_LIBRARY_ADMIN_PASSWORD (first admin), MEDIA_LIBRARY_MAX_UPLOAD,
MEDIA_LIBRARY_RATE_LIMIT, MEDIA_LIBRARY_LOG_LEVEL, MEDIA_LIBRARY_ALLOWED_HOSTS,
MEDIA_LIBRARY_CORS_ORIGINS; for many nodes DATABASE_URL,
MEDIA_LIBRARY_STORAGE, REDIS_URL, MEDIA_LIBRARY_S3_ENDPOINT and the AWS SDK's AWS_* variables;
external AI providers (off by default) MEDIA_LIBRARY_AI_* (docs/ai-providers.md).
See docs/server.md and docs/security.md for all of them.`;

async function serve(flags: ConfigFlags): Promise<void> {
  const server = await startMediaServer(resolveConfig(flags));
  if (server.createdKeys) {
    console.log('Created the first API key pair. Keep the private key secret; it is shown only now.');
    printPair(server.createdKeys);
  }
  if (server.createdAdmin) printFirstAdmin(server.createdAdmin, server.url);
  if (server.sweptBlobs > 0)
    console.log(`Removed ${server.sweptBlobs} blob(s) left by an interrupted upload or delete.`);
  console.log(`listening on ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The first admin's sign-in, printed once like the first keys (the password only when generated). */
function printFirstAdmin(admin: { email: string; password?: string }, url: string): void {
  console.log(`Created the first admin. Sign in to the DAM app at ${url}/app/`);
  console.log(`  email:    ${admin.email}`);
  if (admin.password)
    console.log(`  password: ${admin.password}   (one-time: shown only now; change it after signing in)`);
  console.log(`  server:   ${url}`);
}

function printPair(pair: ApiKeyPair): void {
  console.log(`  public key:  ${pair.publicKey}`);
  console.log(`  private key: ${pair.privateKey}`);
  console.log(`  kind:        ${pair.kind}${pair.kind === 'restricted' ? ` (${pair.permission})` : ''}`);
}

async function keys(
  command: string | undefined,
  args: string[],
  flags: Record<string, string | boolean | undefined>,
) {
  const config = resolveConfig({
    ...(typeof flags.data === 'string' && { data: flags.data }),
    ...(typeof flags.database === 'string' && { database: flags.database }),
  });
  const store = await openStore(config);
  const apiKeys = new ApiKeys(store);
  try {
    switch (command) {
      case 'list': {
        for (const pair of await apiKeys.list()) {
          const grace = pair.previousKeyExpiresAt
            ? `, previous key valid until ${pair.previousKeyExpiresAt}`
            : '';
          const kind = pair.kind === 'restricted' ? `restricted ${pair.permission}` : 'standard';
          console.log(
            `${pair.publicKey}  ${pair.privateKey}  ${kind}  "${pair.name}"  created ${pair.createdAt}${grace}`,
          );
        }
        return;
      }
      case 'create': {
        const restricted = flags.restricted === true;
        const pair = await apiKeys.create({
          kind: restricted ? 'restricted' : 'standard',
          ...(restricted && { permission: (flags.permission as KeyPermission | undefined) ?? 'Read' }),
          ...(typeof flags.name === 'string' && { name: flags.name }),
        });
        printPair(pair);
        return;
      }
      case 'roll': {
        const pair = await apiKeys.roll(
          requireArg(args[0]),
          (flags['expire-old-in'] as RollGracePeriod) ?? '24h',
        );
        printPair(pair);
        if (pair.previousKeyExpiresAt)
          console.log(`  the previous private key works until ${pair.previousKeyExpiresAt}`);
        return;
      }
      case 'delete':
        await apiKeys.delete(requireArg(args[0]));
        console.log('deleted');
        return;
      default:
        throw new UsageError(`unknown keys command "${command ?? ''}"`);
    }
  } finally {
    await store.close();
  }
}

/** Reads a password piped to stdin (`--password-stdin`), without its trailing newline. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function users(
  command: string | undefined,
  args: string[],
  flags: Record<string, string | boolean | undefined>,
) {
  const config = resolveConfig({
    ...(typeof flags.data === 'string' && { data: flags.data }),
    ...(typeof flags.database === 'string' && { database: flags.database }),
  });
  const store = await openStore(config);
  const byEmail = async (email: string | undefined) => {
    if (!email) throw new UsageError('this command needs an EMAIL');
    const user = await store.users.findByEmail(email);
    if (!user) throw new UsageError(`there is no user with the email ${email}`);
    return user;
  };
  try {
    switch (command) {
      case 'list':
        for (const user of await store.users.list()) {
          console.log(`${user.userId}  ${user.email}  ${user.role}  ${user.status}  "${user.name}"`);
        }
        return;
      case 'add': {
        if (typeof flags.email !== 'string') throw new UsageError('users add needs --email E');
        const role = flags.role;
        if (role !== 'admin' && role !== 'manager' && role !== 'member')
          throw new UsageError('users add needs --role admin, manager or member');
        const password = flags['password-stdin'] === true ? await readStdin() : generatePassword();
        const user = await createUser(store, {
          email: flags.email,
          role,
          password,
          ...(typeof flags.name === 'string' && { name: flags.name }),
        });
        console.log(`added ${user.email} (${user.role}), id ${user.userId}`);
        if (flags['password-stdin'] !== true) console.log(`  one-time password: ${password}`);
        return;
      }
      case 'reset-password': {
        const user = await byEmail(args[0]);
        console.log(`  one-time password for ${user.email}: ${await resetPassword(store, user.userId)}`);
        return;
      }
      case 'disable': {
        const user = await byEmail(args[0]);
        await updateUser(store, user.userId, { status: 'disabled' });
        console.log(`disabled ${user.email}; its sessions have ended`);
        return;
      }
      default:
        throw new UsageError(`unknown users command "${command ?? ''}"`);
    }
  } finally {
    await store.close();
  }
}

async function migrate(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const from = flags.from;
  if (typeof from !== 'string') throw new UsageError('migrate needs --from DIR, the data directory to copy');
  const config = resolveConfig({
    ...(typeof flags.to === 'string' && { database: flags.to }),
    ...(typeof flags.storage === 'string' && { storage: flags.storage }),
  });
  if (!config.database) throw new UsageError('migrate needs --to postgres://… (or DATABASE_URL)');
  if (!config.storage)
    throw new UsageError('migrate needs --storage s3://bucket/prefix (or MEDIA_LIBRARY_STORAGE)');
  const verified = await migrateLibrary({
    from: resolve(from),
    database: config.database,
    storage: config.storage,
    ...(config.s3Endpoint && { s3Endpoint: config.s3Endpoint }),
    log: (line) => console.log(line),
  });
  if (!verified) process.exitCode = 1;
}

/** Fills the library with sample content; refuses a library that has files unless --force. */
async function seed(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const config = resolveConfig({
    ...(typeof flags.data === 'string' && { data: flags.data }),
    ...(typeof flags.database === 'string' && { database: flags.database }),
    ...(typeof flags.storage === 'string' && { storage: flags.storage }),
  });
  const store = await openStore(config);
  const storage = await openStorage(config);
  // Its own staging files only: a server may be running on this directory.
  const stagingDir = join(config.dataDir, 'staging');
  await mkdir(stagingDir, { recursive: true });
  const ctx: SeedContext = { config, store, storage, stagingDir };
  const where = config.database ? 'the library' : config.dataDir;
  try {
    let last = 0;
    const added = await seedSampleLibrary(ctx, {
      force: flags.force === true,
      onProgress: (done, total) => {
        if (done - last >= 50 || done === total) {
          last = done;
          console.log(`  ${done}/${total} files`);
        }
      },
    });
    if (added === 0) console.log(`${where} already has files; add --force to seed anyway.`);
    else console.log(`Added ${added} sample files to ${where}.`);
  } finally {
    storage.close?.();
    await store.close();
  }
}

/** `backup status` reads the queue in the catalog; `backup restore` re-imports missing paths. */
async function backup(command: string | undefined, flags: Record<string, string | boolean | undefined>) {
  const config = resolveConfig({
    ...(typeof flags.data === 'string' && { data: flags.data }),
    ...(typeof flags.database === 'string' && { database: flags.database }),
    ...(typeof flags.storage === 'string' && { storage: flags.storage }),
    ...(typeof flags.backup === 'string' && { backup: flags.backup }),
  });
  const store = await openStore(config);
  try {
    if (command === 'status') {
      const counts = await store.backupJobs.counts();
      const status = { enabled: config.backup !== undefined, target: config.backup ?? null, ...counts };
      console.log(`target:        ${status.target ?? '(none: --backup / MEDIA_LIBRARY_BACKUP is not set)'}`);
      console.log(`pending:       ${status.pending}`);
      console.log(`failed:        ${status.failed}`);
      console.log(`last error:    ${status.lastError ?? '-'}`);
      console.log(
        `last success:  ${status.lastSuccessAt === null ? '-' : new Date(status.lastSuccessAt).toISOString()}`,
      );
      return;
    }
    if (command !== 'restore') throw new UsageError(`unknown backup command "${command ?? ''}"`);
    const from = flags.from;
    if (typeof from !== 'string' || !from.startsWith('s3://'))
      throw new UsageError('backup restore needs --from s3://bucket/prefix, the backup to read');
    const storage = await openStorage(config);
    // Its own staging files only: a server may be running on this directory.
    const stagingDir = join(config.dataDir, 'staging');
    await mkdir(stagingDir, { recursive: true });
    try {
      const result = await restoreFromBackup({ config, store, storage, stagingDir }, from, {
        ...(typeof flags.prefix === 'string' && { prefix: flags.prefix }),
        log: (line) => console.log(line),
      });
      console.log(
        `Restored ${result.restored.length} file(s); ${result.skipped} already in the library were left alone.`,
      );
    } finally {
      storage.close?.();
    }
  } finally {
    await store.close();
  }
}

class UsageError extends Error {}

function requireArg(value: string | undefined): string {
  if (!value) throw new UsageError('this command needs a PUBLIC_KEY');
  return value;
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      storage: { type: 'string' },
      redis: { type: 'string' },
      'url-endpoint': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'cors-origins': { type: 'string' },
      'trash-days': { type: 'string' },
      backup: { type: 'string' },
      'no-ai': { type: 'boolean' },
      'ai-concurrency': { type: 'string' },
      prefix: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      restricted: { type: 'boolean' },
      permission: { type: 'string' },
      name: { type: 'string' },
      'expire-old-in': { type: 'string' },
      force: { type: 'boolean' },
      email: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return;
  }
  if (command === 'serve') return serve(values);
  if (command === 'keys') return keys(rest[0], rest.slice(1), values);
  if (command === 'users') return users(rest[0], rest.slice(1), values);
  if (command === 'migrate') return migrate(values);
  if (command === 'seed') return seed(values);
  if (command === 'backup') return backup(rest[0], values);
  throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
  else if (error instanceof ApiError) console.error(error.message);
  else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`${error.message}\n\n${usage}`);
  } else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
