import { domainToASCII } from 'node:url';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

export const DOMAIN_RULE = 'domain must be a fully qualified domain name such as example.com';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Before IDN mapping, the only ASCII allowed is what a hostname may hold: no %, _, /, space, control. */
const FOREIGN_ASCII = /[\u0000-\u002c\u002f\u003a-\u0060\u007b-\u007f]/;

export type DomainCheck = { domain: string; problem?: undefined } | { domain?: undefined; problem: string };

/**
 * A domain reaches file names, vhost templates and DNS records, so it is normalised once and then
 * held to the strict LDH form: trimmed, lowercased, one trailing dot dropped, IDN to punycode
 * (node:url domainToASCII), at least two labels of 1–63 [a-z0-9-] not starting or ending with '-',
 * 253 characters at most, and never an IP literal.
 */
export function checkDomain(value: unknown): DomainCheck {
  if (typeof value !== 'string') return { problem: 'domain must be a string' };
  let text = value.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (!text) return { problem: 'domain is required' };
  if (text.length > 1000 || FOREIGN_ASCII.test(text)) {
    return { problem: `${DOMAIN_RULE}: only letters, digits, hyphens and dots are allowed` };
  }
  const ascii = domainToASCII(text);
  if (!ascii) return { problem: `${DOMAIN_RULE}: not a valid (internationalised) domain name` };
  const labels = ascii.split('.');
  if (labels.length < 2) return { problem: `${DOMAIN_RULE}: at least two labels are needed` };
  if (/^\d+$/.test(labels[labels.length - 1]) || labels.every((l) => /^\d+$/.test(l))) {
    return { problem: `${DOMAIN_RULE}: an IP address is not a domain` };
  }
  if (ascii.length > 253) return { problem: `${DOMAIN_RULE}: at most 253 characters` };
  if (!labels.every((label) => LABEL.test(label))) {
    return { problem: `${DOMAIN_RULE}: each label is 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen` };
  }
  return { domain: ascii };
}

/** The normalised domain, or null when it is not acceptable. */
export function normalizeDomain(value: unknown): string | null {
  return checkDomain(value).domain ?? null;
}

/** class-validator + transformer: normalises the field, then refuses what cannot be normalised. */
export function IsDomainName(): PropertyDecorator {
  const normalise = Transform(({ value }) => normalizeDomain(value) ?? value);
  const validate = ValidateBy({
    name: 'isDomainName',
    validator: {
      validate: (value) => typeof value === 'string' && normalizeDomain(value) === value,
      defaultMessage: (args) => checkDomain(args?.value).problem ?? DOMAIN_RULE,
    },
  });
  return (target, key) => {
    normalise(target, key);
    validate(target, key);
  };
}
