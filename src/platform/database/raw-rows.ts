import { DataSource, QueryFailedError } from 'typeorm';

type Value = string | number | null;

/** A SELECT's answer as the drivers give it most cheaply: column names once, each row an array in that order. */
export interface RawTable {
  columns: readonly string[];
  rows: unknown[][];
}

interface SqliteStatement {
  raw(on: boolean): SqliteStatement;
  columns(): { name: string }[];
  all(...values: unknown[]): unknown[][];
  get(...values: unknown[]): unknown[] | undefined;
}
interface SqliteHandle {
  prepare(sql: string): SqliteStatement;
}
interface MysqlConnection {
  execute(sql: string, values: unknown[], done: (error: Error | null, rows: Record<string, unknown>[], fields: { name: string }[]) => void): void;
  release(): void;
}

/** Statements kept per SQLite handle: the hot reads are a handful of fixed SQL texts. */
const STATEMENTS_MAX = 200;
const statements = new WeakMap<SqliteHandle, Map<string, { statement: SqliteStatement; columns: string[] }>>();

function sqliteStatement(handle: SqliteHandle, sql: string): { statement: SqliteStatement; columns: string[] } {
  let cache = statements.get(handle);
  if (!cache) statements.set(handle, (cache = new Map()));
  let kept = cache.get(sql);
  if (!kept) {
    if (cache.size >= STATEMENTS_MAX) cache.clear();
    const statement = handle.prepare(sql).raw(true);
    kept = { statement, columns: statement.columns().map((c) => c.name) };
    cache.set(sql, kept);
  }
  return kept;
}

/** The column names last answered per SQL text: the same array while they stay the same, as SQLite's kept statements give. */
const mysqlColumns = new Map<string, string[]>();

function columnsOf(sql: string, fields: { name: string }[]): string[] {
  const known = mysqlColumns.get(sql);
  if (known && known.length === fields.length && fields.every((f, i) => f.name === known[i])) return known;
  if (mysqlColumns.size >= STATEMENTS_MAX) mysqlColumns.clear();
  const names = fields.map((f) => f.name);
  if (new Set(names).size !== names.length) throw new Error(`rawTable: a column name repeats in ${sql}`);
  mysqlColumns.set(sql, names);
  return names;
}

/** Object rows as arrays in `columns`' order (one SELECT's distinct column names). */
function asArrays(objects: Record<string, unknown>[], columns: readonly string[]): unknown[][] {
  const rows = new Array<unknown[]>(objects.length);
  for (let r = 0; r < objects.length; r++) {
    const object = objects[r];
    const row = new Array<unknown>(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = object[columns[c]];
    rows[r] = row;
  }
  return rows;
}

/**
 * mysql2's execute by its SQL text, rows as objects read into arrays here: the options-object form
 * (the only way to ask for `rowsAsArray` per statement) goes through mysql2's object spread and
 * costs ≈15 µs more CPU a read than the text form (measured on one pool, one row); reading the
 * objects into arrays costs no more than `rowsAsArray` on a 50-row page.
 */
async function mysqlTable(driver: { obtainMasterConnection(): Promise<MysqlConnection> }, sql: string, values: Value[]): Promise<RawTable> {
  const connection = await driver.obtainMasterConnection();
  try {
    return await new Promise<RawTable>((resolve, reject) =>
      connection.execute(sql, values, (error, objects, fields) => {
        if (error) return reject(error);
        try {
          const columns = columnsOf(sql, fields);
          resolve({ columns, rows: asArrays(objects, columns) });
        } catch (failure) {
          reject(failure as Error);
        }
      }),
    );
  } finally {
    connection.release();
  }
}

async function otherTable(dataSource: DataSource, sql: string, values: Value[]): Promise<RawTable> {
  const objects: Record<string, unknown>[] = await dataSource.query(sql, values);
  const columns = objects.length ? Object.keys(objects[0]) : [];
  return { columns, rows: asArrays(objects, columns) };
}

/**
 * One read-only SELECT straight on the driver TypeORM opened, rows as arrays: a statement
 * prepared once and kept in raw mode (better-sqlite3), or mysql2's `execute` (prepared once per
 * connection, kept by mysql2), its rows read into arrays. TypeORM's query runner around the same statement
 * (its logger, the before/after-query broadcasts, a result object and four awaits) cost as much as
 * the statement itself on an account read, and a row as an object of named properties cost twice
 * the array (better-sqlite3: 7 µs against 3 µs for an account row). Not for writes, and outside
 * transactions only (it takes its own connection); errors are TypeORM's QueryFailedError.
 * `first`: only the first row is read (SQLite stops stepping there).
 */
export async function rawTable(dataSource: DataSource, sql: string, values: Value[], first = false): Promise<RawTable> {
  const driver = dataSource.driver as unknown as { options: { type: string }; databaseConnection?: SqliteHandle; obtainMasterConnection(): Promise<MysqlConnection> };
  try {
    if (driver.options.type === 'better-sqlite3' && driver.databaseConnection) {
      const { statement, columns } = sqliteStatement(driver.databaseConnection, sql);
      if (!first) return { columns, rows: statement.all(...values) };
      const row = statement.get(...values);
      return { columns, rows: row ? [row] : [] };
    }
    if (driver.options.type === 'mariadb' || driver.options.type === 'mysql') return await mysqlTable(driver, sql, values);
    return await otherTable(dataSource, sql, values);
  } catch (error) {
    throw error instanceof QueryFailedError ? error : new QueryFailedError(sql, values, error as Error);
  }
}
