import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { DatabaseService } from '../../platform/database/database.service';
import { AccountSuspension } from './account-suspension.entity';
import { MIGRATED_ACTOR, SuspensionType } from './suspension-types';

/**
 * The one owner of `account_suspensions`. Writes run inside the transaction that holds the
 * account's row lock (AccountsRepository.lockStatus), so the rows in force and the account's
 * status change together; reads inside it are locking reads on MariaDB (the latest committed
 * rows, not the transaction's snapshot).
 */
@Injectable()
export class AccountSuspensionsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The suspensions in force of each account, oldest first; one query for the lot. */
  async ofAccounts(ids: number[]): Promise<Map<number, AccountSuspension[]>> {
    const found = new Map<number, AccountSuspension[]>();
    if (!ids.length) return found;
    const rows = await this.db.manager.find(AccountSuspension, { where: { accountId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } });
    for (const row of rows) found.set(row.accountId, [...(found.get(row.accountId) ?? []), row]);
    return found;
  }

  async inForce(em: EntityManager, accountId: number): Promise<AccountSuspension[]> {
    const qb = em.createQueryBuilder(AccountSuspension, 's').where('s.account_id = :accountId', { accountId }).orderBy('s.created_at', 'ASC').addOrderBy('s.id', 'ASC');
    if (!this.db.isSqlite) qb.setLock('pessimistic_write');
    return qb.getMany();
  }

  /** A unique violation when that type is in force already. */
  async insert(em: EntityManager, row: Omit<AccountSuspension, 'id'>): Promise<void> {
    await em.insert(AccountSuspension, row);
  }

  /**
   * Removes the suspensions of these types and answers them. `withMigrated`: an `admin` one carried
   * over from the single flag goes too (any unsuspend lifted it before types existed).
   */
  async remove(em: EntityManager, accountId: number, types: SuspensionType[], withMigrated = false): Promise<AccountSuspension[]> {
    const lifted = (await this.inForce(em, accountId)).filter((s) => types.includes(s.type) || (withMigrated && s.type === 'admin' && s.actor === MIGRATED_ACTOR));
    if (lifted.length) await em.delete(AccountSuspension, { id: In(lifted.map((s) => s.id)) });
    return lifted;
  }
}
