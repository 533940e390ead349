import { checkDomain } from '../agent-protocol/grammar';

/**
 * An account's contact email where a dialect sends none: its owner's, else webmaster@ its domain
 * (a client's email is optional). A refused domain gives a placeholder, so that only the domain is reported.
 */
export function contactEmailFor(owner: { email: string | null } | null, domain: unknown): string {
  return owner?.email ?? `webmaster@${checkDomain(domain).domain ?? 'invalid.invalid'}`;
}
