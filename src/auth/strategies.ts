import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as BearerPassportStrategy } from 'passport-http-bearer';
import { ExtractingStrategy, firstHeader, HeaderRequest } from './extracting-strategy';
import { Principal } from './principal';
import { TokensService } from './tokens.service';

/** Passport strategy for `x-api-key: <token>`. */
class HeaderApiKeyStrategy extends ExtractingStrategy<string> {
  name = 'api-key';

  protected extract(request: HeaderRequest): string | undefined {
    return firstHeader(request, 'x-api-key')?.trim() || undefined;
  }
}

@Injectable()
export class BearerStrategy extends PassportStrategy(BearerPassportStrategy, 'bearer') {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    return (await this.tokens.authenticate(token)) ?? false;
  }
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderApiKeyStrategy, 'api-key') {
  constructor(private readonly tokens: TokensService) {
    super();
  }

  async validate(key: string): Promise<Principal | false> {
    return (await this.tokens.authenticate(key)) ?? false;
  }
}
