import {
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type Expression,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely';

/** A column type: a name, or a raw type such as `text collate "C"`. */
type SqlType = ColumnDataType | Expression<unknown>;

export type Dialect = 'sqlite' | 'postgres';

/**
 * Every schema change, for every dialect, in order. Written with Kysely's schema builder so one
 * list serves SQLite and PostgreSQL; a dialect-only step checks `dialect`.
 */
const migrations = (dialect: Dialect): Record<string, Migration> => {
  // Text compares and sorts by bytes on both: SQLite's BINARY, PostgreSQL's "C" whatever the
  // database's default collation. Folder-tree ranges, prefixes and name sorts depend on it.
  const text: SqlType = dialect === 'postgres' ? sql`text collate "C"` : 'text';
  /**
   * An index a listing walks in its sort order. SQLite's indexes hold the row id anyway; PostgreSQL's
   * include it, so a search filtering on the tag or metadata tables walks the index alone.
   */
  const listingIndex = (db: Kysely<unknown>, name: string, columns: string[]) =>
    sql`create index ${sql.id(name)} on file_versions (${sql.join(columns.map((c) => sql.id(c)))})${
      dialect === 'postgres' ? sql` include (id)` : sql``
    }`.execute(db);
  return {
    '001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('file_versions')
          // A stable integer row id: the search index and the tag and metadata tables refer to it.
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('version_id', text, (c) => c.notNull().unique())
          .addColumn('file_id', text, (c) => c.notNull())
          .addColumn('version_number', 'integer', (c) => c.notNull())
          .addColumn('is_current', 'integer', (c) => c.notNull())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('folder', text, (c) => c.notNull())
          .addColumn('file_path', text, (c) => c.notNull())
          .addColumn('blob_key', text, (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('mime', text, (c) => c.notNull())
          .addColumn('file_type', text, (c) => c.notNull())
          .addColumn('format', text, (c) => c.notNull())
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('has_alpha', 'integer', (c) => c.notNull())
          .addColumn('tags', text)
          .addColumn('ai_tags', text)
          .addColumn('custom_coordinates', text)
          .addColumn('custom_metadata', text, (c) => c.notNull())
          .addColumn('embedded_metadata', text, (c) => c.notNull())
          .addColumn('description', text)
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
        await listingIndex(db, 'file_versions_by_folder', [
          'is_current',
          'folder',
          'created_at',
          'version_id',
        ]);
        await listingIndex(db, 'file_versions_by_folder_name', [
          'is_current',
          'folder',
          'name',
          'version_id',
        ]);
        await listingIndex(db, 'file_versions_by_created', ['is_current', 'created_at', 'version_id']);
        await db.schema.createIndex('file_versions_by_blob').on('file_versions').column('blob_key').execute();

        await db.schema
          .createTable('folders')
          .addColumn('folder_id', text, (c) => c.primaryKey())
          .addColumn('path', text, (c) => c.notNull().unique())
          .addColumn('parent', text, (c) => c.notNull())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('custom_metadata', text, (c) => c.notNull())
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
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('name', text, (c) => c.notNull().unique())
          .addColumn('label', text, (c) => c.notNull())
          .addColumn('schema', text, (c) => c.notNull())
          .addColumn('description', text)
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
          .addColumn('private_key', text, (c) => c.primaryKey())
          .addColumn('public_key', text, (c) => c.notNull())
          .addColumn('kind', text, (c) => c.notNull())
          .addColumn('permission', text, (c) => c.notNull())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint')
          .execute();
        await db.schema.createIndex('api_keys_by_public').on('api_keys').column('public_key').execute();

        await db.schema
          .createTable('spent_upload_tokens')
          .addColumn('token', text, (c) => c.primaryKey())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('spent_upload_tokens_by_expiry')
          .on('spent_upload_tokens')
          .column('expires_at')
          .execute();

        await db.schema
          .createTable('blob_journal')
          .addColumn('blob_key', text, (c) => c.primaryKey())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },

    '002_search_and_jobs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('file_versions_by_name')
          .on('file_versions')
          .columns(['name', 'is_current'])
          .execute();
        await listingIndex(db, 'file_versions_by_size', ['is_current', 'size']);

        await db.schema
          .createTable('jobs')
          .addColumn('job_id', text, (c) => c.primaryKey())
          .addColumn('type', text, (c) => c.notNull())
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('params', text, (c) => c.notNull())
          .addColumn('error', text)
          .addColumn('attempts', 'integer', (c) => c.notNull())
          // The node running the job and until when its claim holds (renewed while it runs).
          .addColumn('claimed_by', text)
          .addColumn('lease_until', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('jobs_by_status').on('jobs').columns(['status', 'created_at']).execute();

        if (dialect === 'sqlite') await createSqliteSearchIndex(db);
        else await createPostgresSearchIndex(db, text);
      },
    },

    // In the catalog, not on a node: every node stores renditions, and one budget holds for all.
    '003_renditions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('renditions')
          .addColumn('key', text, (c) => c.primaryKey())
          .addColumn('blob_key', text, (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('renditions_by_use').on('renditions').column('last_used_at').execute();
        await db.schema.createIndex('renditions_by_blob').on('renditions').column('blob_key').execute();
      },
    },

    // Append-only; newest first by id, so every index ends in id for keyset pages.
    '004_audit_entries': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('audit_entries')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor_type', text, (c) => c.notNull())
          .addColumn('actor_id', text, (c) => c.notNull())
          .addColumn('actor_name', text)
          .addColumn('actor_folder', text)
          .addColumn('action', text, (c) => c.notNull())
          .addColumn('file_id', text)
          .addColumn('path', text)
          .addColumn('target', text)
          .addColumn('changes', text)
          .execute();
        await db.schema
          .createIndex('audit_entries_by_file')
          .on('audit_entries')
          .columns(['file_id', 'id'])
          .execute();
        await db.schema
          .createIndex('audit_entries_by_path')
          .on('audit_entries')
          .columns(['path', 'id'])
          .execute();
        await db.schema
          .createIndex('audit_entries_by_actor')
          .on('audit_entries')
          .columns(['actor_id', 'id'])
          .execute();
        await db.schema
          .createIndex('audit_entries_by_action')
          .on('audit_entries')
          .columns(['action', 'id'])
          .execute();
        await db.schema.createIndex('audit_entries_by_time').on('audit_entries').column('at').execute();
      },
    },

    // Account settings edited over the API (ImageKit's v7 resources); few rows, read often.
    '005_named_transformations': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('named_transformations')
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('name', text, (c) => c.notNull().unique())
          .addColumn('transformation', text, (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },

    '006_saved_extensions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('saved_extensions')
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('description', text, (c) => c.notNull())
          .addColumn('config', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },

    // Where files come from besides the library (origins), and the URL prefixes that reach them.
    '007_origins_and_url_endpoints': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('origins')
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('type', text, (c) => c.notNull())
          .addColumn('settings', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('url_endpoints')
          .addColumn('id', text, (c) => c.primaryKey())
          .addColumn('description', text, (c) => c.notNull())
          .addColumn('url_prefix', text, (c) => c.notNull().unique())
          .addColumn('origins', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },

    // Delivery counted per UTC day and dimension (status, format, browser…), for usage analytics.
    '008_delivery_usage': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('delivery_usage')
          .addColumn('day', text, (c) => c.notNull())
          .addColumn('dimension', text, (c) => c.notNull())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('requests', 'bigint', (c) => c.notNull())
          .addColumn('bytes', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('delivery_usage_key', ['day', 'dimension', 'name'])
          .execute();
      },
    },

    // People and permissions (docs/permissions.md): users, their sign-in sessions, groups and grants.
    '009_people': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('user_id', text, (c) => c.primaryKey())
          // Lower-cased on the way in, so one address is one account however it is typed.
          .addColumn('email', text, (c) => c.notNull().unique())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('role', text, (c) => c.notNull())
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('password_hash', text)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        // Sessions live in the catalog so that sign-out and disabling a user end them on every node.
        await db.schema
          .createTable('user_sessions')
          .addColumn('token_hash', text, (c) => c.primaryKey())
          .addColumn('user_id', text, (c) => c.notNull().references('users.user_id').onDelete('cascade'))
          .addColumn('csrf_token', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('user_sessions_by_user').on('user_sessions').column('user_id').execute();
        await db.schema
          .createTable('user_groups')
          .addColumn('group_id', text, (c) => c.primaryKey())
          .addColumn('name', text, (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        // A member is a user or another group (which is how a loop could arise, and is refused).
        await db.schema
          .createTable('group_members')
          .addColumn('group_id', text, (c) =>
            c.notNull().references('user_groups.group_id').onDelete('cascade'),
          )
          .addColumn('member_type', text, (c) => c.notNull())
          .addColumn('member_id', text, (c) => c.notNull())
          .addPrimaryKeyConstraint('group_members_key', ['group_id', 'member_type', 'member_id'])
          .execute();
        await db.schema
          .createIndex('group_members_by_member')
          .on('group_members')
          .columns(['member_type', 'member_id'])
          .execute();
        // `target` is a folder path (`/a/b/`) or a file id, by `target_type`.
        await db.schema
          .createTable('grants')
          .addColumn('principal_type', text, (c) => c.notNull())
          .addColumn('principal_id', text, (c) => c.notNull())
          .addColumn('target_type', text, (c) => c.notNull())
          .addColumn('target', text, (c) => c.notNull())
          .addColumn('level', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('grants_key', ['principal_type', 'principal_id', 'target_type', 'target'])
          .execute();
        await db.schema
          .createIndex('grants_by_target')
          .on('grants')
          .columns(['target_type', 'target'])
          .execute();
      },
    },

    // Server settings an admin changes at run time (GET/PATCH /_ml/settings): one JSON value per key.
    '010_settings': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('settings')
          .addColumn('key', text, (c) => c.primaryKey())
          .addColumn('value', text, (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    // Collections (docs/server.md): named, ordered sets of files from any folders. An item is a
    // file id (all its versions), so moving a file keeps it; deleting it removes its items.
    '011_collections': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('collections')
          .addColumn('collection_id', text, (c) => c.primaryKey())
          .addColumn('name', text, (c) => c.notNull())
          // Lower-cased name: one name is one collection however it is typed.
          .addColumn('name_key', text, (c) => c.notNull().unique())
          .addColumn('description', text, (c) => c.notNull())
          .addColumn('created_by', text)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('collection_items')
          .addColumn('collection_id', text, (c) =>
            c.notNull().references('collections.collection_id').onDelete('cascade'),
          )
          .addColumn('file_id', text, (c) => c.notNull())
          .addColumn('position', 'bigint', (c) => c.notNull())
          .addColumn('added_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('collection_items_key', ['collection_id', 'file_id'])
          .execute();
        await db.schema
          .createIndex('collection_items_by_file')
          .on('collection_items')
          .column('file_id')
          .execute();
        await db.schema
          .createIndex('collection_items_by_position')
          .on('collection_items')
          .columns(['collection_id', 'position'])
          .execute();
      },
    },
    // Public share links (docs/server.md, Share links): only the SHA-256 of a link's token is kept.
    '012_shares': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('shares')
          .addColumn('share_id', text, (c) => c.primaryKey())
          .addColumn('token_hash', text, (c) => c.notNull().unique())
          // `file` (a file id), `folder` (`/a/b/`) or `collection` (a collection id).
          .addColumn('target_type', text, (c) => c.notNull())
          .addColumn('target', text, (c) => c.notNull())
          .addColumn('title', text)
          .addColumn('password_hash', text)
          .addColumn('allow_download', 'integer', (c) => c.notNull())
          .addColumn('expires_at', 'bigint')
          // The audit actor who made it (`{type, id, name?}` as JSON) and its id, to list "mine".
          .addColumn('created_by', text, (c) => c.notNull())
          .addColumn('created_by_id', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('shares_by_target')
          .on('shares')
          .columns(['target_type', 'target'])
          .execute();
        await db.schema.createIndex('shares_by_creator').on('shares').column('created_by_id').execute();
      },
    },
    // Comments, watching and notifications (docs/comments.md).
    '013_comments': {
      async up(db: Kysely<unknown>) {
        // A thread is a comment without `parent_id`; replies point at it (one level deep).
        await db.schema
          .createTable('comments')
          .addColumn('comment_id', text, (c) => c.primaryKey())
          .addColumn('file_id', text, (c) => c.notNull())
          .addColumn('version_id', text)
          .addColumn('parent_id', text)
          .addColumn('author_id', text, (c) => c.notNull())
          .addColumn('body', text, (c) => c.notNull())
          .addColumn('mentions', text, (c) => c.notNull())
          .addColumn('anchor', text)
          .addColumn('resolved_at', 'bigint')
          .addColumn('resolved_by', text)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('edited_at', 'bigint')
          .addColumn('deleted_at', 'bigint')
          .execute();
        await db.schema
          .createIndex('comments_by_file')
          .on('comments')
          .columns(['file_id', 'created_at'])
          .execute();
        await db.schema.createIndex('comments_by_parent').on('comments').column('parent_id').execute();
        // `target` is a file id or a folder path (`/a/b/`), by `target_type`.
        await db.schema
          .createTable('watches')
          .addColumn('user_id', text, (c) => c.notNull().references('users.user_id').onDelete('cascade'))
          .addColumn('target_type', text, (c) => c.notNull())
          .addColumn('target', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('watches_key', ['user_id', 'target_type', 'target'])
          .execute();
        await db.schema
          .createIndex('watches_by_target')
          .on('watches')
          .columns(['target_type', 'target'])
          .execute();
        // `seq` orders a user's notifications, pages them and tells nodes what is new since they last looked.
        await db.schema
          .createTable('notifications')
          .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('notification_id', text, (c) => c.notNull().unique())
          .addColumn('user_id', text, (c) => c.notNull().references('users.user_id').onDelete('cascade'))
          .addColumn('kind', text, (c) => c.notNull())
          .addColumn('file_id', text)
          .addColumn('comment_id', text)
          .addColumn('folder', text)
          .addColumn('actor_id', text)
          .addColumn('actor_name', text, (c) => c.notNull())
          .addColumn('excerpt', text, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('read_at', 'bigint')
          .addColumn('emailed_at', 'bigint')
          .execute();
        await db.schema
          .createIndex('notifications_by_user')
          .on('notifications')
          .columns(['user_id', 'seq'])
          .execute();
        await db.schema
          .createTable('notification_settings')
          .addColumn('user_id', text, (c) => c.primaryKey().references('users.user_id').onDelete('cascade'))
          .addColumn('muted_kinds', text, (c) => c.notNull())
          .addColumn('email', text, (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    // The asset lifecycle (docs/server.md): where files are used, and the trash.
    '014_lifecycle': {
      async up(db: Kysely<unknown>) {
        // One row per (place, file): `PUT /_ml/references` replaces a place's rows.
        await db.schema
          .createTable('file_references')
          .addColumn('source', text, (c) => c.notNull())
          .addColumn('ref_key', text, (c) => c.notNull())
          .addColumn('file_id', text, (c) => c.notNull())
          .addColumn('title', text, (c) => c.notNull())
          .addColumn('url', text)
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('file_references_key', ['source', 'ref_key', 'file_id'])
          .execute();
        await db.schema
          .createIndex('file_references_by_file')
          .on('file_references')
          .columns(['file_id', 'source', 'ref_key'])
          .execute();
        // A deleted file or folder: its rows leave the live tables, so no query can see it.
        await db.schema
          .createTable('trash_items')
          // The file's fileId or the folder's folderId.
          .addColumn('item_id', text, (c) => c.primaryKey())
          .addColumn('kind', text, (c) => c.notNull())
          .addColumn('path', text, (c) => c.notNull())
          .addColumn('name', text, (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('file_count', 'integer', (c) => c.notNull())
          .addColumn('deleted_by', text)
          .addColumn('deleted_at', 'bigint', (c) => c.notNull())
          .addColumn('purge_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('trash_items_by_purge').on('trash_items').column('purge_at').execute();
        await db.schema
          .createIndex('trash_items_by_deleted')
          .on('trash_items')
          .columns(['deleted_at', 'item_id'])
          .execute();
        // The file versions and folders an item took with it, as the records they were.
        await db.schema
          .createTable('trash_rows')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('item_id', text, (c) => c.notNull())
          .addColumn('kind', text, (c) => c.notNull())
          .addColumn('record', text, (c) => c.notNull())
          .addColumn('blob_key', text)
          .execute();
        await db.schema
          .createIndex('trash_rows_by_item')
          .on('trash_rows')
          .columns(['item_id', 'id'])
          .execute();
        await db.schema.createIndex('trash_rows_by_blob').on('trash_rows').column('blob_key').execute();
        // Exact duplicates: the SHA-256 of a version's bytes, computed once at upload.
        await db.schema
          .createTable('content_hashes')
          .addColumn('version_id', text, (c) => c.primaryKey())
          .addColumn('content_hash', text, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('content_hashes_by_hash')
          .on('content_hashes')
          .columns(['content_hash', 'version_id'])
          .execute();
      },
    },

    '015_backup': {
      async up(db: Kysely<unknown>) {
        // The backup bucket's queue: one row per library path, the version to write there next.
        await db.schema
          .createTable('backup_jobs')
          .addColumn('file_path', text, (c) => c.primaryKey())
          .addColumn('version_id', text, (c) => c.notNull())
          .addColumn('blob_key', text, (c) => c.notNull())
          // Pending (to write), Done (written), Failed (given up after the last attempt).
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          // Not tried again before this (the backoff after a failure).
          .addColumn('next_at', 'bigint', (c) => c.notNull())
          .addColumn('claimed_by', text)
          .addColumn('lease_until', 'bigint')
          .addColumn('error', text)
          .addColumn('done_at', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('backup_jobs_by_status')
          .on('backup_jobs')
          .columns(['status', 'next_at'])
          .execute();
        await db.schema.createIndex('backup_jobs_by_done').on('backup_jobs').column('done_at').execute();
      },
    },
    // A member's listing walks the date order testing each row's folder against its grants: with
    // the folder in the index that test needs no row read (same prefix, so every other use stays).
    '016_permission_indexes': {
      async up(db: Kysely<unknown>) {
        await db.schema.dropIndex('file_versions_by_created').execute();
        await listingIndex(db, 'file_versions_by_created', [
          'is_current',
          'created_at',
          'version_id',
          'folder',
        ]);
      },
    },
    '017_ai_jobs': {
      async up(db: Kysely<unknown>) {
        // AI work on one version (docs/ai.md): rows any node claims through a lease, like backup jobs.
        await db.schema
          .createTable('ai_jobs')
          .addColumn('job_id', text, (c) => c.primaryKey())
          .addColumn('file_id', text, (c) => c.notNull())
          .addColumn('version_id', text, (c) => c.notNull())
          // `analyse` (tags, text, detections) or `remove-bg`; `params` holds the extension's options.
          .addColumn('kind', text, (c) => c.notNull())
          .addColumn('params', text, (c) => c.notNull())
          // Pending, Done, Failed (given up after the last attempt).
          .addColumn('status', text, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('claimed_by', text)
          .addColumn('lease_until', 'bigint')
          .addColumn('error', text)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('ai_jobs_by_status')
          .on('ai_jobs')
          .columns(['status', 'created_at'])
          .execute();
        await db.schema.createIndex('ai_jobs_by_file').on('ai_jobs').columns(['file_id', 'status']).execute();
        // What the local models found in a version: text read by OCR (searched by `text :`) and the
        // boxes of faces and objects (`fo-face`, `fo-<label>` crop around them without the model).
        await db.schema
          .createTable('ai_analyses')
          .addColumn('version_id', text, (c) => c.primaryKey())
          .addColumn('text', text)
          .addColumn('detections', text, (c) => c.notNull())
          .addColumn('analysed_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    // Search suggestions (docs/search-suggestions.md) and similar images (docs/server.md "Similar
    // images"). Suggestions are case-insensitive prefix ranges, so each kind gets an index on the
    // lower-cased text (ASCII lower-casing on both databases) carrying what the grant test reads.
    // The tag index leads with the text, not the source: `AITags IN [...]` keeps file_tags_by_tag.
    '018_image_signatures': {
      async up(db: Kysely<unknown>) {
        const index = (name: string, table: string, columns: string, where = '') =>
          sql
            .raw(`create index ${name} on ${table} (${columns})${where ? ` where ${where}` : ''}`)
            .execute(db);
        await index(
          'file_versions_by_lower_name',
          'file_versions',
          'lower(name), folder, file_id',
          'is_current = 1',
        );
        await index('file_tags_by_lower_tag', 'file_tags', 'lower(tag), source, row_id');
        await index(
          'file_metadata_values_by_lower_text',
          'file_metadata_values',
          `lower(${dialect === 'sqlite' ? 'value' : 'text_value'}), row_id`,
          "kind = 'text'",
        );
        await index('folders_by_lower_name', 'folders', 'lower(name), path');

        // One row per image version: its 64-bit DCT pHash (hex), the hash cut in four 16-bit bands
        // (any two hashes within 3 bits share a band), the index of its most common colour bin, a
        // 4×4×4 RGB histogram (64 bytes, hex) and, with an embedder, its vector.
        await db.schema
          .createTable('image_signatures')
          .addColumn('version_id', text, (c) => c.primaryKey())
          .addColumn('phash', text, (c) => c.notNull())
          .addColumn('band0', 'integer', (c) => c.notNull())
          .addColumn('band1', 'integer', (c) => c.notNull())
          .addColumn('band2', 'integer', (c) => c.notNull())
          .addColumn('band3', 'integer', (c) => c.notNull())
          .addColumn('colour', 'integer', (c) => c.notNull())
          .addColumn('histogram', text, (c) => c.notNull())
          .addColumn('embedding_model', text)
          .addColumn('embedding', text)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        for (const column of ['band0', 'band1', 'band2', 'band3']) {
          await index(`image_signatures_by_${column}`, 'image_signatures', `${column}, version_id`);
        }
        await index('image_signatures_by_colour', 'image_signatures', 'colour, created_at');
        await index('image_signatures_by_created', 'image_signatures', 'created_at, version_id');
      },
    },
    // Near duplicates: an image version's 64-bit pHash as four 16-bit bands, each indexed. Two
    // hashes within Hamming distance t agree within t/4 bits in some band (pigeonhole), so a
    // lookup probes each band's index for the values that close and verifies the rest.
    '019_near_duplicates': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('perceptual_hashes')
          .addColumn('version_id', text, (c) => c.primaryKey())
          .addColumn('band0', 'integer', (c) => c.notNull())
          .addColumn('band1', 'integer', (c) => c.notNull())
          .addColumn('band2', 'integer', (c) => c.notNull())
          .addColumn('band3', 'integer', (c) => c.notNull())
          .execute();
        for (const band of ['band0', 'band1', 'band2', 'band3']) {
          await db.schema
            .createIndex(`perceptual_hashes_by_${band}`)
            .on('perceptual_hashes')
            .columns([band, 'version_id'])
            .execute();
        }
      },
    },
    // A member's search reads its granted trees along the folder index and tests the search on each
    // row there: with width and height in the index, `… AND width > 3000` needs no row read for the
    // rows it rules out (same leading columns, so every other use stays).
    '021_search_indexes': {
      async up(db: Kysely<unknown>) {
        await db.schema.dropIndex('file_versions_by_folder').execute();
        await sql`create index file_versions_by_folder on file_versions (is_current, folder, created_at, version_id${
          dialect === 'postgres' ? sql`) include (id, width, height)` : sql`, width, height)`
        }`.execute(db);
      },
    },
    // SQLite without statistics took `file_id = ? and is_current = 1` (every file read by id) along
    // file_versions_by_size's `is_current`, walking every current row: with both columns here the
    // planner takes this one (PostgreSQL plans from its statistics and needs no such help).
    '022_file_lookup': {
      async up(db: Kysely<unknown>) {
        if (dialect !== 'sqlite') return;
        await db.schema
          .createIndex('file_versions_by_current_file')
          .on('file_versions')
          .columns(['file_id', 'is_current'])
          .execute();
      },
    },
    // PostgreSQL's name vectors gain each word's two- and three-letter prefixes (word-index.ts). The
    // rows already there are rewritten after the migration, a few thousand per transaction, so a big
    // table's rows are never all held at once (finishSearchBackfills): this records which ids.
    '023_pg_name_prefixes': {
      async up(db: Kysely<unknown>) {
        if (dialect !== 'postgres') return;
        await db.schema
          .createTable('search_backfills')
          .addColumn('name', text, (c) => c.primaryKey())
          .addColumn('next_id', 'bigint', (c) => c.notNull())
          .addColumn('last_id', 'bigint', (c) => c.notNull())
          .execute();
        await sql`insert into search_backfills (name, next_id, last_id)
          select 'name_prefixes', min(id), max(id) from file_versions having count(*) > 0`.execute(db);
      },
    },
    // Suggestions and similar images, cheaper at a million files (docs/search-suggestions.md). User
    // and AI tags get a lower-cased index each (partial, by source): with one index for both, a
    // prefix's AI tags were found by walking past every user tag of that prefix. Similar images join
    // each candidate signature to its file for `is_current`, the file id and the folder the grants
    // test; on SQLite an index answers that without reading the file row.
    '024_similar_index': {
      async up(db: Kysely<unknown>) {
        for (const source of ['user', 'ai']) {
          await sql
            .raw(
              `create index file_tags_by_lower_${source}_tag on file_tags (lower(tag), row_id) where source = '${source}'`,
            )
            .execute(db);
        }
        await db.schema.dropIndex('file_tags_by_lower_tag').execute();
        // PostgreSQL joins along the version_id key and the heap (EXPLAIN at 30k rows: 400 rows in
        // 1.4 ms); an index-only join there would wait on the visibility map, so SQLite only.
        if (dialect !== 'sqlite') return;
        await db.schema
          .createIndex('file_versions_by_version_scope')
          .on('file_versions')
          .columns(['version_id', 'is_current', 'file_id', 'folder'])
          .execute();
      },
    },
  };
};

/**
 * SQLite keeps the derived search structures in step with `file_versions` by triggers: an FTS5
 * index over names and tags (word-prefix search for `:`), and the tag and metadata value tables.
 */
async function createSqliteSearchIndex(db: Kysely<unknown>): Promise<void> {
  // Exact tag lookups (`tags IN [...]`): one row per tag of every version, user and AI.
  await db.schema
    .createTable('file_tags')
    .addColumn('row_id', 'bigint', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('file_tags_by_tag').on('file_tags').columns(['tag', 'row_id']).execute();
  await db.schema.createIndex('file_tags_by_row').on('file_tags').column('row_id').execute();
  // Custom metadata lookups: one row per field value (per element for MultiSelect arrays).
  // `value` keeps its JSON type (text, number, or 1/0 for booleans); `kind` says which.
  await db.schema
    .createTable('file_metadata_values')
    .addColumn('row_id', 'bigint', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'blob')
    .execute();
  await db.schema
    .createIndex('file_metadata_values_by_value')
    .on('file_metadata_values')
    .columns(['field', 'kind', 'value', 'row_id'])
    .execute();
  await db.schema
    .createIndex('file_metadata_values_by_row')
    .on('file_metadata_values')
    .column('row_id')
    .execute();

  await sql`create virtual table file_search using fts5(
    name, tags, content='', contentless_delete=1,
    tokenize="unicode61 remove_diacritics 2", prefix='2 3'
  )`.execute(db);
  const tagsText = `
    coalesce((select group_concat(value, ' ') from json_each(new.tags)), '') || ' ' ||
    coalesce((select group_concat(json_extract(value, '$.name'), ' ') from json_each(new.ai_tags)), '')`;
  const indexRow = sql.raw(`
    insert into file_search (rowid, name, tags) values (new.id, new.name, ${tagsText});
    insert into file_tags (row_id, tag, source) select new.id, value, 'user' from json_each(new.tags);
    insert into file_tags (row_id, tag, source)
      select new.id, json_extract(value, '$.name'), 'ai' from json_each(new.ai_tags);
    insert into file_metadata_values (row_id, field, kind, value)
      select new.id, m.key, case m.type when 'text' then 'text' when 'true' then 'bool' when 'false' then 'bool'
        else 'number' end, m.value
      from json_each(new.custom_metadata) m where m.type in ('text', 'integer', 'real', 'true', 'false');
    insert into file_metadata_values (row_id, field, kind, value)
      select new.id, m.key, case e.type when 'text' then 'text' when 'true' then 'bool' when 'false' then 'bool'
        else 'number' end, e.value
      from json_each(new.custom_metadata) m, json_each(m.value) e
      where m.type = 'array' and e.type in ('text', 'integer', 'real', 'true', 'false');`);
  const unindexRow = sql.raw(`
    delete from file_search where rowid = old.id;
    delete from file_tags where row_id = old.id;
    delete from file_metadata_values where row_id = old.id;`);
  await sql`create trigger file_versions_index_insert after insert on file_versions begin ${indexRow} end`.execute(
    db,
  );
  await sql`create trigger file_versions_index_delete after delete on file_versions begin ${unindexRow} end`.execute(
    db,
  );
  await sql`create trigger file_versions_index_update after update of name, tags, ai_tags, custom_metadata
    on file_versions begin ${unindexRow} ${indexRow} end`.execute(db);
}

/**
 * PostgreSQL has the same tag and metadata tables (typed value columns instead of SQLite's
 * untyped one), and keeps the words of a version's name and tags as full-text vectors of
 * positioned words beside its other columns, under GIN indexes, for the phrase-with-prefix `:`
 * that FTS5 answers on SQLite. The store fills them as it writes rows (postgres-search-index.ts),
 * with the same word splitting the query side uses; rows of the side tables go with their file
 * version through the foreign keys.
 */
async function createPostgresSearchIndex(db: Kysely<unknown>, text: SqlType): Promise<void> {
  for (const column of ['name_words', 'tag_words']) {
    await db.schema
      .alterTable('file_versions')
      .addColumn(column, sql`tsvector`, (c) => c.notNull().defaultTo(sql`''::tsvector`))
      .execute();
    await sql`create index ${sql.id(`file_versions_by_${column}`)} on file_versions using gin (${sql.id(column)})`.execute(
      db,
    );
  }
  const rowId = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('file_versions.id').onDelete('cascade');
  await db.schema
    .createTable('file_tags')
    .addColumn('row_id', 'bigint', rowId)
    .addColumn('tag', text, (c) => c.notNull())
    .addColumn('source', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('file_tags_by_tag').on('file_tags').columns(['tag', 'row_id']).execute();
  await db.schema.createIndex('file_tags_by_row').on('file_tags').column('row_id').execute();
  await db.schema
    .createTable('file_metadata_values')
    .addColumn('row_id', 'bigint', rowId)
    .addColumn('field', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('text_value', text)
    .addColumn('number_value', 'double precision')
    .execute();
  await db.schema
    .createIndex('file_metadata_values_by_text')
    .on('file_metadata_values')
    .columns(['field', 'kind', 'text_value', 'row_id'])
    .execute();
  await db.schema
    .createIndex('file_metadata_values_by_number')
    .on('file_metadata_values')
    .columns(['field', 'kind', 'number_value', 'row_id'])
    .execute();
  await db.schema
    .createIndex('file_metadata_values_by_row')
    .on('file_metadata_values')
    .column('row_id')
    .execute();
}

/** Brings the database to the newest schema; safe to run on every start. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String(error)}`);
  }
}
