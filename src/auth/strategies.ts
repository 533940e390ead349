import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractingStrategy, firstHeader, HeaderRequest } from './extracting-strategy';
import { Principal } from './principal';
import { TokensService } from './tokens.service';

/** RFC 6750: the scheme is case-insensitive; one token, no spaces inside. */
const BEARER_HEADER = /^bearer +([^\s]+) *$/i;

/** The token of `Authorization: Bearer <token>`, from that header only. */
export function bearerSecret(request: HeaderRequest): string | undefined {
  return BEARER_HEADER.exec(firstHeader(request, 'authorization') ?? '')?.[1];
}

/** The token of `x-api-key: <token>`. */
export function apiKeySecret(request: HeaderRequest): string | undefined {
  return firstHeader(request, 'x-api-key')?.trim() || undefined;
}

/**
 * Passport strategy for `Authorization: Bearer <token>`, from that header only. passport-http-bearer
 * also took `access_token` from the query string and the body: a token in a URL ends up in proxy
 * and access logs, and one in a body could authenticate a form post.
 */
class HeaderBearerStrategy extends ExtractingStrategy<string> {
  name = 'bearer';

  protected extract(request: HeaderRequest): string | undefined {
    return bearerSecret(request);
  }
}

/** Passport strategy for `x-api-key: <token>`. */
class HeaderApiKeyStrategy extends ExtractingStrategy<string> {
  name = 'api-key';

  protected extract(request: HeaderRequest): string | undefined {
    return apiKeySecret(request);
  }
}

@Injectable()
export class BearerStrategy extends PassportStrategy(HeaderBearerStrategy, 'bearer') {
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
