import { Module } from '@nestjs/common';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { ObservabilityModule } from '../platform/observability/observability.module';
import { DatabaseProvisioningService } from './database-provisioning.service';
import { AccountProvisioner, DatabaseProvisioner } from './provisioning.port';
import { DnsRecordsGateway } from './dns-records.gateway';
import { ProvisioningService } from './provisioning.service';
import { ProvisioningReconciler } from './reconciler.service';

/** The panel side of provisioning: plans built from accounts, sent to the agent (see AgentConnectionModule), the reconciler, and DNS record changes. */
@Module({
  imports: [AccountsRepositoryModule, ObservabilityModule],
  providers: [
    ProvisioningService,
    { provide: AccountProvisioner, useExisting: ProvisioningService },
    { provide: DatabaseProvisioner, useClass: DatabaseProvisioningService },
    ProvisioningReconciler,
    DnsRecordsGateway,
  ],
  exports: [AccountProvisioner, DatabaseProvisioner, ProvisioningService, ProvisioningReconciler, DnsRecordsGateway],
})
export class ProvisioningModule {}
