import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DatabaseConfig } from '../../src/platform/config/app-config';

export interface TestDatabase {
  config: DatabaseConfig;
  /** The DATABASE_URL of this database (MariaDB), or undefined on SQLite. */
  url?: string;
  drop(): Promise<void>;
}

/** True when this run targets MariaDB (npm test sets DATABASE_URL for the second pass). */
export function onMariaDb(): boolean {
  return Boolean(process.env.DATABASE_URL);
}

/** A brand-new empty database for one test app: a SQLite file in a temp dir, or a fresh MariaDB schema. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const path = join(mkdtempSync(join(tmpdir(), 'hw-db-')), 'test.sqlite');
    return { config: { type: 'sqlite', path }, drop: async () => undefined };
  }
  const url = new URL(base);
  const name = `hwt_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    config: {
      type: 'mariadb',
      url: url.toString(),
      host: url.hostname,
      port: Number(url.port || 3306),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: name,
    },
    drop: async () => {
      const conn = await createConnection({
        host: url.hostname,
        port: Number(url.port || 3306),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

// better-sqlite3 ships no types in this install; the two calls used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (path: string, options: object) => { prepare(sql: string): { all(...params: unknown[]): unknown[] }; close(): void };

/** Rows from the database of a panel started as a process (SQLite in its data dir, or its MariaDB schema). */
export async function queryPanelDatabase(db: TestDatabase, dataDir: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (db.config.type === 'sqlite') {
    const handle = new Database(join(dataDir, 'hostwright.sqlite'), { readonly: true, fileMustExist: false });
    try {
      return handle.prepare(sql).all(...params) as Record<string, unknown>[];
    } finally {
      handle.close();
    }
  }
  const conn = await createConnection(db.url!);
  try {
    const [rows] = await conn.query(sql, params);
    return rows as Record<string, unknown>[];
  } finally {
    await conn.end();
  }
}
