import { checkDomain } from './domains';
import { emailProblem } from './emails';
import { passwordProblem } from './passwords';
import { BIDI_CONTROL, CONTROL, FieldProblem, isWellFormed, textProblem } from './text';
import { usernameProblem } from './usernames';

/** Largest per-account or per-package quota, in MiB (100 TiB); 0 means unlimited. */
export const MAX_LIMIT_MB = 100 * 1024 * 1024;

/** A PHP version as the pool paths use it (`/etc/php/8.2/…`). */
export const PHP_VERSION_PATTERN = /^\d\.\d{1,2}$/;

/** A client's login: unique, stored lowercase. */
export const LOGIN_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
export const LOGIN_RULE = 'login must be 3 to 64 letters, digits, dots, hyphens or underscores';

export function limitProblem(field: string, value: unknown): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_LIMIT_MB ? null : `${field} must be a whole number from 0 to ${MAX_LIMIT_MB}`;
}

/**
 * A reference to a row by numeric id or by name (Plesk's plan_id, client_id, subscription_id):
 * a positive whole number, or a string exactly as stored — `"1 "` or `"default\n"` is refused,
 * not trimmed.
 */
export function referenceProblem(field: string, value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? null : `${field} must be a positive whole number or a name`;
  if (typeof value !== 'string' || !value || value.length > 64) return `${field} must be a positive whole number or a name of 1 to 64 characters`;
  if (value.trim() !== value) return `${field} must be sent without leading or trailing spaces (${JSON.stringify(value.trim())})`;
  if (CONTROL.test(value) || BIDI_CONTROL.test(value) || !isWellFormed(value)) return `${field} must not contain control or bidirectional characters`;
  return null;
}

/** The fields of an account create (creating) or change: exactly the rules of the DTOs. */
export interface AccountFields {
  username?: unknown;
  domain?: unknown;
  email?: unknown;
  password?: unknown;
  disk_limit_mb?: unknown;
  bandwidth_limit_mb?: unknown;
  external_id?: unknown;
}

/** Every refused field of an account create (`creating`: all of username, domain, email, password are required) or change. */
export function accountFieldProblems(input: AccountFields, creating: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string | null | undefined) => {
    if (message) problems.push({ field, message });
  };
  if (creating) add('username', usernameProblem(input.username));
  if (creating) add('domain', checkDomain(input.domain).problem);
  if (creating || input.email !== undefined) add('email', emailProblem(input.email));
  if (creating || input.password !== undefined) add('password', passwordProblem(input.password));
  for (const field of ['disk_limit_mb', 'bandwidth_limit_mb'] as const) {
    if (input[field] != null) add(field, limitProblem(field, input[field]));
  }
  if (input.external_id != null) add('external_id', textProblem('external_id', input.external_id, 255));
  return problems;
}

/** A suspend reason: free text up to 255 characters (empty: none). */
export function suspendReasonProblem(value: unknown): string | null {
  return value == null ? null : textProblem('reason', value, 255, 0);
}

export interface ClientFields {
  name?: unknown;
  login?: unknown;
  email?: unknown;
  password?: unknown;
  company?: unknown;
  external_id?: unknown;
}

/** Every refused field of a client create (`creating`: name, login, password required; an email is optional, checked when given) or change. */
export function clientFieldProblems(input: ClientFields, creating: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (field: keyof ClientFields, problem: () => string | null) => {
    if (creating || input[field] !== undefined) {
      const message = problem();
      if (message) problems.push({ field, message });
    }
  };
  check('name', () => textProblem('name', input.name, 255));
  check('login', () => (typeof input.login === 'string' && LOGIN_PATTERN.test(input.login) ? null : LOGIN_RULE));
  if (input.email != null) check('email', () => emailProblem(input.email));
  check('password', () => passwordProblem(input.password));
  if (input.company != null) check('company', () => textProblem('company', input.company, 255, 0));
  if (input.external_id != null) check('external_id', () => textProblem('external_id', input.external_id, 255));
  return problems;
}
