interface CatalogueEntry {
  /** The status the native API (and the reseller dialect) answers with. */
  status: number;
  /** One line for people: README and the OpenAPI description list it. */
  meaning: string;
}

/**
 * Every error code a client can see. Services pick a code, never a status: the exception filter
 * looks the status up here (a dialect may map a code to its own, as Plesk REST v2 does).
 */
export const ERROR_CATALOGUE = {
  bad_request: {
    status: 400,
    meaning: 'The request could not be read: malformed JSON, a key sent twice, nesting past 32 levels, a body that is not an object, or a wrong Content-Length',
  },
  unauthenticated: { status: 401, meaning: 'No valid credentials: a missing, unknown, revoked or expired token, or a bad signature' },
  forbidden: { status: 403, meaning: 'The token lacks a scope the route needs' },
  license_required: { status: 403, meaning: 'Writes are blocked until a valid licence is installed' },
  account_limit_reached: { status: 403, meaning: "The licence's plan allows no more accounts" },
  package_limit_reached: { status: 403, meaning: "The account's package allows no more of these (the message names the limit)" },
  not_found: { status: 404, meaning: 'No such resource or route' },
  conflict: { status: 409, meaning: "A unique value is taken (`details` names the field), or the resource's state refuses the change" },
  idempotency_in_progress: { status: 409, meaning: 'A request with this Idempotency-Key is still running; retry later' },
  payload_too_large: { status: 413, meaning: 'The request body is larger than 1 MiB' },
  unsupported_media_type: { status: 415, meaning: 'The body is not sent as application/json (a form body is refused, never acted on)' },
  validation_failed: { status: 422, meaning: 'Fields are missing or invalid; `details` has one entry per field' },
  idempotency_mismatch: { status: 422, meaning: 'This Idempotency-Key was used with a different request' },
  rate_limited: { status: 429, meaning: 'Too many requests for this token (or address, without one); `Retry-After` says when to try again' },
  internal_error: { status: 500, meaning: 'An unexpected error; it has been logged' },
  provisioning_failed: { status: 500, meaning: 'The server could not be changed; what was done is undone, or repeating the request finishes it' },
  certificate_failed: {
    status: 502,
    meaning: 'The certificate could not be issued (the ACME challenge failed or the CA did not answer); the account serves as before and the reason is kept',
  },
  service_unavailable: {
    status: 503,
    meaning: 'The server is busy (too many request bodies in flight) or cannot reach its database right now; `Retry-After` says when to try again',
  },
  database_server_unavailable: { status: 503, meaning: 'No hosting database server is configured (HW_HOSTING_DB_URL), or it could not be reached' },
  agent_unreachable: { status: 503, meaning: 'The provisioning agent did not answer; `Retry-After` says when to try again' },
  no_server_available: {
    status: 503,
    meaning: 'No server can take a new account (every server is offline, draining, full or found down by the health probe); `Retry-After` says when to try again',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** A code that is not in the catalogue does not compile. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** The native HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}
