import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy } from 'passport-http';
import { Credential, NATIVE_CREDENTIALS } from '../../auth/credentials';
import { Principal } from '../../auth/principal';
import { TokensService } from '../../auth/tokens.service';

/**
 * `Authorization: Basic base64(login:password)` where the password is a Hostwright API token and
 * the login is ignored: most Plesk REST clients only know "login + password", and Hostwright
 * keeps no panel-admin password to check a login against.
 */
@Injectable()
export class BasicTokenStrategy extends PassportStrategy(BasicStrategy, 'basic') {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  async validate(_login: string, password: string): Promise<Principal | false> {
    return (await this.tokens.authenticate(password)) ?? false;
  }
}

/** Plesk REST v2 (/api/v2) documents Basic beside the native credentials; no other route accepts it. */
export const REST_V2_CREDENTIALS: readonly Credential[] = [...NATIVE_CREDENTIALS, 'basic'];
