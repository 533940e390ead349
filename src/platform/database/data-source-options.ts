import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

export const ENTITIES_GLOB = join(__dirname, '..', '**', '*.entity.js');

/** One options builder for the app, the TypeORM CLI and the tests. */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = { migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false as const };
  if (db.type === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      enableWAL: true,
      prepareDatabase: (handle: { pragma(sql: string): unknown }) => {
        handle.pragma('busy_timeout = 5000');
        handle.pragma('foreign_keys = ON');
        handle.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    type: 'mariadb',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    // trace: mysql2 captures a stack trace on every query for its error messages; ours never show one.
    extra: { connectionLimit: 20, trace: false },
  };
}
