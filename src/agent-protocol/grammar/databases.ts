/**
 * Hosting database and database-user names: `{username}_suffix`, the suffix 1+ lowercase letters,
 * digits or underscores. A username has no underscore (usernames.ts), so the first `_` ends the
 * prefix and a name belongs to exactly one account. MariaDB's limits: 64 characters for a database
 * name, 80 for a user name. Lowercase only: no quoting, no backtick, no `%` — and the `_` a GRANT
 * reads as a wildcard is escaped by the agent (`alice\_shop`), so a database name's 64 count each
 * `_` twice: the escaped form is what MariaDB keeps in its grant tables (mysql.db.Db is 64 wide).
 */
export const DATABASE_NAME_MAX = 64;
export const DATABASE_USER_MAX = 80;
const NAME_PATTERN = /^([a-z][a-z0-9]{2,31})_[a-z0-9_]+$/;

/** A mysql_native_password hash: `*` and 40 uppercase hex digits (see passwordHashFor). */
export const NATIVE_PASSWORD_HASH_PATTERN = /^\*[0-9A-F]{40}$/;

function nameProblem(field: string, username: string, value: unknown, max: number, underscoresTwice = false): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  const length = value.length + (underscoresTwice ? value.split('_').length - 1 : 0);
  if (length > max) return `${field} must be at most ${max} characters${underscoresTwice ? ', each _ counting twice' : ''} (MariaDB's limit)`;
  const match = NAME_PATTERN.exec(value);
  if (!match || match[1] !== username) return `${field} must be ${username}_ followed by lowercase letters, digits or underscores`;
  return null;
}

export function databaseNameProblem(username: string, value: unknown, field = 'name'): string | null {
  return nameProblem(field, username, value, DATABASE_NAME_MAX, true);
}

export function databaseUserProblem(username: string, value: unknown, field = 'name'): string | null {
  return nameProblem(field, username, value, DATABASE_USER_MAX);
}
