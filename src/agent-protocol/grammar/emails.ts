import { checkDomain } from './domains';

/** The local part: the dot-atom of RFC 5322 without the characters the agent's wall refuses (& ' ` { } | / $). */
const LOCAL = /^[A-Za-z0-9!#%*+=?^_~-]+(?:\.[A-Za-z0-9!#%*+=?^_~-]+)*$/;

export const EMAIL_RULE = 'must be a plain address such as alice@example.com';

/**
 * A contact address, stored as sent: `local@domain`, at most 254 characters; the local part
 * 1–64 ASCII dot-atom characters (no quotes, no `&`, not starting with `-`), the domain an ASCII
 * domain name (any letter case: the address is not rewritten, and mail ignores the domain's case).
 */
export function emailProblem(value: unknown, field = 'email'): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length > 254) return `${field} must be at most 254 characters`;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (at < 1 || local.length > 64 || !LOCAL.test(local) || local.startsWith('-')) return `${field} ${EMAIL_RULE}`;
  if (/[^\u0000-\u007f]/.test(domain) || checkDomain(domain.toLowerCase()).domain !== domain.toLowerCase()) return `${field} ${EMAIL_RULE}`;
  return null;
}
