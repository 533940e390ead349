import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../platform/observability/metrics.service';
import { AccountsRepository } from './accounts.repository';

/** `hostwright_accounts{state}`: the accounts table counted by status at each scrape. */
@Injectable()
export class AccountsMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly accounts: AccountsRepository,
  ) {}

  onModuleInit(): void {
    const accounts = this.accounts;
    this.metrics.gauge({
      name: 'hostwright_accounts',
      help: 'Hosting accounts by state',
      labelNames: ['state'] as const,
      async collect() {
        const counts = await accounts.countByStatus();
        this.reset();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }
}
