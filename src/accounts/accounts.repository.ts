import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { normalizeDomain } from '../common/domains';
import { keysetPage, Page, PageQuery } from '../common/pagination';
import { nowToTheSecond } from '../common/whole-seconds';
import { sqlDatetime } from '../platform/database/columns';
import { DatabaseService } from '../platform/database/database.service';
import { findAllOrderedBy, findOneByColumn, findPageAfter, findViewByColumn, findViewPageAfter, IsoDated } from '../platform/database/find-one-by-column';
import { Account, ACCOUNT_STATUSES, AccountStatus } from './account.entity';
import { AccountQuery } from './dto/account-query.dto';
import { AccountSuspension } from './suspensions/account-suspension.entity';
import { AccountSuspensionsRepository } from './suspensions/account-suspensions.repository';
import { AccountView } from './dto/account.view';
import { AccountEventType } from '../webhooks/outbox/event-types';
import { Outbox } from '../webhooks/outbox/outbox.service';
import { ServerDirectory } from '../servers/server-directory';

/**
 * The one owner of the `accounts` table: the accounts service, the licence's seat count, metrics,
 * server stats and the reconciler all read and write it through here. A status moves only by a
 * conditional UPDATE (or DELETE) … WHERE status IN (…), so concurrent callers cannot both win.
 * A write given an event type records it in the outbox in the same transaction, only when it
 * changed the row: the event exists exactly when the change does.
 */
@Injectable()
export class AccountsRepository {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly db: DatabaseService,
    private readonly suspensions: AccountSuspensionsRepository,
    private readonly outbox: Outbox,
    private readonly servers: ServerDirectory,
  ) {}

  async findById(id: number): Promise<Account | null> {
    return this.withSuspension(await findOneByColumn(this.db.dataSource, Account, 'id', id));
  }

  /** The account by id as AccountView reads it: its columns only, datetimes as text (findViewByColumn). */
  async viewById(id: number): Promise<IsoDated<Account> | null> {
    const row = await findViewByColumn(this.db.dataSource, Account, 'id', id, ACCOUNT_VIEW_COLUMNS);
    return row && (await this.withSuspensions([row]))[0];
  }

  async findByGuid(guid: string): Promise<Account | null> {
    return this.withSuspension(await findOneByColumn(this.db.dataSource, Account, 'guid', guid));
  }

  /** One row by a unique column (username, domain, external_id). */
  async findByColumn(column: 'username' | 'domain' | 'externalId', value: string): Promise<Account | null> {
    return this.withSuspension(await this.accounts.findOneBy({ [column]: value }));
  }

  /** Every account, oldest first (bulk usage). */
  async all(): Promise<Account[]> {
    return this.withSuspensions(await findAllOrderedBy(this.db.dataSource, Account, 'id'));
  }

  /**
   * Fills `suspensions`, `serverName` and `serverIpv4` (from the ServerDirectory's cache). An active (or provisioning) account has none by construction, so the
   * hot read of an active account costs no second query.
   */
  async withSuspensions<A extends SuspendableAccount>(accounts: A[]): Promise<A[]> {
    const ids = accounts.filter(mayBeSuspended).map((a) => a.id);
    const serverIds = accounts.map((a) => a.serverId);
    // Both usually answer without a query (an active account, the servers cached): then no await at all.
    const found = ids.length ? await this.suspensions.ofAccounts(ids) : NO_SUSPENSIONS;
    const servers = this.servers.describeCached(serverIds) ?? (await this.servers.describe(serverIds));
    for (const a of accounts) {
      a.suspensions = found.get(a.id) ?? [];
      const server = servers.get(a.serverId);
      a.serverName = server?.name ?? null;
      a.serverIpv4 = server?.ipv4 ?? null;
    }
    return accounts;
  }

  private async withSuspension(account: Account | null): Promise<Account | null> {
    if (account) await this.withSuspensions([account]);
    return account;
  }

  /** Inside a transaction: the account's status, its row locked (MariaDB; SQLite's transaction holds the write lock already) until commit; null when gone. */
  async lockStatus(em: EntityManager, id: number): Promise<AccountStatus | null> {
    const rows: { status: AccountStatus }[] = await em.query(`SELECT status FROM accounts WHERE id = ?${this.db.isSqlite ? '' : ' FOR UPDATE'}`, [id]);
    return rows[0]?.status ?? null;
  }

  /** Inside a transaction: writes the changes while the status is one of `from` (bumping op_seq when `newOperation`); false when it was not. */
  async updateIn(em: EntityManager, id: number, from: AccountStatus[], changes: Partial<Account>, newOperation = false): Promise<boolean> {
    const set = { ...changes, updatedAt: nowToTheSecond(), ...(newOperation ? { opSeq: () => 'op_seq + 1' } : {}) };
    const result = await em.createQueryBuilder().update(Account).set(set).where('id = :id', { id }).andWhere('status IN (:...from)', { from }).execute();
    return Boolean(result.affected);
  }

  /**
   * Keyset pages filtered by status, username, domain, client_id; `view` shapes each row. Without
   * a view, AccountView's, and only its columns are read (six fewer per row, the password hash
   * among them, took a sixth of a 50-row page's CPU on SQLite), its datetimes as text (findViewPageAfter).
   */
  async page<V = AccountView>(query: AccountQuery, view?: (account: Account) => V): Promise<Page<V>> {
    const where: Record<string, string | number> = {};
    if (query.status) where.status = query.status;
    if (query.username) where.username = query.username;
    if (query.domain) where.domain = normalizeDomain(query.domain) ?? query.domain;
    if (query.client_id) where.client_id = query.client_id;
    if (query.external_id) where.external_id = query.external_id;
    if (view) return this.pageOf(query, (after, take) => findPageAfter(this.db.dataSource, Account, where, after, take), view);
    const viewRows = (after: number, take: number) => findViewPageAfter(this.db.dataSource, Account, where, after, take, ACCOUNT_VIEW_COLUMNS);
    return this.pageOf(query, viewRows, AccountView.of) as Promise<Page<V>>;
  }

  /** One keyset page of `rows`, their suspensions and servers filled, each shaped by `view`. */
  private async pageOf<R extends SuspendableAccount, V>(query: AccountQuery, rows: (after: number, take: number) => Promise<R[]>, view: (row: R) => V): Promise<Page<V>> {
    const page = await keysetPage(query as PageQuery, (row: R) => row, rows);
    return { ...page, data: (await this.withSuspensions(page.data)).map(view) };
  }

  /** Every account of one client, oldest first. */
  async ofClient(clientId: number): Promise<Account[]> {
    return this.withSuspensions(await this.accounts.createQueryBuilder('a').where('a.client_id = :clientId', { clientId }).orderBy('a.id', 'ASC').getMany());
  }

  /** Inside the create transaction (after the seat is taken); unique and foreign keys throw as the driver reports them. */
  async insert(em: EntityManager, account: Account): Promise<void> {
    await em.insert(Account, account);
  }

  /** Writes the changes only while the status is one of `from`; false when it was not (or the row is gone). */
  async updateIfStatus(id: number, from: AccountStatus[], changes: Partial<Account>, event?: AccountEventType): Promise<boolean> {
    return this.changing(event, async (em) => {
      const result = await em.createQueryBuilder().update(Account).set(changes).where('id = :id', { id }).andWhere('status IN (:...from)', { from }).execute();
      if (!result.affected) return false;
      if (event) await this.report(em, event, await em.findOneBy(Account, { id }));
      return true;
    });
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
  async transition(account: Account, from: AccountStatus[], to: AccountStatus, extra: Partial<Account> = {}, event?: AccountEventType): Promise<boolean> {
    const changes = { status: to, updatedAt: nowToTheSecond(), ...extra };
    return this.changing(event, async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(Account)
        .set(changes)
        .where('id = :id', { id: account.id })
        .andWhere('status IN (:...from)', { from })
        .execute();
      if (!result.affected) return false;
      Object.assign(account, changes);
      if (event) await this.report(em, event, account);
      return true;
    });
  }

  /** The row goes only while its status is one of `from`; false when it had moved on (or was gone). */
  async deleteIfStatus(id: number, from: AccountStatus[], event?: AccountEventType): Promise<boolean> {
    return this.changing(event, async (em) => {
      const before = event ? await em.findOneBy(Account, { id }) : null;
      const result = await em.createQueryBuilder().delete().from(Account).where('id = :id', { id }).andWhere('status IN (:...from)', { from }).execute();
      if (!result.affected) return false;
      if (event) await this.report(em, event, before);
      return true;
    });
  }

  /** One statement alone, or with its event in one transaction (and the dispatcher woken after the commit). */
  private async changing(event: AccountEventType | undefined, work: (em: EntityManager) => Promise<boolean>): Promise<boolean> {
    if (!event) return this.db.write(work);
    const changed = await this.db.retryableTransaction(work);
    if (changed) this.outbox.committed();
    return changed;
  }

  private async report(em: EntityManager, type: AccountEventType, account: Account | null): Promise<void> {
    if (account) await this.outbox.record(em, { type, resourceKey: `account:${account.id}`, data: AccountView.of(account) });
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

/** What AccountView.of reads of a row (withSuspensions: id, status, server_id). */
const ACCOUNT_VIEW_COLUMNS = [
  'id',
  'guid',
  'username',
  'domain',
  'email',
  'package_id',
  'client_id',
  'status',
  'php_version',
  'disk_limit_mb',
  'bandwidth_limit_mb',
  'external_id',
  'suspend_reason',
  'server_id',
  'created_at',
  'updated_at',
];

/** What withSuspensions reads and fills: an entity, or a row of a view's page. */
type SuspendableAccount = Pick<Account, 'id' | 'status' | 'serverId' | 'suspensions' | 'serverName' | 'serverIpv4'>;

const NO_SUSPENSIONS: ReadonlyMap<number, AccountSuspension[]> = new Map();
const mayBeSuspended = (a: SuspendableAccount): boolean => a.status !== 'active' && a.status !== 'provisioning';
