import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as BearerPassportStrategy } from 'passport-http-bearer';
import { Strategy as PassportBaseStrategy } from 'passport-strategy';
import { Principal } from './principal';
import { TokensService } from './tokens.service';

type Verify = (key: string, done: (error: unknown, user?: Principal | false) => void) => void;

/** Passport strategy for `x-api-key: <token>`. */
class HeaderApiKeyStrategy extends PassportBaseStrategy {
  name = 'api-key';

  constructor(private readonly verify: Verify) {
    super();
  }

  authenticate(request: { headers: Record<string, string | string[] | undefined> }): void {
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key) return this.fail(401);
    this.verify(key.trim(), (error, user) => {
      if (error) return this.error(error as Error);
      if (!user) return this.fail(401);
      this.success(user);
    });
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
