import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { principalOf } from '../auth/principal';
import { ApiError } from '../common/api-error';

/** Routes that monitors poll; never limited. */
const UNLIMITED_ROUTES = new Set(['/health', '/metrics']);

/**
 * One budget per API token across all routes (per client IP when there is no token).
 * Registered after the auth guards, so `request.user` is already set.
 */
@Injectable()
export class TokenThrottlerGuard extends ThrottlerGuard {
  protected async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ routeOptions?: { url?: string } }>();
    return UNLIMITED_ROUTES.has(request.routeOptions?.url ?? '');
  }

  protected async getTracker(request: Record<string, any>): Promise<string> {
    const principal = principalOf(request);
    return principal ? `token:${principal.tokenId}` : `ip:${request.ip}`;
  }

  protected generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = String(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
    throw new ApiError(429, 'rate_limited', `Too many requests: at most ${detail.limit} per ${detail.ttl / 1000} s for this token; retry in ${retryAfter} s`, undefined, {
      'Retry-After': retryAfter,
    });
  }
}
