import type { AccessLevel, GrantTargetType, PrincipalType } from '../../../shared/wire.js';
import { inFolderTree, Repository } from '../connection.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { GrantTable } from '../schema.js';

export interface GrantRecord {
  principalType: PrincipalType;
  principalId: string;
  targetType: GrantTargetType;
  /** A folder path (`/a/b/`) or a file id. */
  target: string;
  level: AccessLevel;
  createdAt: number;
}

const levelOrder: AccessLevel[] = ['view', 'contribute', 'manage'];

export type GrantKey = Pick<GrantRecord, 'principalType' | 'principalId' | 'targetType' | 'target'>;

const grantRows = new RowMapper<GrantRecord, GrantTable>({
  principalType: asIs('principal_type'),
  principalId: asIs('principal_id'),
  targetType: asIs('target_type'),
  target: asIs('target'),
  level: asIs('level'),
  createdAt: bigint('created_at'),
});

/** Who may reach which folder or file, and how far. */
export class GrantRepository extends Repository {
  /** Grants matching every given field, in a stable order. */
  list(where: Partial<GrantKey> = {}): Promise<GrantRecord[]> {
    let q = this.c.db.selectFrom('grants').selectAll();
    if (where.principalType) q = q.where('principal_type', '=', where.principalType);
    if (where.principalId) q = q.where('principal_id', '=', where.principalId);
    if (where.targetType) q = q.where('target_type', '=', where.targetType);
    if (where.target) q = q.where('target', '=', where.target);
    return grantRows.all(
      q.orderBy('target_type').orderBy('target').orderBy('principal_type').orderBy('principal_id'),
    );
  }

  /** The grants of these principals (a user and every group it is in). */
  forPrincipals(principals: Array<{ type: PrincipalType; id: string }>): Promise<GrantRecord[]> {
    if (principals.length === 0) return Promise.resolve([]);
    return grantRows.all(
      this.c.db
        .selectFrom('grants')
        .selectAll()
        .where((eb) =>
          eb.or(
            principals.map((p) => eb.and([eb('principal_type', '=', p.type), eb('principal_id', '=', p.id)])),
          ),
        ),
    );
  }

  /** Grants on these folders (a folder and its ancestors) or this file. */
  onTargets(folders: string[], fileId?: string): Promise<GrantRecord[]> {
    return grantRows.all(
      this.c.db
        .selectFrom('grants')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('target_type', '=', 'folder'), eb('target', 'in', folders.length ? folders : [''])]),
            ...(fileId ? [eb.and([eb('target_type', '=', 'file'), eb('target', '=', fileId)])] : []),
          ]),
        )
        .orderBy('target_type')
        .orderBy('target'),
    );
  }

  /** Sets the level of a grant, creating it when new. */
  async put(grant: GrantRecord): Promise<void> {
    await this.c.atomically(async (db) => {
      await db
        .deleteFrom('grants')
        .where('principal_type', '=', grant.principalType)
        .where('principal_id', '=', grant.principalId)
        .where('target_type', '=', grant.targetType)
        .where('target', '=', grant.target)
        .execute();
      await db.insertInto('grants').values(grantRows.toRow(grant)).execute();
    });
  }

  /** Removes a grant; whether there was one. */
  async delete(key: GrantKey): Promise<boolean> {
    const result = await this.c.db
      .deleteFrom('grants')
      .where('principal_type', '=', key.principalType)
      .where('principal_id', '=', key.principalId)
      .where('target_type', '=', key.targetType)
      .where('target', '=', key.target)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Moves folder grants along with a folder tree that was moved or renamed (`from` and `to` end in
   * `/`). Where the principal already has a grant at the new path, the stronger of the two stays.
   */
  async moveFolderTargets(from: string, to: string): Promise<void> {
    const moved = await grantRows.all(
      this.c.db
        .selectFrom('grants')
        .selectAll()
        .where('target_type', '=', 'folder')
        .where(inFolderTree('target', from)),
    );
    for (const grant of moved) {
      const target = to + grant.target.slice(from.length);
      const [there] = await this.list({ ...grant, target });
      await this.delete(grant);
      if (there && levelOrder.indexOf(there.level) >= levelOrder.indexOf(grant.level)) continue;
      await this.put({ ...grant, target });
    }
  }
}
