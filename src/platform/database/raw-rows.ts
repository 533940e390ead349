import { DataSource, QueryFailedError } from 'typeorm';

type Row = Record<string, unknown>;
type Value = string | number | null;

interface SqliteStatement {
  all(...values: unknown[]): Row[];
  get(...values: unknown[]): Row | undefined;
}
interface SqliteHandle {
  prepare(sql: string): SqliteStatement;
}
interface MysqlConnection {
  execute(sql: string, values: unknown[], done: (error: Error | null, rows: Row[]) => void): void;
  release(): void;
}

/** Statements kept per SQLite handle: the hot reads are a handful of fixed SQL texts. */
const STATEMENTS_MAX = 200;
const statements = new WeakMap<SqliteHandle, Map<string, SqliteStatement>>();

function sqliteStatement(handle: SqliteHandle, sql: string): SqliteStatement {
  let cache = statements.get(handle);
  if (!cache) statements.set(handle, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= STATEMENTS_MAX) cache.clear();
    cache.set(sql, (statement = handle.prepare(sql)));
  }
  return statement;
}

async function mysqlRows(driver: { obtainMasterConnection(): Promise<MysqlConnection> }, sql: string, values: Value[]): Promise<Row[]> {
  const connection = await driver.obtainMasterConnection();
  try {
    return await new Promise<Row[]>((resolve, reject) => connection.execute(sql, values, (error, rows) => (error ? reject(error) : resolve(rows))));
  } finally {
    connection.release();
  }
}

/**
 * Rows of one read-only SELECT straight from the driver TypeORM opened: a statement prepared once
 * and kept (better-sqlite3), or mysql2's `execute` (prepared once per connection, kept by mysql2).
 * TypeORM's query runner around the same statement (its logger, the before/after-query
 * broadcasts, a result object and four awaits per query) cost as much as the statement itself on
 * an account read. Not for writes, and outside transactions only (it takes its own connection);
 * errors are TypeORM's QueryFailedError, as from `dataSource.query`.
 */
export async function rawRows(dataSource: DataSource, sql: string, values: Value[]): Promise<Row[]> {
  return read(dataSource, sql, values, false) as Promise<Row[]>;
}

/** The first row only (SQLite stops stepping at it: `get`, not `all`), or undefined. */
export async function rawRow(dataSource: DataSource, sql: string, values: Value[]): Promise<Row | undefined> {
  return read(dataSource, sql, values, true) as Promise<Row | undefined>;
}

async function read(dataSource: DataSource, sql: string, values: Value[], first: boolean): Promise<Row[] | Row | undefined> {
  const driver = dataSource.driver as unknown as { options: { type: string }; databaseConnection?: SqliteHandle; obtainMasterConnection(): Promise<MysqlConnection> };
  let rows: Row[];
  try {
    if (driver.options.type === 'better-sqlite3' && driver.databaseConnection) {
      const statement = sqliteStatement(driver.databaseConnection, sql);
      return first ? statement.get(...values) : statement.all(...values);
    }
    if (driver.options.type === 'mariadb' || driver.options.type === 'mysql') rows = await mysqlRows(driver, sql, values);
    else rows = await dataSource.query(sql, values);
  } catch (error) {
    throw error instanceof QueryFailedError ? error : new QueryFailedError(sql, values, error as Error);
  }
  return first ? rows[0] : rows;
}
