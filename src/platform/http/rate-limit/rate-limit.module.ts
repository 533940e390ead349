import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SharedWindowCounts } from './shared-window-counts';
import { SharedWindowCountsModule } from './shared-window-counts.module';
import { WindowCounterStorage } from './window-counter.storage';

/**
 * HW_RATE_LIMIT requests per HW_RATE_LIMIT_WINDOW seconds per token → 429 rate_limited with
 * Retry-After (TokenThrottlerGuard); one budget across the panels sharing the database.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [SharedWindowCountsModule],
      inject: [APP_CONFIG, SharedWindowCounts],
      useFactory: (config: AppConfig, shared: SharedWindowCounts) => ({
        throttlers: [{ name: 'default', limit: config.rateLimit.limit, ttl: config.rateLimit.windowSeconds * 1000 }],
        storage: new WindowCounterStorage(shared),
      }),
    }),
  ],
})
export class RateLimitModule {}
