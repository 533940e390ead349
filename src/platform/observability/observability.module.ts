import { BeforeApplicationShutdown, Logger, Module } from '@nestjs/common';
import { flushLogs } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class ObservabilityModule implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  beforeApplicationShutdown(signal?: string): void {
    if (!signal) return;
    this.logger.log(`${signal}: finishing requests in flight, then stopping`);
    flushLogs();
  }
}
