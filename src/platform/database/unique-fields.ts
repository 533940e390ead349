import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './database.service';

interface UniqueIndex {
  /** As named in the migrations; MariaDB reports this name. */
  name: string;
  /** `table.column`, as SQLite reports it (it names the columns, not the index). */
  columns: string;
  /** The API field the index keeps unique. */
  field: string;
}

/** The unique indexes a caller can collide with, and the field each one is about. */
const UNIQUE_INDEXES: UniqueIndex[] = [
  { name: 'uq_accounts_username', columns: 'accounts.username', field: 'username' },
  { name: 'uq_accounts_domain', columns: 'accounts.domain', field: 'domain' },
  { name: 'uq_accounts_domain_rev', columns: 'accounts.domain_rev', field: 'domain' },
  { name: 'uq_accounts_external_id', columns: 'accounts.external_id', field: 'external_id' },
  { name: 'uq_clients_login', columns: 'clients.login', field: 'login' },
  { name: 'uq_packages_name', columns: 'packages.name', field: 'name' },
];

interface DriverError {
  message?: string;
  sqlMessage?: string;
}

/** mysql2: "Duplicate entry 'x' for key 'uq_accounts_domain'" (MySQL 8 prefixes the table: 'accounts.uq_…'). */
const MARIADB_KEY = /for key '(?:[^'.]+\.)?([^']+)'$/;
/** better-sqlite3: "UNIQUE constraint failed: accounts.domain". */
const SQLITE_COLUMNS = /^UNIQUE constraint failed: (.+)$/;

/**
 * The API field whose unique index refused a write, read from the index the driver names, never
 * from the value or the wording; null when it is not a unique violation or the index guards no
 * field a caller sets (a colliding guid, say).
 */
export function takenField(error: unknown): string | null {
  if (!isUniqueViolation(error)) return null;
  const driverError = ((error as QueryFailedError).driverError ?? {}) as DriverError;
  const key = MARIADB_KEY.exec(driverError.sqlMessage ?? '')?.[1];
  if (key) return UNIQUE_INDEXES.find((index) => index.name === key)?.field ?? null;
  const columns = SQLITE_COLUMNS.exec(driverError.message ?? '')?.[1];
  return UNIQUE_INDEXES.find((index) => index.columns === columns)?.field ?? null;
}
