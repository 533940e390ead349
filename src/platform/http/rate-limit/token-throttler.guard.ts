import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerModuleOptions, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { principalOf } from '../../../auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { WindowCounterStorage } from './window-counter.storage';
import { httpReplyOf, httpRequestOf } from '../http-context';

/** Routes that monitors poll; never limited. */
const UNLIMITED_ROUTES = new Set(['/health', '/metrics']);

/**
 * One budget per API token across all routes (per client IP when there is no token).
 * Runs after the auth guards (GLOBAL_GUARDS in app.module.ts), so `request.user` is already set.
 */
@Injectable()
export class TokenThrottlerGuard implements CanActivate {
  private readonly counter: WindowCounterStorage;
  private readonly name: string;
  private readonly limit: number;
  private readonly ttl: number;
  private readonly blockDuration: number;

  /** The one throttler's numbers and the storage, resolved once: a request only counts. */
  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage) {
    if (!(storage instanceof WindowCounterStorage)) throw new Error('TokenThrottlerGuard counts on the WindowCounterStorage (rate-limit.module.ts)');
    const throttler: ThrottlerOptions = (Array.isArray(options) ? options : options.throttlers)[0];
    this.counter = storage;
    this.name = throttler.name ?? 'default';
    this.limit = throttler.limit as number;
    this.ttl = throttler.ttl as number;
    this.blockDuration = (throttler.blockDuration as number | undefined) ?? this.ttl;
  }

  /**
   * @nestjs/throttler's own guard looks up six pieces of route metadata per throttler and awaits
   * each resolved value, on every request: 16 µs of a read's 136 µs of CPU; then its handleRequest
   * awaits the tracker and the storage and builds six header names. We configure one throttler
   * with plain numbers and no route sets its own (@Throttle/@SkipThrottle are not used), so the
   * request goes straight to the counting, synchronously.
   */
  canActivate(context: ExecutionContext): boolean {
    const request = httpRequestOf<{ routeOptions?: { url?: string }; ip?: string }>(context);
    if (UNLIMITED_ROUTES.has(request.routeOptions?.url ?? '')) return true;
    const { limit, ttl } = this;
    const principal = principalOf(request);
    const tracker = principal ? `token:${principal.tokenId}` : `ip:${request.ip}`;
    const hit = this.counter.hit(`${this.name}:${tracker}`, ttl, limit, this.blockDuration);
    const reply = httpReplyOf<FastifyReply>(context);
    if (hit.isBlocked) {
      // The 429 says the same as an answer let through: none left until the block ends (Reset = Retry-After).
      const retryAfter = Math.max(1, Math.ceil(hit.timeToBlockExpire));
      const per = tracker.startsWith('ip:') ? 'address' : 'token';
      throw new DomainError('rate_limited', `Too many requests: at most ${limit} per ${ttl / 1000} s for this ${per}; retry in ${retryAfter} s`, {
        retryAfterSeconds: retryAfter,
        rateLimit: limit,
      });
    }
    reply.header('X-RateLimit-Limit', limit);
    reply.header('X-RateLimit-Remaining', Math.max(0, limit - hit.totalHits));
    reply.header('X-RateLimit-Reset', hit.timeToExpire);
    return true;
  }
}
