import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiError } from '../common/api-error';
import { IS_PUBLIC } from '../common/public.decorator';
import { principalOf } from './principal';
import { REQUIRED_SCOPES } from './scopes.decorator';
import { grants } from './scopes';

/** Strategies tried in order; adapters (signed requests, Basic) append theirs. */
export const AUTH_STRATEGIES: string[] = ['bearer', 'api-key', 'signature'];

@Injectable()
export class TokenAuthGuard extends AuthGuard(AUTH_STRATEGIES) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  handleRequest<T>(error: unknown, user: T): T {
    if (error instanceof ApiError) throw error;
    if (error || !user) {
      throw new ApiError(401, 'unauthenticated', 'A valid API token is required: Authorization: Bearer <token>, x-api-key: <token>, or X-Timestamp + X-Signature');
    }
    return user;
  }
}

@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
    if (!needed?.length) return true;
    const principal = principalOf(context.switchToHttp().getRequest());
    const held = principal?.scopes ?? [];
    const missing = needed.filter((scope) => !grants(held, scope));
    if (missing.length) throw new ApiError(403, 'forbidden', `This token lacks the scope ${missing.join(', ')}`);
    return true;
  }
}
