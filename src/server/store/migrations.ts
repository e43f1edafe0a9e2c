import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/**
 * Every schema change, for every dialect, in order. Written with Kysely's schema builder so one
 * list serves SQLite and PostgreSQL; a dialect-only step checks `adapter` inside its `up`.
 */
const migrations: Record<string, Migration> = {
  '001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('file_versions')
        .addColumn('version_id', 'text', (c) => c.primaryKey())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('version_number', 'integer', (c) => c.notNull())
        .addColumn('is_current', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('file_path', 'text', (c) => c.notNull())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('file_type', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('has_alpha', 'integer', (c) => c.notNull())
        .addColumn('tags', 'text')
        .addColumn('ai_tags', 'text')
        .addColumn('custom_coordinates', 'text')
        .addColumn('custom_metadata', 'text', (c) => c.notNull())
        .addColumn('embedded_metadata', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('is_private', 'integer', (c) => c.notNull())
        .addColumn('is_published', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // At most one current file per path; old versions keep the path they had.
      await db.schema
        .createIndex('file_versions_current_path')
        .unique()
        .on('file_versions')
        .column('file_path')
        .where(sql.ref('is_current'), '=', sql.lit(1))
        .execute();
      await db.schema
        .createIndex('file_versions_by_file')
        .on('file_versions')
        .columns(['file_id', 'version_number'])
        .execute();
      await db.schema
        .createIndex('file_versions_by_folder')
        .on('file_versions')
        .columns(['is_current', 'folder', 'created_at', 'version_id'])
        .execute();
      await db.schema
        .createIndex('file_versions_by_folder_name')
        .on('file_versions')
        .columns(['is_current', 'folder', 'name', 'version_id'])
        .execute();
      await db.schema
        .createIndex('file_versions_by_created')
        .on('file_versions')
        .columns(['is_current', 'created_at', 'version_id'])
        .execute();
      await db.schema.createIndex('file_versions_by_blob').on('file_versions').column('blob_key').execute();

      await db.schema
        .createTable('folders')
        .addColumn('folder_id', 'text', (c) => c.primaryKey())
        .addColumn('path', 'text', (c) => c.notNull().unique())
        .addColumn('parent', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('custom_metadata', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('folders_by_parent')
        .on('folders')
        .columns(['parent', 'created_at'])
        .execute();

      await db.schema
        .createTable('custom_metadata_fields')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('schema', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('is_deleted', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('custom_metadata_fields_live_label')
        .unique()
        .on('custom_metadata_fields')
        .column('label')
        .where(sql.ref('is_deleted'), '=', sql.lit(0))
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('private_key', 'text', (c) => c.primaryKey())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('permission', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_keys_by_public').on('api_keys').column('public_key').execute();

      await db.schema
        .createTable('spent_upload_tokens')
        .addColumn('token', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('spent_upload_tokens_by_expiry')
        .on('spent_upload_tokens')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('blob_journal')
        .addColumn('blob_key', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the database to the newest schema; safe to run on every start. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String(error)}`);
  }
}
