import { CONTROL, codePointName, isWellFormed } from './text';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * 8–128 characters, any printable Unicode: no NUL or other control character (a C string would
 * end at the NUL; a terminal or a form would eat the rest) and well-formed (a lone surrogate would
 * be hashed as U+FFFD, so two different passwords would match).
 */
export function passwordProblem(value: unknown, field = 'password'): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length < PASSWORD_MIN || value.length > PASSWORD_MAX) return `${field} must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
  if (!isWellFormed(value)) return `${field} is not well-formed Unicode (a lone surrogate)`;
  const control = CONTROL.exec(value);
  if (control) return `${field} must not contain control characters (found ${codePointName(control[0])})`;
  return null;
}
