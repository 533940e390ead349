import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { PackagesModule } from '../packages/packages.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { HostingDatabase, HostingDatabaseGrant, HostingDatabaseUser } from './hosting-database.entity';
import { HostingDatabasesController } from './hosting-databases.controller';
import { HostingDatabasesService } from './hosting-databases.service';

@Module({
  imports: [TypeOrmModule.forFeature([HostingDatabase, HostingDatabaseUser, HostingDatabaseGrant]), AccountsModule, PackagesModule, ProvisioningModule],
  controllers: [HostingDatabasesController],
  providers: [HostingDatabasesService],
})
export class HostingDatabasesModule {}
