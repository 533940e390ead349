import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { DomainError } from '../common/errors/domain-error';
import { IS_PUBLIC } from '../common/public.decorator';
import { Principal, principalOf } from './principal';
import { REQUIRED_SCOPES } from './scopes.decorator';
import { grants } from './scopes';

/** Strategies tried in order; adapters (signed requests, Basic) append theirs. */
export const AUTH_STRATEGIES: string[] = ['bearer', 'api-key', 'signature'];

/** What passport gives a strategy for one attempt (passport-strategy's augmented methods). */
interface Attempt {
  authenticate(request: object, options: object): void;
  success(user: unknown): void;
  fail(): void;
  pass(): void;
  redirect(): void;
  error(error: unknown): void;
}

/**
 * The registered passport strategies tried in order, as `passport.authenticate([...])` does: the
 * first success wins, a failure moves on, an error ends it. Without passport's middleware and
 * @nestjs/passport's AuthGuard around it, which decorate every request and build a dozen
 * closures: that was ~20 µs of a read's ~135 µs of CPU, most of it garbage collection.
 */
function authenticate(request: object): Promise<Principal | null> {
  const strategies = AUTH_STRATEGIES.map(registered);
  return new Promise((resolve, reject) => {
    const attempt = (i: number): void => {
      if (i === strategies.length) return resolve(null);
      const strategy = Object.create(strategies[i]) as Attempt;
      strategy.success = (user) => resolve(user as Principal);
      strategy.fail = strategy.pass = strategy.redirect = () => attempt(i + 1);
      strategy.error = reject;
      strategy.authenticate(request, {});
    };
    attempt(0);
  });
}

function registered(name: string): Attempt {
  // passport has no public getter for a registered strategy; _strategy is what its authenticate() uses
  const strategy = (passport as unknown as { _strategy(name: string): Attempt | undefined })._strategy(name);
  if (!strategy) throw new Error(`authentication strategy ${name} is not registered`);
  return strategy;
}

@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<{ user?: Principal }>();
    const user = await authenticate(request).catch((error: unknown) => {
      if (error instanceof DomainError) throw error;
      return null;
    });
    if (!user) {
      throw new DomainError('unauthenticated', 'A valid API token is required: Authorization: Bearer <token>, x-api-key: <token>, or X-Timestamp + X-Signature');
    }
    request.user = user;
    return true;
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
    if (missing.length) throw new DomainError('forbidden', `This token lacks the scope ${missing.join(', ')}`);
    return true;
  }
}
