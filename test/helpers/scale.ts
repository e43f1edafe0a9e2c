import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/server/store/schema.js';
import { startS3Server } from './s3-server.js';

/**
 * The scale path in tests: a fresh PostgreSQL database, a fresh bucket on an S3-compatible server
 * (s3rver, started by this test process) and a fresh Redis key prefix for every server, so suites
 * never see each other's data. PostgreSQL and Redis are real servers, found through
 * MEDIA_LIBRARY_TEST_POSTGRES (an admin URL) and MEDIA_LIBRARY_TEST_REDIS; `.ci/services` starts
 * throwaway ones and `npm run test:scale` does it for you.
 */

export const testBackend: 'local' | 'scale' =
  process.env.MEDIA_LIBRARY_TEST_BACKEND === 'scale' ? 'scale' : 'local';

/** What a server on the scale path is given. */
export interface ScaleBackends {
  database: string;
  storage: string;
  s3Endpoint: string;
  redis: string;
  redisPrefix: string;
  /** The same as environment variables, for `media-library serve` in a child process. */
  env: Record<string, string>;
  /** Drops the database; the bucket goes with the S3 server when the process ends. */
  drop(): Promise<void>;
}

const s3Credentials = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: the scale-path tests need PostgreSQL and Redis. Run them with \`npm run test:scale\`, which starts both (see .ci/services).`,
    );
  }
  return value;
}

let s3: Promise<{ endpoint: string; client: S3Client }> | undefined;

/** One S3-compatible server per test process. */
function s3Server(): Promise<{ endpoint: string; client: S3Client }> {
  s3 ??= (async () => {
    Object.assign(process.env, s3Credentials, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    const { endpoint, stop } = await startS3Server();
    process.once('exit', stop);
    const client = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return { endpoint, client };
  })();
  return s3;
}

const newName = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

/** The URL of `database` on the server the admin URL points at. */
export function databaseUrl(admin: string, database: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: required('MEDIA_LIBRARY_TEST_POSTGRES') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database, bucket and Redis prefix. */
export async function createScaleBackends(): Promise<ScaleBackends> {
  const admin = required('MEDIA_LIBRARY_TEST_POSTGRES');
  const redis = required('MEDIA_LIBRARY_TEST_REDIS');
  const databaseName = newName('media_test_');
  await asAdmin((client) => client.query(`create database ${databaseName}`));
  const { endpoint, client } = await s3Server();
  const bucket = newName('media-test-');
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const database = databaseUrl(admin, databaseName);
  const storage = `s3://${bucket}/library`;
  const redisPrefix = `${newName('test:')}:`;
  return {
    database,
    storage,
    s3Endpoint: endpoint,
    redis,
    redisPrefix,
    env: {
      ...s3Credentials,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DATABASE_URL: database,
      MEDIA_LIBRARY_STORAGE: storage,
      MEDIA_LIBRARY_S3_ENDPOINT: endpoint,
      REDIS_URL: redis,
      MEDIA_LIBRARY_REDIS_PREFIX: redisPrefix,
    },
    async drop() {
      await asAdmin((c) => c.query(`drop database if exists ${databaseName} with (force)`));
    },
  };
}

/** A Kysely handle on a PostgreSQL catalog, for tests that set what the API cannot (old dates). */
export function openPostgresCatalog(url: string): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
  });
}
