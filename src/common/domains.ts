import { ValidationOptions } from 'class-validator';
import { checkDomain, lookupDomain } from '../agent-protocol/grammar';
import { Grammar } from './grammar-rules';

export { checkDomain, DOMAIN_RULE, DomainCheck } from '../agent-protocol/grammar';

/**
 * The stored form for a lookup (list filters, find by name): trimmed, lowercased, trailing dot
 * dropped, IDN to punycode. Never for an input that is stored: those pass {@link IsDomainName}.
 */
export function normalizeDomain(value: unknown): string | null {
  return lookupDomain(value);
}

/**
 * class-validator: the domain in its canonical form (grammar/domains.ts), refused otherwise —
 * no transform: what is sent is what is checked. The service stores the ASCII form.
 */
export function IsDomainName(options?: ValidationOptions): PropertyDecorator {
  return Grammar('isDomainName', (value) => checkDomain(value).problem ?? null, options);
}
