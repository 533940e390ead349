import { Module } from '@nestjs/common';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { ObservabilityModule } from '../platform/observability/observability.module';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { LicenseClock } from './license-clock';
import { LicenseRecheckJob } from './license-recheck.job';
import { LicenseController } from './license.controller';
import { LicenseMetrics } from './license.metrics';
import { LicenseService } from './license.service';

@Module({
  imports: [SchedulingModule, AccountsRepositoryModule, ObservabilityModule],
  controllers: [LicenseController],
  providers: [LicenseService, LicenseClock, LicenseRecheckJob, LicenseMetrics],
  exports: [LicenseService],
})
export class LicenseModule {}
