import { AppConfig } from '../../platform/config/app-config';
import { DatabaseService } from '../../platform/database/database.service';

/** Server schemas a username like `performance` or `information` must never reach. */
const SYSTEM_SCHEMAS = new Set(['information_schema', 'performance_schema', 'mysql', 'sys']);

/**
 * The account's MariaDB databases (`{username}_…`), dropped on delete. Only when the panel runs
 * on MariaDB (the hosting databases share that server); on SQLite there is nothing to list.
 */
export class HostingDatabases {
  constructor(
    private readonly db: DatabaseService,
    private readonly database: AppConfig['database'],
  ) {}

  async list(username: string): Promise<string[]> {
    if (this.db.isSqlite) return [];
    const rows: Record<string, string>[] = await this.db.dataSource.query('SHOW DATABASES');
    const names = rows.map((row) => Object.values(row)[0]);
    const own = this.database.type === 'mariadb' ? this.database.database : '';
    return names.filter((name) => name.startsWith(`${username}_`) && name !== own && !SYSTEM_SCHEMAS.has(name.toLowerCase()) && /^[A-Za-z0-9_]+$/.test(name));
  }

  /**
   * Bytes of the account's databases (data + indexes, from information_schema), or null when there
   * is no hosting database server to ask (SQLite): "not measured", never a made-up 0.
   */
  async sizeOf(username: string): Promise<number | null> {
    if (this.db.isSqlite) return null;
    const names = await this.list(username);
    if (names.length === 0) return 0;
    const rows: { bytes: string | number | null }[] = await this.db.dataSource.query(
      `SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema IN (${names.map(() => '?').join(', ')})`,
      names,
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  async dropAll(username: string): Promise<void> {
    for (const name of await this.list(username)) await this.db.dataSource.query(`DROP DATABASE IF EXISTS \`${name}\``);
  }
}
