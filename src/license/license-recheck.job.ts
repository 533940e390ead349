import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { LeaseService } from '../platform/scheduling/lease.service';
import { LicenseService } from './license.service';

export const LICENSE_RECHECK_JOB = 'license.recheck';

/**
 * Every HW_LICENSE_CHECK_INTERVAL seconds: re-read the licence file, so a licence placed on disk is
 * picked up and a change of state is logged. Runs under a lease: never on two instances at once.
 * (Expiry itself needs no re-check: LicenseService compares expires_at with the clock on each write.)
 */
@Injectable()
export class LicenseRecheckJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('License');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly license: LicenseService,
    private readonly leases: LeaseService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => {
      this.run().catch((error) => this.logger.error(`licence re-check failed: ${String(error)}`));
    }, this.config.license.checkIntervalSeconds * 1000);
    this.registry.addInterval(LICENSE_RECHECK_JOB, timer);
  }

  /** One re-check; false when another instance was running it. */
  async run(): Promise<boolean> {
    const ttl = Math.max(30, this.config.license.checkIntervalSeconds);
    return (await this.leases.runExclusive(LICENSE_RECHECK_JOB, ttl, () => this.license.reload())).ran;
  }
}
