import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { AccountsService } from '../accounts/accounts.service';
import { describeError } from '../agent-protocol/agent-errors';
import { DatabaseOp } from '../agent-protocol/database-ops';
import { databaseNameProblem, databaseUserProblem } from '../agent-protocol/grammar';
import { DomainError } from '../common/errors/domain-error';
import { PackagesService } from '../packages/packages.service';
import { DatabaseProvisioner } from '../provisioning/provisioning.port';
import { DatabaseService, isUniqueViolation } from '../platform/database/database.service';
import { HostingDatabase, HostingDatabaseGrant, HostingDatabaseUser } from './hosting-database.entity';
import { nativePasswordHash } from './native-password';

/** Accounts whose databases may change: not while another operation holds the row, never once it is being deleted. */
const OPEN_STATUSES: Account['status'][] = ['active', 'suspended'];

export interface NewDatabaseUser {
  name: string;
  password: string;
  databases?: string[];
}

/**
 * An account's hosting databases and database users: names `{username}_…` (the shared grammar),
 * the package's `max_databases`, rows here, the server work through the agent. A password goes to
 * the agent only as its mysql_native_password hash; no row, plan, log or audit line holds it.
 */
@Injectable()
export class HostingDatabasesService {
  private readonly logger = new Logger('HostingDatabases');

  constructor(
    private readonly db: DatabaseService,
    private readonly accounts: AccountsService,
    private readonly packages: PackagesService,
    private readonly provisioner: DatabaseProvisioner,
    @InjectRepository(HostingDatabase) private readonly databases: Repository<HostingDatabase>,
    @InjectRepository(HostingDatabaseUser) private readonly users: Repository<HostingDatabaseUser>,
    @InjectRepository(HostingDatabaseGrant) private readonly grants: Repository<HostingDatabaseGrant>,
  ) {}

  async listDatabases(accountId: number): Promise<{ database: HostingDatabase; users: string[] }[]> {
    await this.accounts.get(accountId);
    const databases = await this.databases.find({ where: { accountId }, order: { name: 'ASC' } });
    const users = await this.users.find({ where: { accountId } });
    const grants = databases.length ? await this.grants.find({ where: { databaseId: In(databases.map((d) => d.id)) } }) : [];
    const nameOf = new Map(users.map((u) => [u.id, u.name]));
    return databases.map((database) => ({
      database,
      users: grants
        .filter((g) => g.databaseId === database.id)
        .map((g) => nameOf.get(g.userId)!)
        .sort(),
    }));
  }

  async listUsers(accountId: number): Promise<{ user: HostingDatabaseUser; databases: string[] }[]> {
    await this.accounts.get(accountId);
    const users = await this.users.find({ where: { accountId }, order: { name: 'ASC' } });
    return Promise.all(users.map(async (user) => ({ user, databases: await this.grantedTo(user) })));
  }

  async getUser(accountId: number, name: string): Promise<{ user: HostingDatabaseUser; databases: string[] }> {
    await this.accounts.get(accountId);
    const user = await this.userOf(accountId, name);
    return { user, databases: await this.grantedTo(user) };
  }

  /** Creates `name` on the server; 403 package_limit_reached past the package's max_databases. */
  async createDatabase(accountId: number, name: string): Promise<HostingDatabase> {
    const account = await this.openAccount(accountId);
    this.check('name', databaseNameProblem(account.username, name));
    const limit = (await this.packages.findById(account.packageId))?.maxDatabases ?? 0;
    const row = await this.insertUnique('name', `A database named ${name} already exists`, () =>
      this.db.transaction(async (tx) => {
        await this.lockAccount(tx, accountId);
        const count = await tx.countBy(HostingDatabase, { accountId });
        if (limit > 0 && count >= limit) {
          throw new DomainError('package_limit_reached', `The package allows ${limit} database${limit === 1 ? '' : 's'} per account; this account has ${count}`);
        }
        return tx.save(tx.create(HostingDatabase, { accountId, name, createdAt: new Date() }));
      }),
    );
    try {
      await this.send(account.serverId, { op: 'create_database', username: account.username, database: name });
    } catch (error) {
      await this.databases.delete({ id: row.id });
      throw error;
    }
    await this.afterwardsGone(account, { op: 'drop_database', username: account.username, database: name });
    return row;
  }

  async dropDatabase(accountId: number, name: string): Promise<void> {
    const account = await this.openAccount(accountId);
    const row = await this.databases.findOneBy({ accountId, name });
    if (!row) throw DomainError.notFound('Database');
    await this.send(account.serverId, { op: 'drop_database', username: account.username, database: name });
    await this.db.write((em) => em.delete(HostingDatabase, { id: row.id }));
  }

  async createUser(accountId: number, input: NewDatabaseUser): Promise<{ user: HostingDatabaseUser; databases: string[] }> {
    const account = await this.openAccount(accountId);
    this.check('name', databaseUserProblem(account.username, input.name));
    const databases = await this.ownDatabases(accountId, input.databases ?? []);
    const user = await this.insertUnique('name', `A database user named ${input.name} already exists`, () =>
      this.db.transaction(async (tx) => {
        const saved = await tx.save(tx.create(HostingDatabaseUser, { accountId, name: input.name, createdAt: new Date() }));
        for (const d of databases) await tx.insert(HostingDatabaseGrant, { userId: saved.id, databaseId: d.id });
        return saved;
      }),
    );
    const names = databases.map((d) => d.name).sort();
    try {
      await this.send(account.serverId, {
        op: 'create_user',
        username: account.username,
        user: input.name,
        password_hash: nativePasswordHash(input.password),
        databases: names,
      });
    } catch (error) {
      await this.db.write((em) => em.delete(HostingDatabaseUser, { id: user.id }));
      throw error;
    }
    await this.afterwardsGone(account, { op: 'drop_user', username: account.username, user: input.name });
    return { user, databases: names };
  }

  /** A new password and/or the whole new set of databases; the server first, then the rows (a retry converges). */
  async updateUser(accountId: number, name: string, input: { password?: string; databases?: string[] }): Promise<{ user: HostingDatabaseUser; databases: string[] }> {
    const account = await this.openAccount(accountId);
    const user = await this.userOf(accountId, name);
    const databases = input.databases === undefined ? undefined : await this.ownDatabases(accountId, input.databases);
    if (input.password === undefined && databases === undefined) return { user, databases: await this.grantedTo(user) };
    await this.send(account.serverId, {
      op: 'update_user',
      username: account.username,
      user: name,
      ...(input.password !== undefined ? { password_hash: nativePasswordHash(input.password) } : {}),
      ...(databases ? { databases: databases.map((d) => d.name) } : {}),
    });
    if (databases) {
      await this.db.transaction(async (tx) => {
        await tx.delete(HostingDatabaseGrant, { userId: user.id });
        for (const d of databases) await tx.insert(HostingDatabaseGrant, { userId: user.id, databaseId: d.id });
      });
    }
    return { user, databases: await this.grantedTo(user) };
  }

  async dropUser(accountId: number, name: string): Promise<void> {
    const account = await this.openAccount(accountId);
    const user = await this.userOf(accountId, name);
    await this.send(account.serverId, { op: 'drop_user', username: account.username, user: name });
    await this.db.write((em) => em.delete(HostingDatabaseUser, { id: user.id }));
  }

  private async openAccount(accountId: number): Promise<Account> {
    const account = await this.accounts.get(accountId);
    if (!OPEN_STATUSES.includes(account.status)) throw DomainError.conflict(`The account is ${account.status}; its databases cannot be changed now`);
    return account;
  }

  /** The account was deleted while the server made the piece: it is removed again, and the call fails. */
  private async afterwardsGone(account: Account, undo: DatabaseOp): Promise<void> {
    const now = await this.accounts.get(account.id).catch(() => null);
    if (now && now.id === account.id && OPEN_STATUSES.includes(now.status)) return;
    await this.provisioner
      .run(undo, account.serverId)
      .catch((error: unknown) => this.logger.error(`could not undo ${undo.op} for ${account.username}: ${describeError(error)}`));
    throw DomainError.conflict('The account was deleted meanwhile');
  }

  private async ownDatabases(accountId: number, names: string[]): Promise<HostingDatabase[]> {
    const wanted = [...new Set(names)];
    const rows = wanted.length ? await this.databases.findBy({ accountId, name: In(wanted) }) : [];
    const missing = wanted.map((name, i) => ({ name, i })).filter(({ name }) => !rows.some((r) => r.name === name));
    if (missing.length) {
      throw DomainError.validation(missing.map(({ i }) => ({ field: `databases[${i}]`, message: `databases[${i}] is not a database of this account` })));
    }
    return rows;
  }

  private async userOf(accountId: number, name: string): Promise<HostingDatabaseUser> {
    const user = await this.users.findOneBy({ accountId, name });
    if (!user) throw DomainError.notFound('Database user');
    return user;
  }

  private async grantedTo(user: HostingDatabaseUser): Promise<string[]> {
    const grants = await this.grants.findBy({ userId: user.id });
    if (!grants.length) return [];
    return (await this.databases.findBy({ id: In(grants.map((g) => g.databaseId)) })).map((d) => d.name).sort();
  }

  private async lockAccount(tx: EntityManager, accountId: number): Promise<void> {
    // SQLite's transactions are serial already (BEGIN IMMEDIATE); on MariaDB two creates would both count before either inserts.
    if (!this.db.isSqlite) await tx.query('SELECT id FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
  }

  private async insertUnique<T>(field: string, message: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.taken(field, message);
      throw error;
    }
  }

  private check(field: string, problem: string | null): void {
    if (problem) throw DomainError.field(field, problem);
  }

  /** To the account's server's agent: its hosting database server is that agent's HW_HOSTING_DB_URL. */
  private send(serverId: number, op: DatabaseOp): Promise<void> {
    return this.provisioner.run(op, serverId);
  }
}
