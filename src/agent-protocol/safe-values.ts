import { checkDomain, databaseNameProblem, databaseUserProblem, emailProblem, PHP_VERSION_PATTERN, usernameProblem } from './grammar';

export { isDomainName, PHP_VERSION_PATTERN, USERNAME_PATTERN } from './grammar';

/**
 * The renderer's wall: the second check (after the DTOs) on every value that reaches a template,
 * a path or a command. A value that fails here never gets near the system.
 */
export class UnsafeValueError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

// newline/CR and every other control character, quotes, braces, semicolon, slash, backslash, backtick, whitespace
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f"'`{};/\\\s$<>|&]/;

/** Throws unless the value is plain text fit for a config file, a path segment and an argv entry. */
export function assertSafeValue(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new UnsafeValueError(field, 'must be a non-empty string');
  if (value.length > 254) throw new UnsafeValueError(field, 'is too long');
  if (FORBIDDEN.test(value)) throw new UnsafeValueError(field, 'contains a forbidden character');
  if (value.includes('..')) throw new UnsafeValueError(field, 'must not contain ".."');
  if (value.startsWith('-') || value.startsWith('.')) throw new UnsafeValueError(field, 'must not start with "-" or "."');
  return value;
}

/**
 * Operator-owned values (the root prefix, the listen address): slashes are allowed, the rest of the
 * wall still stands, so a bad setting cannot inject a directive either.
 */
export function assertSafeSetting(field: string, value: string): string {
  if (/[\u0000-\u001f\u007f-\u009f"'`{};\\\s$<>|&]/.test(value) || value.includes('..')) {
    throw new UnsafeValueError(field, 'contains a forbidden character');
  }
  return value;
}

/** The account fields a plan carries, checked by the panel before sending and by the agent on receipt. */
export interface SafeTarget {
  username: string;
  domain: string;
  email: string;
  php_version: string;
}

/**
 * What a removal needs: the names of the account's pieces, nothing more (no email). `databases` and
 * `database_users`: the hosting databases and users the panel made for it, which must be gone after.
 */
export type RemovalTarget = Omit<SafeTarget, 'email'> & { databases?: string[]; database_users?: string[] };

/** The target of any plan: a removal's carries no email. */
export type PlanTarget = RemovalTarget & { email?: string };

function grammar(field: string, problem: string | null | undefined): void {
  if (problem) throw new UnsafeValueError(field, problem.startsWith(`${field} `) ? problem.slice(field.length + 1) : `is refused: ${problem}`);
}

/**
 * A create's target: every value through the wall, then the one grammar (src/agent-protocol/grammar)
 * — exactly what the API's DTOs accept, so nothing the API took is refused here. The domain is
 * the stored form (ASCII, punycode for an IDN).
 */
export function assertSafeTarget(input: unknown): SafeTarget {
  const target = assertStoredTarget(input);
  grammar('username', usernameProblem(target.username));
  const domain = checkDomain(target.domain);
  grammar('domain', domain.problem ?? (domain.domain !== target.domain ? 'must be stored as punycode' : null));
  grammar('email', emailProblem(target.email));
  return target;
}

/**
 * An existing account's target (suspend, unsuspend, change of PHP version): every value must be
 * safe for the templates and paths (the wall), but need not pass today's create grammar — a row
 * stored before a rule tightened can still be acted on.
 */
export function assertStoredTarget(input: unknown): SafeTarget {
  const raw = (input ?? {}) as Record<string, unknown>;
  const removal = assertRemovalTarget(raw);
  return { ...removal, email: assertSafeValue('email', raw.email) };
}

/**
 * A removal's target: only the username, the domain and the PHP version, each a safe path
 * segment (the wall). An account can always be deleted, whatever rule its values predate.
 */
export function assertRemovalTarget(input: unknown): RemovalTarget {
  const raw = (input ?? {}) as Record<string, unknown>;
  const username = assertSafeValue('username', raw.username);
  const domain = assertSafeValue('domain', raw.domain);
  const phpVersion = assertSafeValue('php_version', raw.php_version);
  if (!PHP_VERSION_PATTERN.test(phpVersion)) throw new UnsafeValueError('php_version', 'must look like 8.2');
  const target: RemovalTarget = { username, domain, php_version: phpVersion };
  for (const [field, problem] of [
    ['databases', databaseNameProblem],
    ['database_users', databaseUserProblem],
  ] as const) {
    const names = raw[field];
    if (names === undefined) continue;
    if (!Array.isArray(names) || names.length > 10_000) throw new UnsafeValueError(field, 'must be a list of names');
    names.forEach((name, i) => grammar(`${field}[${i}]`, problem(username, name, `${field}[${i}]`)));
    target[field] = names as string[];
  }
  return target;
}
