import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PackagesModule } from '../packages/packages.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { DnsRecordsController } from './dns-records.controller';
import { DnsRecordsService } from './dns-records.service';

/** `/api/v1/accounts/{id}/dns/records`: the panel side of the record API (the agent writes the rows). */
@Module({
  imports: [AccountsModule, PackagesModule, ProvisioningModule],
  controllers: [DnsRecordsController],
  providers: [DnsRecordsService],
})
export class DnsRecordsModule {}
