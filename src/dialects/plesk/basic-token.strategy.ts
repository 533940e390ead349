import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy } from 'passport-http';
import { AUTH_STRATEGIES } from '../../auth/auth.guards';
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

if (!AUTH_STRATEGIES.includes('basic')) AUTH_STRATEGIES.push('basic');
