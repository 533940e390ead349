import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LicenseModule } from '../license/license.module';
import { Client } from './client.entity';
import { ClientsService } from './clients.service';

/** The clients table and its rules. The client routes are in AccountsModule: a client's status and deletion reach its accounts. */
@Module({
  imports: [TypeOrmModule.forFeature([Client]), LicenseModule],
  providers: [ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
