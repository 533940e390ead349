import { assertRemovalTarget, RemovalTarget, UnsafeValueError } from './safe-values';

export const CERTIFICATES_PATH = '/v1/certificates';

/** How long a certificate request stays valid; the agent refuses it afterwards. */
export const CERTIFICATE_REQUEST_TTL_SECONDS = 300;

/**
 * A certificate operation the panel asks of the agent: `issue` (a new key and certificate for the
 * domain and www., by ACME HTTP-01 through the account's vhost; the vhost then serves TLS too) or
 * `remove` (the vhost back to plain HTTP, every file the issuance made gone). Values only: the agent
 * holds the ACME account key, makes the private keys and renders the vhost itself.
 */
export interface CertificateRequest {
  action: 'issue' | 'remove';
  target: RemovalTarget;
  /** issue: plain HTTP answers 301 to HTTPS (the ACME challenge path excepted). */
  redirect_http?: boolean;
  /** Unix seconds after which the agent refuses the request. */
  expires_at?: number;
}

/** What the agent answers an issue with (read back from the certificate it installed). */
export interface IssuedCertificate {
  issuer: string;
  names: string[];
  serial: string;
  not_before: string;
  not_after: string;
  /** The operator's self-signed fallback was used (HW_CERTIFICATE_FALLBACK=self-signed); acme_error says why. */
  self_signed: boolean;
  acme_error?: string;
}

/** The issuance failed; the account serves exactly as before. `reason` is kept for GET …/certificate. */
export class CertificateFailedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function buildCertificateRequest(action: CertificateRequest['action'], target: RemovalTarget, redirectHttp = false, nowMs = Date.now()): CertificateRequest {
  return {
    action,
    target: { username: target.username, domain: target.domain, php_version: target.php_version },
    ...(action === 'issue' ? { redirect_http: redirectHttp } : {}),
    expires_at: Math.floor(nowMs / 1000) + CERTIFICATE_REQUEST_TTL_SECONDS,
  };
}

/** The agent's check of a request it receives: a known action, safe names, a boolean, not expired. */
export function parseCertificateRequest(input: unknown, nowMs = Date.now()): CertificateRequest {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (raw.action !== 'issue' && raw.action !== 'remove') throw new UnsafeValueError('action', 'is not a known certificate action');
  const target = assertRemovalTarget(raw.target);
  if (raw.redirect_http !== undefined && typeof raw.redirect_http !== 'boolean') throw new UnsafeValueError('redirect_http', 'must be a boolean');
  const request: CertificateRequest = { action: raw.action, target, redirect_http: raw.redirect_http === true };
  if (raw.expires_at !== undefined) {
    if (typeof raw.expires_at !== 'number' || !Number.isSafeInteger(raw.expires_at)) throw new UnsafeValueError('expires_at', 'must be a whole number');
    if (raw.expires_at * 1000 < nowMs) throw new UnsafeValueError('expires_at', 'has passed: the request expired');
    request.expires_at = raw.expires_at;
  }
  return request;
}
