import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LICENSE_SEATS } from '../platform/observability/license-seats';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { LicenseClock } from './license-clock';
import { LicenseRecheckJob } from './license-recheck.job';
import { LicenseController } from './license.controller';
import { LicenseGuard } from './license.guard';
import { LicenseService } from './license.service';

@Global()
@Module({
  imports: [SchedulingModule],
  controllers: [LicenseController],
  providers: [LicenseService, LicenseClock, LicenseRecheckJob, { provide: APP_GUARD, useClass: LicenseGuard }, { provide: LICENSE_SEATS, useExisting: LicenseService }],
  exports: [LicenseService, LICENSE_SEATS],
})
export class LicenseModule {}
