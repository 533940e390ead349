import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { ClientsModule } from '../clients/clients.module';
import { MailboxesRepositoryModule } from '../mail/mailboxes-repository.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LicenseModule } from '../license/license.module';
import { PackagesModule } from '../packages/packages.module';
import { ObservabilityModule } from '../platform/observability/observability.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { ServersRepositoryModule } from '../servers/servers-repository.module';
import { AccountsController } from './accounts.controller';
import { AccountsMetrics } from './accounts.metrics';
import { AccountsRepositoryModule } from './accounts-repository.module';
import { AccountsService } from './accounts.service';
import { ClientAccountsController } from './client-accounts.controller';
import { ClientLifecycleService } from './client-lifecycle.service';
import { ClientsController } from './clients.controller';

@Module({
  imports: [
    AccountsRepositoryModule,
    MailboxesRepositoryModule,
    LicenseModule,
    PackagesModule,
    ClientsModule,
    ProvisioningModule,
    ServersRepositoryModule,
    IdempotencyModule,
    ObservabilityModule,
    CertificatesModule,
  ],
  controllers: [ClientsController, AccountsController, ClientAccountsController],
  providers: [AccountsService, ClientLifecycleService, AccountsMetrics],
  exports: [AccountsService, ClientLifecycleService],
})
export class AccountsModule {}
