import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { DuplicateScope } from './content-hashes.js';

/** What the search box suggests; each kind has its own case-insensitive prefix index (migration 018). */
export type SuggestionKind = 'name' | 'tag' | 'aiTag' | 'folder' | 'metadata';

export interface SuggestionRow {
  kind: SuggestionKind;
  /** The text as stored (a name, tag, folder name or metadata value). */
  value: string;
  /** A folder's path, or the file's path for a name. */
  path?: string;
  /** The custom metadata field a value is in. */
  field?: string;
}

/** Lower-cases A–Z only, as SQLite's lower() and PostgreSQL's under collation "C" do. */
export const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The least string above every string starting with `prefix` (in code point order, as bytes sort). */
function afterPrefix(prefix: string): string {
  const chars = Array.from(prefix);
  const last = chars.pop()!.codePointAt(0)!;
  return chars.join('') + String.fromCodePoint(Math.min(last + 1, 0x10ffff));
}

/**
 * Suggestions for what the search box holds (the value tables lead each join: SQLite keeps a
 * CROSS JOIN's order, so the lower-cased index is walked, never the file table): prefix ranges on lower-cased indexes, each kind
 * narrowed to what the caller may see in the same statement (never filtered afterwards). Tags and
 * metadata values repeat across files, so they are read one distinct value per index seek.
 */
export class SuggestionRepository extends Repository {
  async suggest(typed: string, scope: DuplicateScope, limit: number): Promise<SuggestionRow[][]> {
    const low = asciiLower(typed);
    const high = afterPrefix(low);
    return Promise.all([
      this.names(low, high, scope, limit),
      this.distinct('tag', low, high, scope, limit),
      this.distinct('aiTag', low, high, scope, limit),
      this.folders(low, high, scope, limit),
      this.distinct('metadata', low, high, scope, limit),
    ]);
  }

  private fileScope(scope: DuplicateScope): RawBuilder<unknown> {
    const parts: Expression<SqlBool>[] = [];
    if (scope.within !== undefined) parts.push(inFolderTree('v.folder', scope.within));
    if (scope.granted !== undefined) {
      parts.push(
        inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id'),
      );
    }
    return parts.length === 0 ? sql`` : sql` and ${sql.join(parts, sql` and `)}`;
  }

  private async names(
    low: string,
    high: string,
    scope: DuplicateScope,
    limit: number,
  ): Promise<SuggestionRow[]> {
    // The name index, not the folder one a member's grant ranges would tempt SQLite to walk instead.
    const indexed = sql.raw(
      this.c.dialect.name === 'sqlite' ? ' indexed by file_versions_by_lower_name' : '',
    );
    const { rows } = await sql<{ name: string; file_path: string }>`
      select v.name, v.file_path from file_versions v${indexed}
      where v.is_current = 1 and lower(v.name) >= ${low} and lower(v.name) < ${high}${this.fileScope(scope)}
      order by lower(v.name) limit ${limit * 3}`.execute(this.c.db);
    const seen = new Set<string>();
    const found: SuggestionRow[] = [];
    for (const row of rows) {
      if (seen.has(row.name) || found.length >= limit) continue;
      seen.add(row.name);
      found.push({ kind: 'name', value: row.name, path: row.file_path });
    }
    return found;
  }

  private async folders(
    low: string,
    high: string,
    scope: DuplicateScope,
    limit: number,
  ): Promise<SuggestionRow[]> {
    const parts: Expression<SqlBool>[] = [];
    if (scope.within !== undefined) parts.push(inFolderTree('f.path', scope.within));
    if (scope.granted !== undefined) parts.push(inGranted({ ...scope.granted, fileIds: [] }, 'f.path'));
    const { rows } = await sql<{ name: string; path: string }>`
      select f.name, f.path from folders f
      where lower(f.name) >= ${low} and lower(f.name) < ${high}${
        parts.length === 0 ? sql`` : sql` and ${sql.join(parts, sql` and `)}`
      }
      order by lower(f.name), f.path limit ${limit}`.execute(this.c.db);
    return rows.map((row) => ({ kind: 'folder', value: row.name, path: row.path }));
  }

  /** One distinct value per seek: the next value above the last one found that a visible current file has. */
  private async distinct(
    kind: 'tag' | 'aiTag' | 'metadata',
    low: string,
    high: string,
    scope: DuplicateScope,
    limit: number,
  ): Promise<SuggestionRow[]> {
    const found: SuggestionRow[] = [];
    let after: string | undefined;
    while (found.length < limit) {
      const from = after === undefined ? sql`>= ${low}` : sql`> ${after}`;
      const row = await this.nextValue(kind, from, high, scope);
      if (!row) break;
      found.push({ kind, value: row.value, ...(row.field !== undefined && { field: row.field }) });
      after = asciiLower(row.value);
    }
    return found;
  }

  private async nextValue(
    kind: 'tag' | 'aiTag' | 'metadata',
    from: RawBuilder<unknown>,
    high: string,
    scope: DuplicateScope,
  ): Promise<{ value: string; field?: string } | undefined> {
    if (kind === 'metadata') {
      const column = sql.raw(this.c.dialect.name === 'sqlite' ? 'm.value' : 'm.text_value');
      const { rows } = await sql<{ value: string; field: string }>`
        select ${column} as value, m.field from file_metadata_values m
        cross join file_versions v
        where v.id = m.row_id and m.kind = 'text' and lower(${column}) ${from} and lower(${column}) < ${high}
          and v.is_current = 1${this.fileScope(scope)}
        order by lower(${column}) limit 1`.execute(this.c.db);
      const row = rows[0];
      return row && { value: String(row.value), field: row.field };
    }
    // The source as a literal, so each kind walks its own partial index (migration 020).
    const source = sql.lit(kind === 'tag' ? 'user' : 'ai');
    const { rows } = await sql<{ value: string }>`
      select t.tag as value from file_tags t
      cross join file_versions v
      where v.id = t.row_id and t.source = ${source} and lower(t.tag) ${from} and lower(t.tag) < ${high}
        and v.is_current = 1${this.fileScope(scope)}
      order by lower(t.tag) limit 1`.execute(this.c.db);
    return rows[0];
  }
}
