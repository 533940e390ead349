import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { DomainError } from '../../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SharedWindowCounts } from './shared-window-counts';

interface Tally {
  endsAt: number;
  failures: number;
  blockedUntil: number;
}

/** Addresses tracked at most; past it the oldest are forgotten first (memory stays bounded under a spread-out flood). */
const MAX_TRACKED = 100_000;

/**
 * Failed authentications per client address: at most HW_AUTH_FAILURE_LIMIT per
 * HW_AUTH_FAILURE_WINDOW seconds (a fixed window, IPv6 counted per /64 as the request throttler
 * does). Past it the address gets 429 for a window, answered before the auth guard looks at any
 * credential — a right token too, so a guess that happens to be right is not told apart from a
 * wrong one, and guessing costs no database lookup. The request budget (TokenThrottlerGuard)
 * counts per token after authentication, so it never saw a failed attempt.
 *
 * The address is the TCP peer: behind a reverse proxy every caller shares the proxy's address.
 * Counted in the process, like the request budget, and shared with the other panels on the same
 * database (SharedWindowCounts, bucket `auth:<address>`). Provided by AuthModule, whose guard uses it.
 */
@Injectable()
export class AuthFailureBudget implements OnModuleDestroy {
  private readonly tallies = new Map<string, Tally>();
  private readonly limit: number;
  private readonly windowMs: number;
  // unref: the sweep never holds a stopping process open.
  private readonly sweeper = setInterval(() => this.sweep(Date.now()), 60_000).unref();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly shared: SharedWindowCounts,
  ) {
    this.limit = config.authFailures.limit;
    this.windowMs = config.authFailures.windowSeconds * 1000;
  }

  /** Throws 429 rate_limited while `address` is over its budget. Free while no address has failed. */
  check(address: string | undefined, now = Date.now()): void {
    if (this.tallies.size === 0 && !this.shared.othersHave('auth')) return;
    const key = keyOf(address);
    const tally = this.tallies.get(key);
    if (tally && tally.blockedUntil > now) throw this.refusal(tally.blockedUntil - now);
    // Other panels' failures from this address count too (this panel may have seen none yet).
    if (this.limit > 0 && (tally?.failures ?? 0) + this.shared.othersHits(bucketOf(key)) >= this.limit) throw this.refusal(tally ? tally.endsAt - now : this.windowMs);
  }

  /** Counts one failed authentication from `address`. */
  fail(address: string | undefined, now = Date.now()): void {
    if (this.limit === 0) return;
    const key = keyOf(address);
    let tally = this.tallies.get(key);
    if (!tally || (tally.endsAt <= now && tally.blockedUntil <= now)) {
      if (!tally && this.tallies.size >= MAX_TRACKED) this.sweep(now);
      tally = { endsAt: now + this.windowMs, failures: 0, blockedUntil: 0 };
      this.tallies.delete(key); // re-inserted last: the map stays in order of age
      this.tallies.set(key, tally);
    }
    tally.failures += 1;
    this.shared.record(bucketOf(key), tally.endsAt, tally.failures);
    if (tally.failures + this.shared.othersHits(bucketOf(key)) >= this.limit) tally.blockedUntil = now + this.windowMs;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private refusal(remainingMs: number): DomainError {
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    const message = `Too many failed authentications from this address: at most ${this.limit} per ${this.windowMs / 1000} s; retry in ${seconds} s`;
    return new DomainError('rate_limited', message, { retryAfterSeconds: seconds, rateLimit: this.limit });
  }

  private sweep(now: number): void {
    for (const [key, tally] of this.tallies) if (tally.endsAt <= now && tally.blockedUntil <= now) this.tallies.delete(key);
    for (const key of this.tallies.keys()) {
      if (this.tallies.size < MAX_TRACKED) break;
      this.tallies.delete(key);
    }
  }
}

function bucketOf(key: string): string {
  return `auth:${key}`;
}

function keyOf(address: string | undefined): string {
  return address ? normalizeIp(address) : 'unknown';
}
