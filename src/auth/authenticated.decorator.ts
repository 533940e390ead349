import { applyDecorators, SetMetadata } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ApiSecurity } from '@nestjs/swagger';
import { Credential, CREDENTIAL_FORMS, NATIVE_CREDENTIALS, unauthenticatedMessage } from './credentials';
import { Scope } from './scopes';

export const ROUTE_AUTH = 'hw:route-auth';

/** What the guards check on one route, worked out once when the decorator runs, not per request. */
export interface RouteAuth {
  readonly isPublic: boolean;
  /** Tried in this order; the first that succeeds wins. */
  readonly credentials: readonly Credential[];
  readonly scopes: readonly Scope[];
  readonly unauthenticated: string;
}

export interface AuthOptions {
  scopes?: Scope[];
  /** Native credentials unless a dialect documents others. */
  credentials?: readonly Credential[];
}

/** A route that declares nothing: any native credential, no scope. */
export const DEFAULT_ROUTE_AUTH = routeAuth(false, NATIVE_CREDENTIALS, []);

/**
 * The route needs a token carried one of `credentials` ways, holding `scopes`; its OpenAPI
 * security says the same. On a controller it covers each route that has no declaration of its own.
 */
export function Authenticated(options: AuthOptions = {}): ClassDecorator & MethodDecorator {
  const credentials = options.credentials ?? NATIVE_CREDENTIALS;
  return declare(routeAuth(false, credentials, options.scopes ?? []));
}

/** The route needs no token (health, metrics); documented without security. */
export function PublicRoute(): ClassDecorator & MethodDecorator {
  return declare(routeAuth(true, [], []));
}

function routeAuth(isPublic: boolean, credentials: readonly Credential[], scopes: readonly Scope[]): RouteAuth {
  return { isPublic, credentials, scopes, unauthenticated: unauthenticatedMessage(credentials) };
}

/** One OpenAPI security requirement per credential: any one of them will do. */
function securityFor(credentials: readonly Credential[]): MethodDecorator[] {
  return credentials.map((c) => ApiSecurity(Object.fromEntries(Object.keys(CREDENTIAL_FORMS[c].schemes).map((scheme) => [scheme, []]))));
}

function declare(auth: RouteAuth): ClassDecorator & MethodDecorator {
  // Fresh ApiSecurity decorators per route: each one keeps (and grows) what it last wrote.
  const onRoute = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) =>
    applyDecorators(SetMetadata(ROUTE_AUTH, auth), ...securityFor(auth.credentials))(target, key, descriptor);
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) return onRoute(target, key, descriptor);
    // Stamped on the routes rather than the class: a route's own declaration then replaces the
    // controller's, where Swagger would add class and method security together.
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor') continue; // the class itself: it carries @Controller's path too
      const route = Object.getOwnPropertyDescriptor(prototype, name)!;
      if (typeof route.value !== 'function' || !Reflect.hasMetadata(PATH_METADATA, route.value) || Reflect.hasMetadata(ROUTE_AUTH, route.value)) continue;
      onRoute(prototype, name, route);
    }
  }) as ClassDecorator & MethodDecorator;
}
