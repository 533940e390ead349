import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { AgentProvisioner } from './provisioning.service';
import { AccountProvisioner } from './provisioning.port';
import { ProvisioningReconciler } from './reconciler.service';

@Module({
  imports: [AgentModule],
  providers: [AgentProvisioner, { provide: AccountProvisioner, useExisting: AgentProvisioner }, ProvisioningReconciler],
  exports: [AccountProvisioner, AgentProvisioner, ProvisioningReconciler, AgentModule],
})
export class ProvisioningModule {}
