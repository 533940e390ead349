import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../platform/config/env-reader';

/**
 * The licence file (JSON):
 *
 *   { "payload": { "licensee": "ACME", "plan": "pro", "max_accounts": 100,
 *                  "issued_at": "2026-01-01T00:00:00Z", "expires_at": "2027-12-31T23:59:59Z",
 *                  "server_id": "web1" },                       ← server_id is optional
 *     "signature": "<base64 of the 64-byte Ed25519 signature>" }
 *
 * The signature covers the CANONICAL bytes of `payload`: UTF-8 of the payload written as JSON with
 * no whitespace, object keys sorted by code point at every level, strings and numbers as
 * JSON.stringify writes them (integers without exponent or fraction), absent members omitted
 * (never `null`). For the flat payload above that is RFC 8785 (JCS). Every member present is
 * signed, also ones this version does not know (they are ignored), so the file may be re-indented
 * or its keys reordered without breaking the signature.
 *
 * max_accounts 0 means unlimited. Dates are ISO 8601 with a zone (`Z` or ±hh:mm).
 */
export interface LicensePayload {
  licensee: string;
  plan: string;
  max_accounts: number;
  issued_at: string;
  expires_at: string;
  server_id?: string;
}

export interface LicenseDocument {
  payload: LicensePayload;
  signature: string;
}

/** Why a licence was refused; `message` is for people. */
export type LicenseProblem = 'malformed' | 'bad_signature' | 'wrong_server' | 'no_public_key';

export class LicenseRejected extends Error {
  constructor(
    readonly problem: LicenseProblem,
    message: string,
  ) {
    super(message);
  }
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function canonicalPayloadBytes(payload: object): Buffer {
  return Buffer.from(canonicalJson(payload), 'utf8');
}

export function signLicense(payload: LicensePayload, privateKey: KeyObject | string): LicenseDocument {
  checkPayload(payload);
  return { payload, signature: sign(null, canonicalPayloadBytes(payload), privateKey).toString('base64') };
}

/**
 * Parses and verifies a licence text. Throws LicenseRejected (malformed, bad_signature, wrong_server).
 * Expiry is not judged here: an expired licence still verifies (the caller compares with its clock).
 */
export function verifyLicenseText(text: string, publicKey: KeyObject, serverId?: string): LicenseDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LicenseRejected('malformed', 'the licence is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new LicenseRejected('malformed', 'the licence must be a JSON object with payload and signature');
  const { payload, signature } = parsed as Record<string, unknown>;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new LicenseRejected('malformed', 'the licence has no payload object');
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(signature)) throw new LicenseRejected('malformed', 'the licence has no base64 signature');
  checkPayload(payload as Record<string, unknown>);
  const signatureBytes = Buffer.from(signature, 'base64');
  if (signatureBytes.length !== 64) throw new LicenseRejected('malformed', 'the signature is not 64 bytes (Ed25519)');
  if (!verify(null, canonicalPayloadBytes(payload), publicKey, signatureBytes)) {
    throw new LicenseRejected('bad_signature', 'the signature does not match: the licence was altered or signed by another key');
  }
  const doc = { payload: payload as LicensePayload, signature };
  if (doc.payload.server_id !== undefined && doc.payload.server_id !== serverId) {
    throw new LicenseRejected('wrong_server', `the licence is for server "${doc.payload.server_id}", this server is ${serverId ? `"${serverId}"` : 'unnamed (set HW_SERVER_ID)'}`);
  }
  return doc;
}

function checkPayload(p: Record<string, unknown> | LicensePayload): void {
  const bad = (message: string) => new LicenseRejected('malformed', `payload.${message}`);
  const payload = p as Record<string, unknown>;
  if (typeof payload.licensee !== 'string' || !payload.licensee.trim()) throw bad('licensee must be a non-empty string');
  if (typeof payload.plan !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(payload.plan)) throw bad('plan must be a lowercase word');
  if (!Number.isSafeInteger(payload.max_accounts) || (payload.max_accounts as number) < 0) throw bad('max_accounts must be a whole number ≥ 0 (0: unlimited)');
  for (const field of ['issued_at', 'expires_at']) {
    const value = payload[field];
    if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value) || Number.isNaN(Date.parse(value))) throw bad(`${field} must be an ISO 8601 date-time with a zone`);
  }
  if (Date.parse(payload.expires_at as string) <= Date.parse(payload.issued_at as string)) throw bad('expires_at must be after issued_at');
  if (payload.server_id !== undefined && (typeof payload.server_id !== 'string' || !payload.server_id)) throw bad('server_id must be a non-empty string when present');
}

/**
 * The verification key from HW_LICENSE_PUBLIC_KEY, in any of these forms: PEM text (literal `\n`
 * escapes allowed, for one-line .env files), a path to a PEM file, base64 of the DER SPKI (44 bytes,
 * what `license:keygen` prints), or base64 of the raw 32-byte key.
 */
export function parsePublicKey(value: string): KeyObject {
  const fail = (why: string) => new ConfigError(`HW_LICENSE_PUBLIC_KEY ${why}`);
  let key: KeyObject;
  try {
    if (value.includes('-----BEGIN')) key = createPublicKey(value.replace(/\\n/g, '\n'));
    else if (existsSync(value)) key = createPublicKey(readFileSync(value, 'utf8'));
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
      const bytes = Buffer.from(value, 'base64');
      const der = bytes.length === 32 ? Buffer.concat([ED25519_SPKI_PREFIX, bytes]) : bytes;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    } else throw fail('must be a PEM public key, a path to one, or base64 (DER SPKI or raw 32 bytes)');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(`is not a readable public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw fail(`must be an Ed25519 key (got ${key.asymmetricKeyType})`);
  return key;
}

/** base64 of the DER SPKI: one line, fit for HW_LICENSE_PUBLIC_KEY. */
export function publicKeyOneLine(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).toString('base64');
}
