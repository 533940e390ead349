import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { DomainError } from '../common/errors/domain-error';
import { AuthFailureBudget } from '../platform/http/rate-limit/auth-failure-budget';
import { DEFAULT_ROUTE_AUTH, ROUTE_AUTH, RouteAuth } from './authenticated.decorator';
import { carriedCredentials, CONFLICTING_CREDENTIALS, Credential } from './credentials';
import { Principal, principalOf } from './principal';
import { grants } from './scopes';
import { apiKeySecret, bearerSecret } from './strategies';
import { TokensService } from './tokens.service';
import { httpRequestOf } from '../platform/http/http-context';

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
 * Runs one passport strategy on the request: its principal, or null when the credential is
 * missing or wrong; an error rejects. Without passport's middleware and @nestjs/passport's
 * AuthGuard around it, which decorate every request and build a dozen closures: that was
 * ~20 µs of a read's ~135 µs of CPU, most of it garbage collection.
 */
function attempt(request: object, credential: Credential): Promise<Principal | null> {
  return new Promise((resolve, reject) => {
    const strategy = Object.create(registered(credential)) as Attempt;
    strategy.success = (user) => resolve((user as Principal) || null);
    strategy.fail = strategy.pass = strategy.redirect = () => resolve(null);
    strategy.error = reject;
    strategy.authenticate(request, {});
  });
}

/**
 * Every credential the request carries is checked, not the first that succeeds: a wrong Bearer
 * beside a right x-api-key, or two valid tokens, would otherwise pass as whichever came first.
 * Each must be one the route accepts, valid, and the same token. The usual request carries one,
 * so this is one strategy run, as before (a second run of the same token is a cache hit).
 * Answers the principal, or the 401's message.
 */
async function authenticate(request: AuthRequest, route: RouteAuth): Promise<Principal | string> {
  const carried = carriedCredentials(request.headers);
  if (carried.length === 0) return route.unauthenticated;
  const refused = carried.length > 1 ? CONFLICTING_CREDENTIALS : route.unauthenticated;
  let principal: Principal | null = null;
  for (const credential of carried) {
    if (credential === 'other-authorization' || !route.credentials.includes(credential)) return route.unauthenticated;
    const user = await attempt(request, credential);
    if (!user || (principal && principal.tokenId !== user.tokenId)) return refused;
    principal = user;
  }
  return principal!;
}

/** The header token credentials, whose secret the token cache can decide alone. */
const TOKEN_SECRETS: Partial<Record<Credential, (request: AuthRequest) => string | undefined>> = { bearer: bearerSecret, 'api-key': apiKeySecret };

/**
 * The usual request, one Bearer or x-api-key token the cache knows as valid: its principal, without
 * passport or a promise. Anything else (several credentials, a signature, an unknown, refused or
 * expired token) is undefined and takes `authenticate`, which decides every case.
 */
function cachedPrincipal(request: AuthRequest, route: RouteAuth, tokens: TokensService): Principal | undefined {
  const carried = carriedCredentials(request.headers);
  if (carried.length !== 1 || carried[0] === 'other-authorization' || !route.credentials.includes(carried[0])) return undefined;
  const secret = TOKEN_SECRETS[carried[0]]?.(request);
  return (secret && tokens.authenticateCached(secret)) || undefined;
}

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  user?: Principal;
}

function registered(name: string): Attempt {
  // passport has no public getter for a registered strategy; _strategy is what its authenticate() uses
  const strategy = (passport as unknown as { _strategy(name: string): Attempt | undefined })._strategy(name);
  if (!strategy) throw new Error(`authentication strategy ${name} is not registered`);
  return strategy;
}

/** Per handler, read once: @Authenticated/@PublicRoute put the whole answer on it, and it never changes after start. */
const routeAuths = new WeakMap<object, RouteAuth>();

function routeAuthOf(reflector: Reflector, context: ExecutionContext): RouteAuth {
  const handler = context.getHandler();
  let route = routeAuths.get(handler);
  if (!route) routeAuths.set(handler, (route = reflector.get<RouteAuth | undefined>(ROUTE_AUTH, handler) ?? DEFAULT_ROUTE_AUTH));
  return route;
}

/**
 * Authenticates every non-public route. An address past its budget of failed authentications
 * is refused (429) before any credential is looked at; each 401 spends that budget.
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: AuthFailureBudget,
    private readonly tokens: TokensService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = routeAuthOf(this.reflector, context);
    if (route.isPublic) return true;
    const request = httpRequestOf<AuthRequest>(context);
    this.failures.check(request.ip);
    const known = cachedPrincipal(request, route, this.tokens);
    if (!known) return this.authenticated(request, route);
    request.user = known;
    return true;
  }

  private async authenticated(request: AuthRequest, route: RouteAuth): Promise<boolean> {
    const outcome = await authenticate(request, route).catch((error: unknown) => {
      if (error instanceof DomainError) throw error;
      return route.unauthenticated;
    });
    if (typeof outcome === 'string') {
      this.failures.fail(request.ip);
      throw new DomainError('unauthenticated', outcome);
    }
    request.user = outcome;
    return true;
  }
}

@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = routeAuthOf(this.reflector, context).scopes;
    if (!needed.length) return true;
    const principal = principalOf(httpRequestOf(context));
    const held = principal?.scopes ?? [];
    if (needed.every((scope) => grants(held, scope))) return true;
    const missing = needed.filter((scope) => !grants(held, scope));
    if (missing.length) throw new DomainError('forbidden', `This token lacks the scope ${missing.join(', ')}`);
    return true;
  }
}
