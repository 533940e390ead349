import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal, principalOf } from './principal';
import { Scope } from './scopes';

export const REQUIRED_SCOPES = 'hw:scopes';
/** The scope a route needs; checked after the token is known. */
export const Scopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The calling token, as a handler parameter. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined => principalOf(ctx.switchToHttp().getRequest()),
);
