import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { LeaseService } from '../platform/scheduling/lease.service';
import { CertificatesService } from './certificates.service';

export const CERTIFICATE_RENEWAL_JOB = 'certificates.renewal';

/**
 * Every HW_CERTIFICATE_CHECK_INTERVAL seconds: issue what is due (30 days before expiry, a failure's
 * backoff, a certificate asked for at create). Under a lease: one instance renews at a time.
 */
@Injectable()
export class CertificateRenewalJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('Certificates');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly certificates: CertificatesService,
    private readonly leases: LeaseService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => {
      this.run().catch((error) => this.logger.error(`certificate renewal failed: ${String(error)}`));
    }, this.config.acme.checkIntervalSeconds * 1000);
    this.registry.addInterval(CERTIFICATE_RENEWAL_JOB, timer);
  }

  /** One pass; null when another instance was running it, else how many certificates were tried. */
  async run(): Promise<number | null> {
    const outcome = await this.leases.runExclusive(CERTIFICATE_RENEWAL_JOB, 300, (signal) => this.certificates.renewDue(signal));
    return outcome.ran ? outcome.result : null;
  }
}
