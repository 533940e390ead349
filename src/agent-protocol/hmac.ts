import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
export function signatureHeaders(
  secret: string,
  method: string,
  path: string,
  body: string,
  nowMs = Date.now(),
  nonce = randomBytes(16).toString('hex'),
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: sign(secret, { method, path, body, timestamp, nonce }),
  };
}

/** Where the verifier remembers nonces: loaded once, told of every new one before it is accepted. */
export interface NonceStore {
  /** Every remembered nonce with the Unix second it may be forgotten at. */
  load(): Map<string, number>;
  /** Remembers one more (durably before the request runs); `live` is every nonce still remembered. */
  add(nonce: string, expires: number, live: Map<string, number>): void;
}

/**
 * Nonces in a file of the agent's data dir, one `expires nonce` line each, appended synchronously
 * before a plan runs, so a restarted agent still refuses a replay within the window. Compacted
 * (expired lines dropped, temp + rename) at load and every `compactEvery` appends.
 */
export class FileNonceStore implements NonceStore {
  private appended = 0;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
    private readonly compactEvery = 5000,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  load(): Map<string, number> {
    const live = new Map<string, number>();
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const nowSeconds = this.now() / 1000;
    for (const line of text.split('\n')) {
      const [expires, nonce] = line.split(' ');
      if (nonce && /^[0-9a-f]{32,64}$/.test(nonce) && Number(expires) >= nowSeconds) live.set(nonce, Number(expires));
    }
    this.rewrite(live);
    return live;
  }

  add(nonce: string, expires: number, live: Map<string, number>): void {
    appendFileSync(this.file, `${expires} ${nonce}\n`, { mode: 0o600 });
    if (++this.appended >= this.compactEvery) this.rewrite(live);
  }

  private rewrite(live: Map<string, number>): void {
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, [...live].map(([nonce, expires]) => `${expires} ${nonce}\n`).join(''), { mode: 0o600 });
    renameSync(temp, this.file);
    this.appended = 0;
  }
}

/**
 * The agent's check: a well-formed signature in constant time, a timestamp within ±300 s, and a
 * nonce never seen before (nonces are kept for twice the window, so a replay is always caught;
 * with a NonceStore they outlive a restart of the agent too).
 */
export class SignatureVerifier {
  private readonly seen: Map<string, number>;

  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
    private readonly windowSeconds = SIGNATURE_WINDOW_SECONDS,
    private readonly store?: NonceStore,
  ) {
    this.seen = store?.load() ?? new Map();
  }

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
    const expires = Math.ceil(nowSeconds + 2 * this.windowSeconds);
    this.seen.set(nonce, expires);
    this.store?.add(nonce, expires, this.seen);
    return true;
  }

  private prune(nowSeconds: number): void {
    for (const [nonce, expires] of this.seen) if (expires < nowSeconds) this.seen.delete(nonce);
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
