import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'hw_';

/** `hw_` + 32 random bytes, base64url: 46 characters. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, 10);
}
