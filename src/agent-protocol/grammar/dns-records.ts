import { isIPv4, isIPv6 } from 'node:net';
import { isDomainName } from './domains';
import { FieldProblem } from './text';

/**
 * The records an account may write into its own zone, each by its own grammar. Names are
 * relative to the zone (`@` is the apex) or fully qualified inside it (`www.example.com` or
 * `www.example.com.`); targets are host names; content reaches PowerDNS's gmysql rows only in
 * the form this file builds (quoted, escaped, split), so no input can add zone data.
 */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA', 'NS'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const DNS_TTL_MIN = 60;
export const DNS_TTL_MAX = 604800;
export const DNS_TTL_DEFAULT = 3600;
/** A TXT record's text, in bytes (printable ASCII); stored as character-strings of at most 255. */
export const TXT_MAX_BYTES = 2048;
export const TXT_CHUNK_BYTES = 255;
export const CAA_TAGS = ['issue', 'issuewild', 'iodef'] as const;

export type DnsRecordData =
  | { address: string }
  | { target: string }
  | { priority: number; exchange: string }
  | { text: string }
  | { priority: number; weight: number; port: number; target: string }
  | { flags: number; tag: string; value: string };

/** A record as the API and the agent exchange it (names as sent, data structured). */
export interface DnsRecordInput {
  name?: unknown;
  type?: unknown;
  ttl?: unknown;
  data?: unknown;
}

/** A checked record: the stored (PowerDNS) name and content, and what the API shows. */
export interface DnsRecordSpec {
  fqdn: string;
  type: DnsRecordType;
  ttl: number;
  data: DnsRecordData;
  content: string;
  prio: number | null;
}

export type DnsRecordCheck = { record: DnsRecordSpec; problems?: undefined } | { record?: undefined; problems: FieldProblem[] };

const OWNER_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const CAA_PARAMETER = /^[A-Za-z0-9]+=[\x21-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/** The record's owner as stored (FQDN, no trailing dot): `@`, a relative name, or a full name inside `zone`. */
export function recordNameProblem(value: unknown, zone: string): { fqdn: string; problem?: undefined } | { fqdn?: undefined; problem: string } {
  if (typeof value !== 'string' || value.length === 0) return { problem: 'name must be "@" (the apex), a name relative to the zone or a full name inside it' };
  if (value.length > 254) return { problem: 'name is at most 253 characters' };
  if (value === '@') return { fqdn: zone };
  if (/[A-Z]/.test(value)) return { problem: `name must be lowercase (${value.toLowerCase()})` };
  const absolute = value.endsWith('.');
  const bare = absolute ? value.slice(0, -1) : value;
  let fqdn: string;
  if (bare === zone || bare.endsWith(`.${zone}`)) fqdn = bare;
  else if (absolute) return { problem: `name ${value} is outside the zone ${zone}` };
  else fqdn = `${bare}.${zone}`;
  if (fqdn.length > 253) return { problem: 'name is at most 253 characters once the zone is added' };
  if (fqdn === zone) return { fqdn };
  const labels = fqdn.slice(0, -(zone.length + 1)).split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '*' && i === 0) continue;
    if (!OWNER_LABEL.test(label)) {
      return { problem: 'name labels are 1 to 63 lowercase letters, digits, hyphens or underscores (a leading "*" label is a wildcard)' };
    }
  }
  return { fqdn };
}

/** The relative form the API shows: `@` for the apex, else the name without the zone. */
export function relativeName(fqdn: string, zone: string): string {
  return fqdn === zone ? '@' : fqdn.slice(0, -(zone.length + 1));
}

/** A host name as a target (CNAME, MX, SRV, NS): lowercase LDH labels, at least two, never an IP or a URL; one trailing dot allowed. */
export function hostnameProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string' || !value) return `${field} must be a host name such as mail.example.com`;
  const bare = value.endsWith('.') ? value.slice(0, -1) : value;
  if (isIPv4(bare) || isIPv6(bare)) return `${field} must be a host name, not an IP address`;
  if (/[A-Z]/.test(bare)) return `${field} must be lowercase (${bare.toLowerCase()})`;
  if (!isDomainName(bare)) return `${field} must be a host name such as mail.example.com: at least two labels of letters, digits or hyphens, no URL`;
  return null;
}

const hostname = (value: string) => (value.endsWith('.') ? value.slice(0, -1) : value);

/** The canonical IPv4 form: four decimal octets, no leading zero. */
export function ipv4Problem(field: string, value: unknown): string | null {
  return typeof value === 'string' && IPV4.test(value) ? null : `${field} must be an IPv4 address in dotted decimal without leading zeros, such as 192.0.2.10`;
}

/** The canonical IPv6 form (RFC 5952): lowercase, no leading zeros, the longest zero run compressed. */
export function ipv6Problem(field: string, value: unknown): string | null {
  if (typeof value !== 'string' || !isIPv6(value) || value.includes('%')) return `${field} must be an IPv6 address such as 2001:db8::10`;
  let canonical: string;
  try {
    canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  } catch {
    return `${field} must be an IPv6 address such as 2001:db8::10`;
  }
  return canonical === value ? null : `${field} must be in its canonical form (${canonical})`;
}

function uint16Problem(field: string, value: unknown): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 65535 ? null : `${field} must be a whole number from 0 to 65535`;
}

export function ttlProblem(value: unknown): string | null {
  return Number.isSafeInteger(value) && (value as number) >= DNS_TTL_MIN && (value as number) <= DNS_TTL_MAX
    ? null
    : `ttl must be a whole number of seconds from ${DNS_TTL_MIN} to ${DNS_TTL_MAX}`;
}

/** TXT text: printable ASCII (no newline, tab or other control character), 1 to TXT_MAX_BYTES. */
export function txtProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'data.text must be a non-empty string';
  if (!PRINTABLE_ASCII.test(value)) return 'data.text may hold only printable ASCII characters (no newline, tab or other control character)';
  if (value.length > TXT_MAX_BYTES) return `data.text is at most ${TXT_MAX_BYTES} characters`;
  return null;
}

/** PowerDNS's zone form of a TXT text: character-strings of ≤ 255 bytes, each quoted, `\` and `"` escaped. */
export function txtContent(text: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += TXT_CHUNK_BYTES) chunks.push(text.slice(i, i + TXT_CHUNK_BYTES));
  return chunks.map((chunk) => `"${chunk.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(' ');
}

/** The text of a stored TXT content (the inverse of txtContent; also reads `\DDD` escapes). */
export function txtText(content: string): string | null {
  let text = '';
  let i = 0;
  while (i < content.length) {
    if (content[i] === ' ') {
      i++;
      continue;
    }
    if (content[i] !== '"') return null;
    i++;
    for (;;) {
      if (i >= content.length) return null;
      const c = content[i];
      if (c === '"') break;
      if (c === '\\') {
        const digits = /^\d{3}/.exec(content.slice(i + 1));
        if (digits) {
          text += String.fromCharCode(Number(digits[0]));
          i += 4;
        } else {
          text += content[i + 1] ?? '';
          i += 2;
        }
      } else {
        text += c;
        i++;
      }
    }
    i++;
  }
  return text;
}

/** A CAA value: issue/issuewild name an issuer domain (or ";" for none) with optional `; key=value`; iodef a mailto: or http(s): URL. */
export function caaValueProblem(tag: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 255 || !PRINTABLE_ASCII.test(value) || /["\\]/.test(value)) {
    return 'data.value must be up to 255 printable ASCII characters, without quotes or backslashes';
  }
  if (tag === 'iodef') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'data.value of an iodef record must be a mailto:, http: or https: URL';
    }
    if (!['mailto:', 'http:', 'https:'].includes(url.protocol) || /\s/.test(value)) return 'data.value of an iodef record must be a mailto:, http: or https: URL';
    return null;
  }
  if (value === ';') return null;
  const [issuer, ...parameters] = value.split(';').map((part) => part.trim());
  if (hostnameProblem('issuer', issuer) || issuer.endsWith('.')) {
    return `data.value of an ${tag} record must be an issuer domain such as letsencrypt.org (or ";" for none)`;
  }
  if (!parameters.every((p) => CAA_PARAMETER.test(p))) return `data.value parameters after the issuer must be key=value`;
  return null;
}

function dataOf(input: unknown): Record<string, unknown> | null {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
}

/** The data's grammar for one type; each problem names its field (`data.…`). Returns the structured data, content and prio. */
function checkData(type: DnsRecordType, raw: Record<string, unknown>, problems: FieldProblem[]): Pick<DnsRecordSpec, 'data' | 'content' | 'prio'> | null {
  const add = (field: string, message: string | null) => {
    if (message) problems.push({ field, message });
  };
  const before = problems.length;
  const allowed: Record<DnsRecordType, string[]> = {
    A: ['address'],
    AAAA: ['address'],
    CNAME: ['target'],
    NS: ['target'],
    MX: ['priority', 'exchange'],
    TXT: ['text'],
    SRV: ['priority', 'weight', 'port', 'target'],
    CAA: ['flags', 'tag', 'value'],
  };
  for (const key of Object.keys(raw)) {
    if (!allowed[type].includes(key)) add(`data.${key}`, `data.${key} is not a field of a ${type} record (${allowed[type].join(', ')})`);
  }
  switch (type) {
    case 'A':
      add('data.address', ipv4Problem('data.address', raw.address));
      break;
    case 'AAAA':
      add('data.address', ipv6Problem('data.address', raw.address));
      break;
    case 'CNAME':
    case 'NS':
      add('data.target', hostnameProblem('data.target', raw.target));
      break;
    case 'MX':
      add('data.priority', uint16Problem('data.priority', raw.priority));
      add('data.exchange', hostnameProblem('data.exchange', raw.exchange));
      break;
    case 'TXT':
      add('data.text', txtProblem(raw.text));
      break;
    case 'SRV':
      for (const field of ['priority', 'weight', 'port'] as const) add(`data.${field}`, uint16Problem(`data.${field}`, raw[field]));
      add('data.target', hostnameProblem('data.target', raw.target));
      break;
    case 'CAA':
      add('data.flags', raw.flags === 0 || raw.flags === 128 ? null : 'data.flags must be 0 or 128 (issuer critical)');
      if (!CAA_TAGS.includes(raw.tag as (typeof CAA_TAGS)[number])) add('data.tag', `data.tag must be one of ${CAA_TAGS.join(', ')}`);
      else add('data.value', caaValueProblem(raw.tag as string, raw.value));
      break;
  }
  if (problems.length > before) return null;
  const s = (key: string) => raw[key] as string;
  const n = (key: string) => raw[key] as number;
  switch (type) {
    case 'A':
    case 'AAAA':
      return { data: { address: s('address') }, content: s('address'), prio: null };
    case 'CNAME':
    case 'NS':
      return { data: { target: hostname(s('target')) }, content: hostname(s('target')), prio: null };
    case 'MX':
      return { data: { priority: n('priority'), exchange: hostname(s('exchange')) }, content: hostname(s('exchange')), prio: n('priority') };
    case 'TXT':
      return { data: { text: s('text') }, content: txtContent(s('text')), prio: null };
    case 'SRV': {
      const target = hostname(s('target'));
      return { data: { priority: n('priority'), weight: n('weight'), port: n('port'), target }, content: `${n('weight')} ${n('port')} ${target}`, prio: n('priority') };
    }
    case 'CAA':
      return { data: { flags: n('flags'), tag: s('tag'), value: s('value') }, content: `${n('flags')} ${s('tag')} "${s('value')}"`, prio: null };
  }
}

/**
 * A whole record for the account's zone, by its type's grammar: name inside the zone, type one of
 * DNS_RECORD_TYPES, ttl within bounds (default DNS_TTL_DEFAULT), data as its type has it. The
 * zone's own rules (apex, CNAME beside other data, other tenants' zones) are the agent's to check.
 */
export function checkDnsRecord(input: DnsRecordInput, zone: string): DnsRecordCheck {
  const problems: FieldProblem[] = [];
  const name = recordNameProblem(input.name, zone);
  if (name.problem) problems.push({ field: 'name', message: name.problem });
  const type = input.type as DnsRecordType;
  if (!DNS_RECORD_TYPES.includes(type)) {
    problems.push({ field: 'type', message: `type must be one of ${DNS_RECORD_TYPES.join(', ')} (SOA and the apex NS are the server's)` });
    return { problems };
  }
  const ttl = input.ttl ?? DNS_TTL_DEFAULT;
  const ttlWrong = ttlProblem(ttl);
  if (ttlWrong) problems.push({ field: 'ttl', message: ttlWrong });
  const raw = dataOf(input.data);
  if (!raw) {
    problems.push({ field: 'data', message: `data must be an object with the ${type} record's fields` });
    return { problems };
  }
  const data = checkData(type, raw, problems);
  if (type === 'SRV' && name.fqdn) {
    const labels = relativeName(name.fqdn, zone).split('.');
    if (labels.length < 2 || !labels[0].startsWith('_') || !labels[1].startsWith('_')) {
      problems.push({ field: 'name', message: 'name of an SRV record must start with _service._protocol (such as _sip._tcp)' });
    }
  }
  if (problems.length || !data || !name.fqdn) return { problems };
  return { record: { fqdn: name.fqdn, type, ttl: ttl as number, ...data } };
}

/** The structured data of a stored row (also rows written before this grammar); null when it does not parse. */
export function recordDataOf(type: string, content: string, prio: number | null): Record<string, unknown> | null {
  const parts = content.split(' ');
  switch (type) {
    case 'A':
    case 'AAAA':
      return { address: content };
    case 'CNAME':
    case 'NS':
      return { target: content };
    case 'MX':
      return { priority: prio ?? 0, exchange: content };
    case 'TXT': {
      const text = txtText(content);
      return text === null ? null : { text };
    }
    case 'SRV':
      return parts.length === 3 ? { priority: prio ?? 0, weight: Number(parts[0]), port: Number(parts[1]), target: parts[2] } : null;
    case 'CAA': {
      const m = /^(\d+) (\S+) "(.*)"$/.exec(content);
      return m ? { flags: Number(m[1]), tag: m[2], value: m[3] } : null;
    }
    case 'SOA':
      if (parts.length !== 7) return null;
      return {
        primary: parts[0],
        mailbox: parts[1],
        serial: Number(parts[2]),
        refresh: Number(parts[3]),
        retry: Number(parts[4]),
        expire: Number(parts[5]),
        minimum: Number(parts[6]),
      };
    default:
      return null;
  }
}
