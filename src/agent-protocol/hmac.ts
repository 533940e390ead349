import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADERS = { timestamp: 'x-hw-timestamp', nonce: 'x-hw-nonce', signature: 'x-hw-signature' } as const;
export const SIGNATURE_WINDOW_SECONDS = 300;

export interface SignedParts {
  method: string;
  path: string;
  /** The body bytes as sent (a string is hashed as UTF-8). */
  body: string | Buffer;
  timestamp: string;
  nonce: string;
}

/** The first line of the agent's canonical string; the panel's version-2 request signatures use `hw2`. */
export const AGENT_SCHEME = 'hw1';

/** What a signature covers: `<scheme>\nMETHOD\npath\ntimestamp\nnonce\nsha256hex(body)`. */
export function canonicalString(parts: SignedParts, scheme = AGENT_SCHEME): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return [scheme, parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, bodyHash].join('\n');
}

/** HMAC-SHA256 of a canonical string, lowercase hex. */
export function signCanonical(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

/** HMAC-SHA256 over `hw1\nMETHOD\npath\ntimestamp\nnonce\nsha256(body)` (another first line with `scheme`), lowercase hex. */
export function sign(secret: string, parts: SignedParts, scheme = AGENT_SCHEME): string {
  return signCanonical(secret, canonicalString(parts, scheme));
}

/** The three headers of a signed request (timestamp in Unix seconds, a fresh 128-bit nonce). */
export function signatureHeaders(secret: string, method: string, path: string, body: string, nowMs = Date.now(), nonce = randomBytes(16).toString('hex')): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: sign(secret, { method, path, body, timestamp, nonce }),
  };
}

/**
 * The agent's check: a well-formed signature in constant time, a timestamp within ±300 s, and a
 * nonce never seen before (nonces are kept for twice the window, so a replay is always caught).
 */
export class SignatureVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
    private readonly windowSeconds = SIGNATURE_WINDOW_SECONDS,
  ) {}

  verify(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
    const timestamp = single(headers[SIGNATURE_HEADERS.timestamp]);
    const nonce = single(headers[SIGNATURE_HEADERS.nonce]);
    const signature = single(headers[SIGNATURE_HEADERS.signature]);
    if (!timestamp || !nonce || !signature) return false;
    if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{32,64}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) return false;
    const nowSeconds = this.now() / 1000;
    if (Math.abs(nowSeconds - Number(timestamp)) > this.windowSeconds) return false;
    const expected = Buffer.from(sign(this.secret, { method, path, body, timestamp, nonce }), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return false;
    this.prune(nowSeconds);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, nowSeconds + 2 * this.windowSeconds);
    return true;
  }

  private prune(nowSeconds: number): void {
    for (const [nonce, expires] of this.seen) if (expires < nowSeconds) this.seen.delete(nonce);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
