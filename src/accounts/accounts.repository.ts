import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { normalizeDomain } from '../common/domains';
import { Page, PageQuery, paginate } from '../common/pagination';
import { nowToTheSecond } from '../common/whole-seconds';
import { sqlDatetime } from '../platform/database/columns';
import { DatabaseService } from '../platform/database/database.service';
import { findAllOrderedBy, findOneByColumn } from '../platform/database/find-one-by-column';
import { Account, ACCOUNT_STATUSES, AccountStatus } from './account.entity';
import { AccountQuery } from './dto/account-query.dto';

/**
 * The one owner of the `accounts` table: the accounts service, the licence's seat count, metrics,
 * server stats and the reconciler all read and write it through here. A status moves only by a
 * conditional UPDATE (or DELETE) … WHERE status IN (…), so concurrent callers cannot both win.
 */
@Injectable()
export class AccountsRepository {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly db: DatabaseService,
  ) {}

  findById(id: number): Promise<Account | null> {
    return findOneByColumn(this.db.dataSource, Account, 'id', id);
  }

  findByGuid(guid: string): Promise<Account | null> {
    return findOneByColumn(this.db.dataSource, Account, 'guid', guid);
  }

  /** One row by a unique column (username, domain, external_id). */
  findByColumn(column: 'username' | 'domain' | 'externalId', value: string): Promise<Account | null> {
    return this.accounts.findOneBy({ [column]: value });
  }

  /** Every account, oldest first (bulk usage). */
  all(): Promise<Account[]> {
    return findAllOrderedBy(this.db.dataSource, Account, 'id');
  }

  /** Keyset pages filtered by status, username, domain, client_id; `view` shapes each row. */
  page<V>(query: AccountQuery, view: (account: Account) => V): Promise<Page<V>> {
    const qb = this.accounts.createQueryBuilder('a');
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.username) qb.andWhere('a.username = :username', { username: query.username });
    if (query.domain) qb.andWhere('a.domain = :domain', { domain: normalizeDomain(query.domain) ?? query.domain });
    if (query.client_id) qb.andWhere('a.client_id = :clientId', { clientId: query.client_id });
    if (query.external_id) qb.andWhere('a.external_id = :externalId', { externalId: query.external_id });
    return paginate(qb, query as PageQuery, view);
  }

  /** Every account of one client, oldest first. */
  ofClient(clientId: number): Promise<Account[]> {
    return this.accounts.createQueryBuilder('a').where('a.client_id = :clientId', { clientId }).orderBy('a.id', 'ASC').getMany();
  }

  /** Inside the create transaction (after the seat is taken); unique and foreign keys throw as the driver reports them. */
  async insert(em: EntityManager, account: Account): Promise<void> {
    await em.insert(Account, account);
  }

  /** Writes the changes only while the status is one of `from`; false when it was not (or the row is gone). */
  async updateIfStatus(id: number, from: AccountStatus[], changes: Partial<Account>): Promise<boolean> {
    const result = await this.db.write((em) =>
      em.createQueryBuilder().update(Account).set(changes).where('id = :id', { id }).andWhere('status IN (:...from)', { from }).execute(),
    );
    return Boolean(result.affected);
  }

  /**
   * Starts an operation: moves the status from one of `from` to `to` and bumps op_seq in one
   * conditional UPDATE, so of two concurrent operations (in any process) only one starts. Answers
   * the row as it now is (its new generation included), or null when another caller moved it first.
   */
  async begin(id: number, from: AccountStatus[], to: AccountStatus, extra: Partial<Account> = {}): Promise<Account | null> {
    const changes = { ...extra, status: to, updatedAt: nowToTheSecond() };
    const result = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(Account)
        .set({ ...changes, opSeq: () => 'op_seq + 1' })
        .where('id = :id', { id })
        .andWhere('status IN (:...from)', { from })
        .execute(),
    );
    if (!result.affected) return null;
    return this.findById(id);
  }

  /** Moves the status only from one of `from`; false when another caller moved it first. */
  async transition(account: Account, from: AccountStatus[], to: AccountStatus, extra: Partial<Account> = {}): Promise<boolean> {
    const changes = { status: to, updatedAt: nowToTheSecond(), ...extra };
    const result = await this.db.write((em) =>
      em.createQueryBuilder().update(Account).set(changes).where('id = :id', { id: account.id }).andWhere('status IN (:...from)', { from }).execute(),
    );
    if (!result.affected) return false;
    Object.assign(account, changes);
    return true;
  }

  /** The row goes only while its status is one of `from`; false when it had moved on (or was gone). */
  async deleteIfStatus(id: number, from: AccountStatus[]): Promise<boolean> {
    const result = await this.db.write((em) =>
      em.createQueryBuilder().delete().from(Account).where('id = :id', { id }).andWhere('status IN (:...from)', { from }).execute(),
    );
    return Boolean(result.affected);
  }

  /** Every row takes a seat, whatever its status; see SeatCounter for `em`. */
  async countAll(em?: EntityManager): Promise<number> {
    // LOCK IN SHARE MODE reads the latest committed rows even if the transaction's snapshot is older.
    const sql = em && !this.db.isSqlite ? 'SELECT COUNT(*) AS n FROM accounts LOCK IN SHARE MODE' : 'SELECT COUNT(*) AS n FROM accounts';
    const rows: { n: number | string }[] = await (em ?? this.db.manager).query(sql);
    return Number(rows[0].n);
  }

  /** Every status, 0 when no account has it. */
  async countByStatus(): Promise<Record<AccountStatus, number>> {
    const rows: { status: AccountStatus; n: string | number }[] = await this.accounts
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('a.status')
      .getRawMany();
    const counts = Object.fromEntries(ACCOUNT_STATUSES.map((s) => [s, 0])) as Record<AccountStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Rows left in one of `statuses` and untouched since `before`: a process stopped while working on them. */
  findStuck(statuses: AccountStatus[], before: Date): Promise<Account[]> {
    return this.accounts
      .createQueryBuilder('a')
      .where('a.status IN (:...statuses)', { statuses })
      .andWhere('a.updated_at <= :before', { before: sqlDatetime(before) })
      .orderBy('a.id', 'ASC')
      .getMany();
  }

  /** The statuses of the accounts that hold this username or this domain (none: both are free). */
  async statusesHolding(username: string, domain: string): Promise<AccountStatus[]> {
    const rows: { status: AccountStatus }[] = await this.accounts
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .where('a.username = :username OR a.domain = :domain', { username, domain })
      .getRawMany();
    return rows.map((row) => row.status);
  }
}
