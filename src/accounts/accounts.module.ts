import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PackagesModule } from '../packages/packages.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { Account } from './account.entity';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { ClientAccountsController } from './client-accounts.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Account]), PackagesModule, ClientsModule, ProvisioningModule, IdempotencyModule],
  controllers: [AccountsController, ClientAccountsController],
  providers: [AccountsService],
  exports: [AccountsService],
})
export class AccountsModule {}
