export const SCOPES = [
  'accounts:read',
  'accounts:write',
  'packages:read',
  'packages:write',
  'clients:read',
  'clients:write',
  'tokens:admin',
  'webhooks:read',
  'webhooks:write',
  'servers:read',
  'servers:write',
  // The Opterius dialect's own scope names (src/dialects/opterius); accounts:write grants each of them.
  'account.create',
  'account.suspend',
  'account.unsuspend',
  'account.terminate',
  'account.password',
  'account.package',
  '*',
] as const;

export type Scope = (typeof SCOPES)[number];

/** `*` grants everything; a write scope also grants the read scope of the same resource. */
export function grants(held: readonly string[], needed: string): boolean {
  if (held.includes('*') || held.includes(needed)) return true;
  if (needed.startsWith('account.')) return held.includes('accounts:write');
  const [resource, action] = needed.split(':');
  return action === 'read' && held.includes(`${resource}:write`);
}

/** The requested scopes that `held` does not grant: a token may hand on only what it has. */
export function ungranted(held: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((scope) => !grants(held, scope));
}

export function parseScopes(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
