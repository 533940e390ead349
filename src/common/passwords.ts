import * as argon2 from 'argon2';

/** argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): strong, and a create stays fast. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(value: unknown, field = 'password'): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length < PASSWORD_MIN || value.length > PASSWORD_MAX) return `${field} must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
  return null;
}
