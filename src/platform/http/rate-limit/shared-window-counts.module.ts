import { Module } from '@nestjs/common';
import { SharedWindowCounts } from './shared-window-counts';

/** One SharedWindowCounts per panel, for the request budget (RateLimitModule) and the auth-failure budget (AuthModule). */
@Module({
  providers: [SharedWindowCounts],
  exports: [SharedWindowCounts],
})
export class SharedWindowCountsModule {}
