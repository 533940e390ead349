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
      signature: { type: 'apiKey', in: 'header', name: 'X-Signature', description: 'Signed requests: hex HMAC-SHA256(key = a can_sign token, X-Timestamp followed by the raw body)' },
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

/** The 401 text for a route: it names exactly what that route accepts. */
export function unauthenticatedMessage(credentials: readonly Credential[]): string {
  const forms = credentials.map((c) => CREDENTIAL_FORMS[c].sent);
  const listed = forms.length > 1 ? `${forms.slice(0, -1).join(', ')}, or ${forms[forms.length - 1]}` : forms.join('');
  return `A valid API token is required: ${listed}`;
}
