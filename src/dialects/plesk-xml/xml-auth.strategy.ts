import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractingStrategy, firstHeader, HeaderRequest } from '../../auth/extracting-strategy';
import { Principal } from '../../auth/principal';
import { TokensService } from '../../auth/tokens.service';

/** The administrator logins Plesk documents (Linux admin/root, Windows administrator). */
export const PLESK_ADMIN_LOGINS: ReadonlySet<string> = new Set(['admin', 'root', 'administrator']);

/** Null when the request carries login+password with a login that is not an admin's: refused without looking the token up. */
type XmlCredential = { token: string } | null;

/** Reads `KEY: <token>`, else `HTTP_AUTH_LOGIN` + `HTTP_AUTH_PASSWD` (Node lowercases header names). */
class PleskXmlHeadersStrategy extends ExtractingStrategy<XmlCredential> {
  name = 'plesk-xml';

  protected extract(request: HeaderRequest): XmlCredential | undefined {
    const key = firstHeader(request, 'key')?.trim();
    if (key) return { token: key };
    const password = firstHeader(request, 'http_auth_passwd');
    if (password === undefined) return undefined;
    const login = (firstHeader(request, 'http_auth_login') ?? '').trim().toLowerCase();
    return PLESK_ADMIN_LOGINS.has(login) ? { token: password.trim() } : null;
  }
}

/**
 * The Plesk XML API's credentials: a Hostwright token as the secret key (`KEY`) or as the admin's
 * password (`HTTP_AUTH_PASSWD`, with `HTTP_AUTH_LOGIN` one of the admin logins). Hostwright keeps no
 * panel password, so the token is the password. Only the agent.php route accepts these headers.
 */
@Injectable()
export class PleskXmlStrategy extends PassportStrategy(PleskXmlHeadersStrategy, 'plesk-xml') {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  async validate(credential: XmlCredential): Promise<Principal | false> {
    if (!credential?.token) return false;
    return (await this.tokens.authenticate(credential.token)) ?? false;
  }
}
