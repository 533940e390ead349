import { domainToASCII, domainToUnicode } from 'node:url';
import { BIDI_CONTROL, codePointName, isWellFormed } from './text';
import { mixedScripts } from './scripts';

export const DOMAIN_RULE = 'domain must be a fully qualified domain name such as example.com';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** The ASCII a hostname may hold, once it is lowercase: letters, digits, hyphen, dot. */
const FOREIGN_ASCII = /[\u0000-\u002c\u002f\u003a-\u0060\u007b-\u007f]/;
/** Spaces, controls and invisible formatting characters (ZWJ/ZWNJ, soft hyphen, bidi marks…) anywhere. */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** What the Unicode form of a label may hold: letters, marks, decimal digits, hyphen (no symbol, no emoji). */
const ULABEL = /^[\p{L}\p{M}\p{Nd}-]+$/u;

export type DomainCheck = { domain: string; problem?: undefined } | { domain?: undefined; problem: string };

/** The LDH form every stored domain has: ≥ 2 labels of 1–63 [a-z0-9-], no edge hyphen, ≤ 253, not an IP. */
export function isDomainName(value: string): boolean {
  return ldhProblem(value) === null;
}

function ldhProblem(ascii: string): string | null {
  const labels = ascii.split('.');
  if (labels.length < 2) return `${DOMAIN_RULE}: at least two labels are needed`;
  if (/^\d+$/.test(labels[labels.length - 1]) || labels.every((l) => /^\d+$/.test(l))) return `${DOMAIN_RULE}: an IP address is not a domain`;
  if (ascii.length > 253) return `${DOMAIN_RULE}: at most 253 characters`;
  if (!labels.every((label) => LABEL.test(label))) {
    return `${DOMAIN_RULE}: each label is 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen`;
  }
  const reserved = labels.find((label) => label.slice(2, 4) === '--' && !label.startsWith('xn--'));
  if (reserved) return `${DOMAIN_RULE}: a label may have "--" in its third and fourth place only as an xn-- (IDN) label, not ${reserved}`;
  return null;
}

/** The checks on one A-label (xn--…): real punycode, in canonical form, of letters of one script. */
function aLabelProblem(label: string): string | null {
  const unicode = domainToUnicode(label);
  if (!unicode || domainToASCII(unicode) !== label || /^[\u0000-\u007f]*$/.test(unicode)) {
    return `${DOMAIN_RULE}: ${label} is not the canonical punycode of an internationalised label`;
  }
  if (!ULABEL.test(unicode)) return `${DOMAIN_RULE}: the label ${unicode} (${label}) may hold only letters, digits and hyphens`;
  const mixed = mixedScripts(unicode);
  if (mixed) return `${DOMAIN_RULE}: the label ${unicode} (${label}) mixes scripts (${mixed}); a label must be written in one script`;
  return null;
}

/**
 * A domain reaches file names, vhost templates and DNS records. It is accepted only in its
 * canonical form, never rewritten: lowercase, no trailing dot, no space or control character
 * anywhere (nothing is trimmed), at least two labels of 1–63 [a-z0-9-] not starting or ending
 * with '-', 253 characters at most, never an IP literal. An internationalised domain is accepted
 * as its A-labels (`xn--…`, checked after decoding) or as its proper U-labels (lowercase, NFC,
 * no fullwidth letters, no ideographic full stop U+3002 — exactly what IDNA maps to itself) and
 * stored as punycode. Every IDN label must be letters of one script (UTS #39, see scripts.ts).
 */
export function checkDomain(value: unknown): DomainCheck {
  if (typeof value !== 'string') return { problem: 'domain must be a string' };
  if (!value) return { problem: 'domain is required' };
  if (value.length > 1000) return { problem: `${DOMAIN_RULE}: at most 253 characters` };
  if (!isWellFormed(value)) return { problem: 'domain is not well-formed Unicode (a lone surrogate)' };
  const invisible = INVISIBLE.exec(value) ?? BIDI_CONTROL.exec(value);
  if (invisible) return { problem: `domain must not contain spaces, control or invisible characters (found ${codePointName(invisible[0])}); nothing is trimmed` };
  if (value.endsWith('.')) return { problem: `domain must be sent without a trailing dot (${value.slice(0, -1)})` };
  if (/[A-Z]/.test(value)) return { problem: `domain must be lowercase (${value.toLowerCase()})` };
  if (FOREIGN_ASCII.test(value)) return { problem: `${DOMAIN_RULE}: only letters, digits, hyphens and dots are allowed` };
  let ascii = value;
  if (/[^\u0000-\u007f]/.test(value)) {
    // Label by label: each one as its A-label (xn--…, checked below) or its exact U-label.
    const labels: string[] = [];
    for (const label of value.split('.')) {
      if (!/[^\u0000-\u007f]/.test(label)) {
        labels.push(label);
        continue;
      }
      const aLabel = domainToASCII(label);
      if (!aLabel) return { problem: `${DOMAIN_RULE}: ${label} is not a valid internationalised label` };
      const canonical = domainToUnicode(aLabel);
      if (canonical !== label) {
        return {
          problem: `domain must be sent in its canonical form (${canonical} for ${label}): no uppercase or fullwidth letters, no ideographic full stop, composed (NFC) characters`,
        };
      }
      labels.push(aLabel);
    }
    ascii = labels.join('.');
  }
  const ldh = ldhProblem(ascii);
  if (ldh) return { problem: ldh };
  for (const label of ascii.split('.')) {
    if (!label.startsWith('xn--')) continue;
    const problem = aLabelProblem(label);
    if (problem) return { problem };
  }
  return { domain: ascii };
}

/**
 * For lookups only (a list filter, a Plesk lookup by name): the stored form of something a
 * person may type differently — trimmed, lowercased, one trailing dot dropped, IDN to punycode.
 * Inputs that create or change an account go through {@link checkDomain}, which refuses all that.
 */
export function lookupDomain(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let text = value.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (!text || text.length > 1000 || FOREIGN_ASCII.test(text)) return null;
  const ascii = domainToASCII(text);
  return ascii && isDomainName(ascii) ? ascii : null;
}

/**
 * The labels in reverse order with a trailing dot: `alice.example.com` → `com.example.alice.`.
 * D is C or one of C's parents exactly when reversed(D) is a prefix of reversed(C), so an index on
 * it finds a domain's children with a range scan (see src/accounts/domain-overlap.ts).
 */
export function reversedLabels(domain: string): string {
  return `${domain.split('.').reverse().join('.')}.`;
}

/** The parents of a domain that could be an account's domain (two labels or more), nearest first. */
export function parentDomains(domain: string): string[] {
  const labels = domain.split('.');
  const parents: string[] = [];
  for (let i = 1; i <= labels.length - 2; i++) parents.push(labels.slice(i).join('.'));
  return parents;
}
