import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { LicenseClock } from './license-clock';
import { LicenseRecheckJob } from './license-recheck.job';
import { LicenseController } from './license.controller';
import { LicenseGuard } from './license.guard';
import { LicenseService } from './license.service';

@Global()
@Module({
  imports: [SchedulingModule],
  controllers: [LicenseController],
  providers: [LicenseService, LicenseClock, LicenseRecheckJob, { provide: APP_GUARD, useClass: LicenseGuard }],
  exports: [LicenseService],
})
export class LicenseModule {}
