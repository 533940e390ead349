/** A mailbox's local part as stored: lowercase letters, digits, and `.`, `_`, `-` inside. */
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const QUOTA_MB_MAX = 1_048_576;

/**
 * The local part of a mailbox (`alice` of alice@example.com): 1–64 characters, lowercase a–z,
 * digits, `.`, `_` and `-`, starting and ending with a letter or digit, no `..`. It is also a
 * directory name under the domain's maildir, so nothing else (no `/`, no `+`: Postfix's
 * recipient delimiter) gets through. Uppercase is refused, not folded: stored as sent.
 */
export function localPartProblem(value: unknown, field = 'local_part'): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  if (!LOCAL_PART.test(value) || value.includes('..')) {
    return `${field} must be 1 to 64 characters of lowercase a-z, 0-9, ".", "_" and "-", starting and ending with a letter or digit, without ".."`;
  }
  return null;
}

/** A mailbox quota in MiB: a whole number from 1 to 1048576 (1 TiB). */
export function quotaProblem(value: unknown, field = 'quota_mb'): string | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > QUOTA_MB_MAX) return `${field} must be a whole number from 1 to ${QUOTA_MB_MAX}`;
  return null;
}
