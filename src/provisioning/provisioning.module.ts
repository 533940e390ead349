import { Module } from '@nestjs/common';
import { AccountsRepositoryModule } from '../accounts/accounts-repository.module';
import { AuthModule } from '../auth/auth.module';
import { ObservabilityModule } from '../platform/observability/observability.module';
import { ServersRepositoryModule } from '../servers/servers-repository.module';
import { AgentClients } from './agent-clients';
import { DatabaseProvisioningService } from './database-provisioning.service';
import { AccountProvisioner, DatabaseProvisioner } from './provisioning.port';
import { DnsRecordsGateway } from './dns-records.gateway';
import { ProvisioningService } from './provisioning.service';
import { ProvisioningReconciler } from './reconciler.service';

/** The panel side of provisioning: plans built from accounts, sent to the agent (see AgentConnectionModule), the reconciler, and DNS record changes. */
@Module({
  imports: [AccountsRepositoryModule, ServersRepositoryModule, AuthModule, ObservabilityModule],
  providers: [
    AgentClients,
    ProvisioningService,
    { provide: AccountProvisioner, useExisting: ProvisioningService },
    { provide: DatabaseProvisioner, useClass: DatabaseProvisioningService },
    ProvisioningReconciler,
    DnsRecordsGateway,
  ],
  exports: [AgentClients, AccountProvisioner, DatabaseProvisioner, ProvisioningService, ProvisioningReconciler, DnsRecordsGateway],
})
export class ProvisioningModule {}
