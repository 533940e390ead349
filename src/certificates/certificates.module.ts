import { Module } from '@nestjs/common';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { SchedulingModule } from '../platform/scheduling/scheduling.module';
import { OutboxModule } from '../webhooks/outbox/outbox.module';
import { AccountCertificate } from './certificate.entity';
import { CertificateRenewalJob } from './certificate-renewal.job';
import { CertificatesController } from './certificates.controller';
import { CertificatesService } from './certificates.service';

/** Account certificates by ACME (issue, renew, remove); the agent does the work, this keeps the record and the schedule. */
@Module({
  imports: [TypeOrmModule.forFeature([AccountCertificate]), AccountsRepositoryModule, ProvisioningModule, SchedulingModule, OutboxModule],
  controllers: [CertificatesController],
  providers: [CertificatesService, CertificateRenewalJob],
  exports: [CertificatesService],
})
export class CertificatesModule {}
