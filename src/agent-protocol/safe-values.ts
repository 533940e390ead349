/**
 * The renderer's wall: the second check (after the DTOs) on every value that reaches a template,
 * a path or a command. A value that fails here never gets near the system.
 */
export class UnsafeValueError extends Error {
  constructor(readonly field: string, reason: string) {
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

export const USERNAME_PATTERN = /^[a-z][a-z0-9]{2,31}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const EMAIL_LOCAL = /^[A-Za-z0-9!#%&*+=?^_~.-]{1,64}$/;
export const PHP_VERSION_PATTERN = /^\d\.\d{1,2}$/;

export function isDomainName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** The account fields a plan carries, checked by the panel before sending and by the agent on receipt. */
export interface SafeTarget {
  username: string;
  domain: string;
  email: string;
  php_version: string;
}

export function assertSafeTarget(input: unknown): SafeTarget {
  const raw = (input ?? {}) as Record<string, unknown>;
  const username = assertSafeValue('username', raw.username);
  const domain = assertSafeValue('domain', raw.domain);
  const email = assertSafeValue('email', raw.email);
  const phpVersion = assertSafeValue('php_version', raw.php_version);
  if (!USERNAME_PATTERN.test(username)) throw new UnsafeValueError('username', 'must be 3 to 32 lowercase letters or digits, starting with a letter');
  if (!isDomainName(domain)) throw new UnsafeValueError('domain', 'must be a lowercase fully qualified domain name');
  const at = email.lastIndexOf('@');
  if (at < 1 || !EMAIL_LOCAL.test(email.slice(0, at)) || !isDomainName(email.slice(at + 1).toLowerCase())) {
    throw new UnsafeValueError('email', 'must be a plain address');
  }
  if (!PHP_VERSION_PATTERN.test(phpVersion)) throw new UnsafeValueError('php_version', 'must look like 8.2');
  return { username, domain, email, php_version: phpVersion };
}
