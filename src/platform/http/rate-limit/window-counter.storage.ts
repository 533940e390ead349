import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { SharedWindowCounts } from './shared-window-counts';

interface Window {
  endsAt: number;
  hits: number;
  blockedUntil: number;
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/**
 * A fixed-window counter per key: O(1) per request. The throttler's own storage keeps one
 * timestamp per hit and filters them all on every request, which under load cost more than the
 * rest of an authenticated read together. A fixed window may let up to twice the limit through
 * across a window boundary; that is the price of the constant cost. With several panels on one
 * database, `shared` adds the other panels' hits (see SharedWindowCounts for the bound).
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  // unref: the sweep never holds a stopping process open.
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  constructor(private readonly shared?: SharedWindowCounts) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    return this.hit(key, ttl, limit, blockDuration);
  }

  /** `increment` without the promise: TokenThrottlerGuard's synchronous count. */
  hit(key: string, ttl: number, limit: number, blockDuration: number): ThrottlerStorageRecord {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || (window.endsAt <= now && window.blockedUntil <= now)) {
      window = { endsAt: now + ttl, hits: 0, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    const others = this.shared?.othersHits(key) ?? 0;
    if (window.blockedUntil <= now) {
      window.hits += 1;
      this.shared?.record(key, window.endsAt, window.hits);
      if (window.hits + others > limit) window.blockedUntil = now + (blockDuration || ttl);
    }
    const isBlocked = window.blockedUntil > now;
    return {
      totalHits: window.hits + others,
      timeToExpire: seconds(window.endsAt - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(window.blockedUntil - now) : 0,
    };
  }

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(key);
  }
}
