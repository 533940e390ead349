// better-sqlite3 ships no types (and @types/better-sqlite3 is not a dependency): the little the bench uses of it.
export interface Statement {
  get(...values: unknown[]): unknown;
  run(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
}

export interface SqliteDatabase {
  prepare(sql: string): Statement;
  pragma(sql: string): unknown;
  transaction(work: () => void): () => void;
  close(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped CommonJS module
const BetterSqlite3 = require('better-sqlite3') as new (path: string) => SqliteDatabase;

export function openSqlite(path: string): SqliteDatabase {
  const db = new BetterSqlite3(path);
  db.pragma('busy_timeout = 5000');
  return db;
}
