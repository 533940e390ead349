import { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** The ways a request can carry a token; each is the passport strategy of that name. */
export type Credential = 'bearer' | 'api-key' | 'signature' | 'basic' | 'plesk-xml';

/** What a native route accepts, in the order the guard tries them. */
export const NATIVE_CREDENTIALS: readonly Credential[] = ['bearer', 'api-key', 'signature'];

interface CredentialForm {
  /** How a 401 names it. */
  sent: string;
  /** The OpenAPI schemes a request needs all of (a signature is two headers). */
  schemes: Record<string, SecuritySchemeObject>;
}

export const CREDENTIAL_FORMS: Record<Credential, CredentialForm> = {
  bearer: {
    sent: 'Authorization: Bearer <token>',
    schemes: { bearer: { type: 'http', scheme: 'bearer', description: 'hw_… token' } },
  },
  'api-key': {
    sent: 'x-api-key: <token>',
    schemes: { 'api-key': { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'hw_… token' } },
  },
  signature: {
    sent: 'X-Timestamp + X-Signature',
    schemes: {
      timestamp: { type: 'apiKey', in: 'header', name: 'X-Timestamp', description: 'Signed requests: Unix seconds, within 300 s of the server clock' },
      signature: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Signature',
        description:
          'Signed requests, key = a can_sign token. Version 2 (send X-Signature-Version: 2 and X-Nonce, 16-64 of A-Za-z0-9_-, new per request): ' +
          'hex HMAC-SHA256 of "hw2\\nMETHOD\\n/path?query\\nX-Timestamp\\nX-Nonce\\nsha256hex(raw body)". ' +
          'Version 1 (no X-Signature-Version): hex HMAC-SHA256(X-Timestamp followed by the raw body); it covers neither method nor path.',
      },
    },
  },
  basic: {
    sent: 'Authorization: Basic (any login, the token as password)',
    schemes: { basic: { type: 'http', scheme: 'basic', description: 'Plesk REST v2 clients: any login, the password is a hw_… token' } },
  },
  'plesk-xml': {
    sent: 'HTTP_AUTH_LOGIN (an admin login) + HTTP_AUTH_PASSWD (the token), or KEY: <token>',
    // Only the XML API's agent.php takes it, and that route is not in the JSON OpenAPI document.
    schemes: {},
  },
};

/** An Authorization header of a scheme no route takes (neither Bearer nor Basic). */
export type Carried = Credential | 'other-authorization';

const BEARER_SCHEME = /^bearer(?:\s|$)/i;
const BASIC_SCHEME = /^basic(?:\s|$)/i;

/**
 * The credentials a request carries, whatever its route accepts, in the order they are checked
 * (the signature last: checking it records it against replay). Presence only: an empty or
 * malformed one counts, and is then a wrong one. A few header reads, no allocation beyond the
 * answer: this runs on every authenticated request.
 */
export function carriedCredentials(headers: Record<string, string | string[] | undefined>): Carried[] {
  const carried: Carried[] = [];
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const value = Array.isArray(authorization) ? authorization[0] : authorization;
    carried.push(BEARER_SCHEME.test(value) ? 'bearer' : BASIC_SCHEME.test(value) ? 'basic' : 'other-authorization');
  }
  if (headers['x-api-key'] !== undefined) carried.push('api-key');
  if (headers['x-signature'] !== undefined) carried.push('signature');
  // The Plesk XML API's own headers (agent.php): HTTP_AUTH_PASSWD with HTTP_AUTH_LOGIN, or KEY.
  if (headers.http_auth_passwd !== undefined || headers.key !== undefined) carried.push('plesk-xml');
  return carried;
}

/** The 401 text when a request carries several credentials that are not all the same valid token. */
export const CONFLICTING_CREDENTIALS = 'The request carries several credentials: each must be valid and name the same token (send one)';

/** The 401 text for a route: it names exactly what that route accepts. */
export function unauthenticatedMessage(credentials: readonly Credential[]): string {
  const forms = credentials.map((c) => CREDENTIAL_FORMS[c].sent);
  const listed = forms.length > 1 ? `${forms.slice(0, -1).join(', ')}, or ${forms[forms.length - 1]}` : forms.join('');
  return `A valid API token is required: ${listed}`;
}
