import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../platform/observability/metrics.service';
import { LicenseService } from './license.service';

/** `hostwright_license_seats_used` and `_max`, read from the licence at each scrape. */
@Injectable()
export class LicenseMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly license: LicenseService,
  ) {}

  onModuleInit(): void {
    let pending: Promise<{ used: number; max: number | null }> | undefined;
    // Both gauges collect in one pass (concurrently): share that pass's read, never a stale one.
    const read = () => (pending ??= this.license.seats().finally(() => (pending = undefined)));
    this.metrics.gauge({
      name: 'hostwright_license_seats_used',
      help: 'Accounts counted against the licence',
      async collect() {
        this.set((await read()).used);
      },
    });
    this.metrics.gauge({
      name: 'hostwright_license_seats_max',
      help: 'Accounts the licence allows (-1: no limit)',
      async collect() {
        this.set((await read()).max ?? -1);
      },
    });
  }
}
