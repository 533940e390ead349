import { createPool, Pool } from 'mysql2/promise';
import { DatabaseOp, DatabaseOpError } from '../../agent-protocol/database-ops';
import { HostingDatabasesConfig } from '../../platform/config/app-config';

/** MariaDB error numbers the agent answers by name. */
const ER_DB_CREATE_EXISTS = 1007;
const ER_CANNOT_USER = 1396;
const ER_NONEXISTING_GRANT = 1141;

/** `name` as a quoted identifier; names passed the grammar (lowercase, digits, `_`), the quoting is belt and braces. */
const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;
/** A database name in a GRANT, where `_` and `%` are wildcards: escaped, so `alice_shop` is not also `aliceXshop`. */
const grantTarget = (name: string) => `${ident(name.replace(/([_%\\])/g, '\\$1'))}.*`;
const account = (user: string, host: string) => `'${user.replace(/['\\]/g, '')}'@'${host.replace(/['\\]/g, '')}'`;
/** A LIKE pattern matching names that start with `{username}_`. */
const prefixLike = (username: string) => `${username}\\_%`;

function errno(error: unknown): number | undefined {
  return (error as { errno?: number })?.errno;
}

/**
 * The accounts' MariaDB databases and users on the operator's hosting server (HW_HOSTING_DB_URL),
 * through an account with exactly the privileges README lists: CREATE USER, ALL … WITH GRANT OPTION
 * on `%\_%`.*, and SELECT (User, Host) on mysql.user. Names are `{username}_…` (grammar/databases.ts);
 * each user exists at every HW_HOSTING_DB_USER_HOSTS host with ALL on its chosen databases only.
 */
export class HostingDatabases {
  private pool: Pool | null = null;

  constructor(private readonly config: HostingDatabasesConfig) {}

  get configured(): boolean {
    return this.config.server !== undefined;
  }

  /** One operation; a server that cannot be reached is `unconfigured`, anything else it refuses `failed` (its message). */
  async run(op: DatabaseOp): Promise<void> {
    try {
      await this.dispatch(op);
    } catch (error) {
      if (error instanceof DatabaseOpError) throw error;
      const code = (error as { code?: string })?.code;
      const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST'].includes(code ?? '');
      throw new DatabaseOpError(unreachable ? 'unconfigured' : 'failed', error instanceof Error ? error.message : String(error));
    }
  }

  private dispatch(op: DatabaseOp): Promise<void> {
    switch (op.op) {
      case 'create_database':
        return this.createDatabase(op.database);
      case 'drop_database':
        return this.dropDatabase(op.username, op.database);
      case 'create_user':
        return this.createUser(op.username, op.user, op.password_hash, op.databases);
      case 'update_user':
        return this.updateUser(op.username, op.user, op.password_hash, op.databases);
      case 'drop_user':
        return this.dropUser(op.user);
    }
  }

  /**
   * Bytes of the account's databases (data + indexes, from information_schema), or null when no
   * hosting database server is configured: "not measured", never a made-up 0.
   */
  async sizeOf(username: string): Promise<number | null> {
    if (!this.configured) return null;
    const rows = await this.query<{ bytes: string | number | null }>(
      'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema LIKE ?',
      [prefixLike(username)],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  /** The account's databases and users on the server, whoever made them. */
  async inventory(username: string): Promise<{ databases: string[]; users: { user: string; host: string }[] }> {
    const dbs = await this.query<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [prefixLike(username)]);
    const users = await this.query<{ user: string; host: string }>('SELECT User AS user, Host AS host FROM mysql.user WHERE User LIKE ?', [prefixLike(username)]);
    return { databases: dbs.map((r) => r.name), users };
  }

  /**
   * The removal of an account: every database and user named `{username}_…` on the server (and
   * those the panel names), then a check that none is left. Throws, naming what is left, when the
   * server refuses — never an unnoticed no-op.
   */
  async dropAccount(username: string, expected: { databases: string[]; users: string[] } = { databases: [], users: [] }): Promise<void> {
    if (!this.configured) {
      if (expected.databases.length || expected.users.length) throw new DatabaseOpError('unconfigured', 'no hosting database server is configured (HW_HOSTING_DB_URL)');
      return;
    }
    const found = await this.inventory(username);
    for (const name of new Set([...expected.databases, ...found.databases])) await this.exec(`DROP DATABASE IF EXISTS ${ident(name)}`);
    for (const { user, host } of found.users) await this.exec(`DROP USER IF EXISTS ${account(user, host)}`);
    for (const user of expected.users) for (const host of this.config.userHosts) await this.exec(`DROP USER IF EXISTS ${account(user, host)}`);
    const left = await this.inventory(username);
    const names = [...left.databases, ...left.users.map((u) => `${u.user}@${u.host}`)];
    if (names.length) throw new DatabaseOpError('failed', `still on the database server: ${names.join(', ')}`);
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  private async createDatabase(name: string): Promise<void> {
    try {
      await this.exec(`CREATE DATABASE ${ident(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } catch (error) {
      if (errno(error) === ER_DB_CREATE_EXISTS) throw new DatabaseOpError('exists', `database ${name} already exists on the server`);
      throw error;
    }
  }

  /** Drops the database and every grant of the account's users on it (MariaDB keeps a dropped database's grants). */
  private async dropDatabase(username: string, name: string): Promise<void> {
    await this.exec(`DROP DATABASE IF EXISTS ${ident(name)}`);
    for (const { user, host } of (await this.inventory(username)).users) await this.revoke(name, user, host);
  }

  private async createUser(username: string, user: string, hash: string, databases: string[]): Promise<void> {
    const made: string[] = [];
    try {
      for (const host of this.config.userHosts) {
        await this.exec(`CREATE USER ${account(user, host)} IDENTIFIED BY PASSWORD '${hash}'`);
        made.push(host);
      }
      await this.setGrants(username, user, databases);
    } catch (error) {
      for (const host of made) await this.exec(`DROP USER IF EXISTS ${account(user, host)}`).catch(() => undefined);
      if (errno(error) === ER_CANNOT_USER) throw new DatabaseOpError('exists', `database user ${user} already exists on the server`);
      throw error;
    }
  }

  private async updateUser(username: string, user: string, hash: string | undefined, databases: string[] | undefined): Promise<void> {
    if (hash) for (const host of this.config.userHosts) await this.exec(`ALTER USER ${account(user, host)} IDENTIFIED BY PASSWORD '${hash}'`);
    if (databases) await this.setGrants(username, user, databases);
  }

  private async dropUser(user: string): Promise<void> {
    for (const host of this.config.userHosts) await this.exec(`DROP USER IF EXISTS ${account(user, host)}`);
  }

  /** ALL on exactly these databases of the account: granted on each, revoked on the account's others. */
  private async setGrants(username: string, user: string, databases: string[]): Promise<void> {
    const wanted = new Set(databases);
    const others = (await this.inventory(username)).databases.filter((name) => !wanted.has(name));
    for (const host of this.config.userHosts) {
      for (const name of others) await this.revoke(name, user, host);
      for (const name of wanted) await this.exec(`GRANT ALL PRIVILEGES ON ${grantTarget(name)} TO ${account(user, host)}`);
    }
  }

  private async revoke(name: string, user: string, host: string): Promise<void> {
    try {
      await this.exec(`REVOKE ALL PRIVILEGES ON ${grantTarget(name)} FROM ${account(user, host)}`);
    } catch (error) {
      if (errno(error) !== ER_NONEXISTING_GRANT) throw error;
    }
  }

  private connection(): Pool {
    const server = this.config.server;
    if (!server) throw new DatabaseOpError('unconfigured', 'no hosting database server is configured (HW_HOSTING_DB_URL)');
    this.pool ??= createPool({ ...server, connectionLimit: 2, multipleStatements: false, supportBigNumbers: true });
    return this.pool;
  }

  private async exec(sql: string): Promise<void> {
    await this.connection().query(sql);
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const [rows] = await this.connection().query(sql, params);
    return rows as T[];
  }
}
