import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { DomainError } from '../common/errors/domain-error';
import { DEFAULT_ROUTE_AUTH, ROUTE_AUTH, RouteAuth } from './authenticated.decorator';
import { Credential } from './credentials';
import { Principal, principalOf } from './principal';
import { grants } from './scopes';

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
 * The route's passport strategies tried in order, as `passport.authenticate([...])` does: the
 * first success wins, a failure moves on, an error ends it. Without passport's middleware and
 * @nestjs/passport's AuthGuard around it, which decorate every request and build a dozen
 * closures: that was ~20 µs of a read's ~135 µs of CPU, most of it garbage collection.
 */
function authenticate(request: object, credentials: readonly Credential[]): Promise<Principal | null> {
  return new Promise((resolve, reject) => {
    const attempt = (i: number): void => {
      if (i === credentials.length) return resolve(null);
      const strategy = Object.create(registered(credentials[i])) as Attempt;
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

/** One metadata read per request: @Authenticated/@PublicRoute put the whole answer on the handler. */
function routeAuthOf(reflector: Reflector, context: ExecutionContext): RouteAuth {
  return reflector.get<RouteAuth | undefined>(ROUTE_AUTH, context.getHandler()) ?? DEFAULT_ROUTE_AUTH;
}

@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = routeAuthOf(this.reflector, context);
    if (route.isPublic) return true;
    const request = context.switchToHttp().getRequest<{ user?: Principal }>();
    const user = await authenticate(request, route.credentials).catch((error: unknown) => {
      if (error instanceof DomainError) throw error;
      return null;
    });
    if (!user) throw new DomainError('unauthenticated', route.unauthenticated);
    request.user = user;
    return true;
  }
}

@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = routeAuthOf(this.reflector, context).scopes;
    if (!needed.length) return true;
    const principal = principalOf(context.switchToHttp().getRequest());
    const held = principal?.scopes ?? [];
    const missing = needed.filter((scope) => !grants(held, scope));
    if (missing.length) throw new DomainError('forbidden', `This token lacks the scope ${missing.join(', ')}`);
    return true;
  }
}
