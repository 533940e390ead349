import { databaseNameProblem, databaseUserProblem, NATIVE_PASSWORD_HASH_PATTERN, usernameProblem } from './grammar';
import { UnsafeValueError } from './safe-values';

export const DATABASES_PATH = '/v1/databases';

/**
 * The agent's hosting-database operations. Every name is `{username}_…` of the account named in
 * `username`; a password travels only as its mysql_native_password hash, never in clear.
 * `databases` of a user is the whole set it may use (ALL on each, on nothing else).
 */
export type DatabaseOp =
  | { op: 'create_database'; username: string; database: string }
  | { op: 'drop_database'; username: string; database: string }
  | { op: 'create_user'; username: string; user: string; password_hash: string; databases: string[] }
  | { op: 'update_user'; username: string; user: string; password_hash?: string; databases?: string[] }
  | { op: 'drop_user'; username: string; user: string };

const OPS = ['create_database', 'drop_database', 'create_user', 'update_user', 'drop_user'] as const;

/** The database server refused or failed the operation; `exists`: the name is taken on the server. */
export class DatabaseOpError extends Error {
  constructor(
    readonly kind: 'exists' | 'unconfigured' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

function check(field: string, problem: string | null): void {
  if (problem) throw new UnsafeValueError(field, problem.startsWith(`${field} `) ? problem.slice(field.length + 1) : problem);
}

function databaseList(username: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 1000) throw new UnsafeValueError('databases', 'must be a list of database names');
  value.forEach((name, i) => check(`databases[${i}]`, databaseNameProblem(username, name, `databases[${i}]`)));
  return [...new Set(value as string[])];
}

/** The agent's check of an operation it receives (and the panel's before sending): the grammar, nothing else. */
export function parseDatabaseOp(input: unknown): DatabaseOp {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (!OPS.includes(raw.op as (typeof OPS)[number])) throw new UnsafeValueError('op', 'is not a known database operation');
  check('username', usernameProblem(raw.username));
  const username = raw.username as string;
  const op = raw.op as DatabaseOp['op'];
  if (op === 'create_database' || op === 'drop_database') {
    check('database', databaseNameProblem(username, raw.database, 'database'));
    return { op, username, database: raw.database as string };
  }
  check('user', databaseUserProblem(username, raw.user, 'user'));
  const user = raw.user as string;
  if (op === 'drop_user') return { op, username, user };
  const hash = raw.password_hash;
  if (hash !== undefined && (typeof hash !== 'string' || !NATIVE_PASSWORD_HASH_PATTERN.test(hash))) {
    throw new UnsafeValueError('password_hash', 'must be a mysql_native_password hash');
  }
  if (op === 'create_user') {
    if (hash === undefined) throw new UnsafeValueError('password_hash', 'is required');
    return { op, username, user, password_hash: hash as string, databases: databaseList(username, raw.databases ?? []) };
  }
  return {
    op,
    username,
    user,
    ...(hash !== undefined ? { password_hash: hash as string } : {}),
    ...(raw.databases !== undefined ? { databases: databaseList(username, raw.databases) } : {}),
  };
}
