import { Module } from '@nestjs/common';
import { NoopProvisioner } from './noop-provisioner';
import { AccountProvisioner } from './provisioning.port';

@Module({
  providers: [{ provide: AccountProvisioner, useClass: NoopProvisioner }],
  exports: [AccountProvisioner],
})
export class ProvisioningModule {}
