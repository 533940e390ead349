import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { finalize, Observable } from 'rxjs';
import { principalOf } from '../../auth/principal';
import { httpRequestOf } from '../../platform/http/http-context';

/** Who caused an event: the token (and the dialect it spoke), or the panel itself (the reconciler). */
export interface EventActor {
  type: 'token' | 'system';
  token_id: number | null;
  token_name: string | null;
  dialect: string;
}

export interface EventContext {
  actor: EventActor;
  requestId: string | null;
  /** The calling token's pinned server (api_tokens.server_id): where its account creates go. Not part of any event. */
  pinnedServerId: number | null;
}

const storage = new AsyncLocalStorage<EventContext>();

const SYSTEM: EventContext = { actor: { type: 'system', token_id: null, token_name: null, dialect: 'system' }, requestId: null, pinnedServerId: null };

/** The context of the request being served, or the system's outside one. */
export function currentEventContext(): EventContext {
  return storage.getStore() ?? SYSTEM;
}

/** The dialect a request spoke: the token's own, else the one its route belongs to. */
function dialectOf(path: string, tokenDialect: string | null | undefined, controller: string): string {
  if (tokenDialect) return tokenDialect;
  if (controller === 'OpteriusController') return 'opterius';
  if (path.startsWith('/enterprise/control/')) return 'plesk-xml';
  if (path.startsWith('/api/v2/')) return 'plesk-rest';
  if (path.startsWith('/API/')) return 'plesk-reseller';
  if (path.startsWith('/api/') && !path.startsWith('/api/v1/')) return 'billing';
  return 'native';
}

/** Methods that record no event: they run outside the storage. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Handlers running inside the storage now; at 0 it is switched off. */
let inside = 0;

/**
 * Runs each handler that may write with its request's actor and id at hand, for the events its
 * writes record. Not global: on a route without interceptors Nest skips its rxjs path, so it is
 * put on each writing route, by RecordsEvents on its controller (a test fails for a writing route
 * without it). While an AsyncLocalStorage is on, Node 20 runs an async hook on every promise
 * of the process (≈5 µs and much garbage per read); so reads never enter it, and it is switched
 * off again whenever no writing handler is running. Work a handler leaves running after it has
 * answered records as the system.
 */
@Injectable()
export class EventContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = httpRequestOf<{ id?: string; url?: string; method?: string }>(context);
    if (READS.has(request.method ?? '')) return next.handle();
    const principal = principalOf(request);
    const path = (request.url ?? '').split('?')[0];
    const actor: EventActor = principal
      ? { type: 'token', token_id: principal.tokenId, token_name: principal.name, dialect: dialectOf(path, principal.dialect, context.getClass().name) }
      : { ...SYSTEM.actor, type: 'system' };
    inside += 1;
    return storage
      .run({ actor, requestId: request.id ?? null, pinnedServerId: principal?.serverId ?? null }, () => next.handle())
      .pipe(
        finalize(() => {
          inside -= 1;
          if (inside === 0) storage.disable();
        }),
      );
  }
}

const READ_ROUTES = new Set([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS]);

/**
 * On a controller class: each of its writing routes (not GET/HEAD/OPTIONS) runs with its request's
 * event context, outside any interceptor of its own, as a global interceptor would; its reads get
 * nothing, so they keep Nest's short path.
 */
export const RecordsEvents =
  (): ClassDecorator =>
  (target): void => {
    for (const name of Object.getOwnPropertyNames(target.prototype)) {
      const handler = Object.getOwnPropertyDescriptor(target.prototype, name)?.value as object | undefined;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined || READ_ROUTES.has(method)) continue;
      const own = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [EventContextInterceptor, ...own], handler);
    }
  };
