import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, createConnection } from 'mysql2/promise';
import { REPO_ROOT } from './test-app';

/** The MariaDB server the tests use (root, empty password, unless DATABASE_URL says otherwise). */
export function mariaRoot(): { host: string; port: number; user: string; password: string } {
  const url = new URL(process.env.DATABASE_URL || 'mariadb://root@127.0.0.1:3306');
  return { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

export function rootConnection(): Promise<Connection> {
  return createConnection(mariaRoot());
}

/** The statements of README's ```sql block that contains `marker`, one per line. */
export function readmeSql(marker: string): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.includes(marker));
  if (!block) throw new Error(`README has no sql block with ${marker}`);
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

export interface HostingAdmin {
  user: string;
  password: string;
  /** HW_HOSTING_DB_URL for it. */
  url: string;
  drop(): Promise<void>;
}

/** README's hosting database account, exactly its statements, under a fresh name (no `_`) and password. */
export async function createHostingAdmin(): Promise<HostingAdmin> {
  const user = `hwdba${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const root = await rootConnection();
  try {
    for (const sql of readmeSql("'hwdbadmin'@")) await root.query(sql.replaceAll('hwdbadmin', user).replaceAll('another-long-random-password', password));
  } finally {
    await root.end();
  }
  const { host, port } = mariaRoot();
  return {
    user,
    password,
    url: `mariadb://${user}:${encodeURIComponent(password)}@${host}:${port}`,
    drop: async () => {
      const conn = await rootConnection();
      await conn.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
      await conn.end();
    },
  };
}

/** What the server holds for an account's prefix: schemas, users (user@host) and database-level grants. */
export async function serverState(username: string): Promise<{ databases: string[]; users: string[]; grants: string[] }> {
  const root = await rootConnection();
  try {
    const like = `${username}\\_%`;
    const [dbs] = await root.query('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? ORDER BY 1', [like]);
    const [users] = await root.query("SELECT CONCAT(User, '@', Host) AS n FROM mysql.user WHERE User LIKE ? ORDER BY 1", [like]);
    const [grants] = await root.query("SELECT CONCAT(User, '@', Host, ' ', Db) AS n FROM mysql.db WHERE User LIKE ? OR Db LIKE ? ORDER BY 1", [
      like,
      `${username}\\\\\\_%`,
    ]);
    const names = (rows: unknown) => (rows as { n: string }[]).map((r) => r.n);
    return { databases: names(dbs), users: names(users), grants: names(grants) };
  } finally {
    await root.end();
  }
}

/** Logs in as a hosting database user over TCP; SHOW DATABASES as it sees them. */
export async function visibleDatabases(user: string, password: string): Promise<string[]> {
  const conn = await createConnection({ ...mariaRoot(), user, password });
  try {
    const [rows] = await conn.query('SHOW DATABASES');
    return (rows as { Database: string }[]).map((r) => r.Database).filter((n) => n !== 'information_schema');
  } finally {
    await conn.end();
  }
}

/** Drops, as root, whatever a test left on the server under these accounts' prefixes (databases, users). */
export async function dropPrefixes(usernames: string[]): Promise<void> {
  const root = await rootConnection();
  try {
    for (const username of usernames) {
      const like = `${username}\\_%`;
      const [dbs] = await root.query('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [like]);
      for (const { n } of dbs as { n: string }[]) await root.query(`DROP DATABASE IF EXISTS \`${n}\``);
      const [users] = await root.query('SELECT User AS u, Host AS h FROM mysql.user WHERE User LIKE ?', [like]);
      for (const { u, h } of users as { u: string; h: string }[]) await root.query('DROP USER IF EXISTS ?@?', [u, h]);
    }
  } finally {
    await root.end();
  }
}
