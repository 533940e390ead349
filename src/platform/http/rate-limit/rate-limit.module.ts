import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { WindowCounterStorage } from './window-counter.storage';

/** HW_RATE_LIMIT requests per HW_RATE_LIMIT_WINDOW seconds per token → 429 rate_limited with Retry-After (TokenThrottlerGuard). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', limit: config.rateLimit.limit, ttl: config.rateLimit.windowSeconds * 1000 }],
        storage: new WindowCounterStorage(),
      }),
    }),
  ],
})
export class RateLimitModule {}
