import { FieldProblem } from './grammar';
import { assertSafeValue, UnsafeValueError } from './safe-values';
import { PLAN_TTL_SECONDS } from './plan';

export const DNS_PATH = '/v1/dns';

/** The account's zone a change acts on: the agent finds it by domain and checks it is this username's. */
export interface DnsZoneRef {
  domain: string;
  username: string;
}

/** A record as the agent shows it: the stored row in the API's shape. */
export interface DnsRecordView {
  id: number;
  /** Relative to the zone (`@` is the apex). */
  name: string;
  fqdn: string;
  type: string;
  ttl: number;
  data: Record<string, unknown> | null;
  /** Made by the account's create (still editable). */
  generated: boolean;
  /** The apex SOA and NS: the server's, never changed through the API. */
  protected: boolean;
}

/** One DNS operation on an account's zone; writes carry the package's record limit (0: none). */
export type DnsChange = { zone: DnsZoneRef; expires_at?: number } & (
  | { op: 'list' }
  | { op: 'create'; record: Record<string, unknown>; limit: number }
  | { op: 'update'; id: number; patch: Record<string, unknown> }
  | { op: 'delete'; id: number }
);

export interface DnsAnswer {
  records?: DnsRecordView[];
  record?: DnsRecordView;
  /** The zone's SOA serial after the operation. */
  serial: number;
}

/** Why the agent refused a DNS change: it maps to 404, 409 or 422 in the panel. */
export class DnsRefusedError extends Error {
  constructor(
    readonly reason: 'not_found' | 'conflict' | 'invalid',
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export function buildDnsChange<T extends DnsChange>(change: T, nowMs = Date.now()): T {
  return { ...change, expires_at: Math.floor(nowMs / 1000) + PLAN_TTL_SECONDS };
}

const object = (field: string, value: unknown): Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UnsafeValueError(field, 'must be an object');
  return value as Record<string, unknown>;
};
const recordId = (value: unknown): number => {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new UnsafeValueError('id', 'must be a positive whole number');
  return value as number;
};

/** The agent's check of a change it receives: a known op, a safe zone, ids and limits as numbers; the record grammar runs in the store. */
export function parseDnsChange(input: unknown, nowMs = Date.now()): DnsChange {
  const raw = object('change', input);
  const zoneRaw = object('zone', raw.zone);
  const zone = { domain: assertSafeValue('domain', zoneRaw.domain), username: assertSafeValue('username', zoneRaw.username) };
  if (raw.expires_at !== undefined) {
    if (!Number.isSafeInteger(raw.expires_at)) throw new UnsafeValueError('expires_at', 'must be a whole number');
    if ((raw.expires_at as number) * 1000 < nowMs) throw new UnsafeValueError('expires_at', 'has passed: the change expired');
  }
  switch (raw.op) {
    case 'list':
      return { op: 'list', zone };
    case 'create': {
      const limit = raw.limit;
      if (!Number.isSafeInteger(limit) || (limit as number) < 0) throw new UnsafeValueError('limit', 'must be a whole number');
      return { op: 'create', zone, record: object('record', raw.record), limit: limit as number };
    }
    case 'update':
      return { op: 'update', zone, id: recordId(raw.id), patch: object('patch', raw.patch) };
    case 'delete':
      return { op: 'delete', zone, id: recordId(raw.id) };
    default:
      throw new UnsafeValueError('op', 'is not a known DNS operation');
  }
}
