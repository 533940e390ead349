import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { TokenThrottlerGuard } from './token-throttler.guard';
import { WindowCounterStorage } from './window-counter.storage';

/** HW_RATE_LIMIT requests per HW_RATE_LIMIT_WINDOW seconds per token → 429 rate_limited with Retry-After. Import after AuthModule. */
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
  providers: [{ provide: APP_GUARD, useClass: TokenThrottlerGuard }],
})
export class RateLimitModule {}
