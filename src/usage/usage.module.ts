import { Module } from '@nestjs/common';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { PackagesModule } from '../packages/packages.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { OutboxModule } from '../webhooks/outbox/outbox.module';
import { UsageLimitEvents } from './usage-limit-events';
import { UsageController } from './usage.controller';
import { UsageJobs } from './usage.jobs';
import { UsageService } from './usage.service';
import { UsageStore } from './usage.store';

/** Usage for billing: the jobs that measure it (through the agent), the table of figures, and the routes that read it. */
@Module({
  imports: [AccountsRepositoryModule, PackagesModule, ProvisioningModule, SchedulingModule, OutboxModule],
  controllers: [UsageController],
  providers: [UsageService, UsageStore, UsageJobs, UsageLimitEvents],
  exports: [UsageService],
})
export class UsageModule {}
