import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LicenseModule } from '../license/license.module';
import { OutboxModule } from '../webhooks/outbox/outbox.module';
import { Client } from './client.entity';
import { ClientsService } from './clients.service';

/** The clients table and its rules. The client routes are in AccountsModule: a client's status and deletion reach its accounts. */
@Module({
  imports: [TypeOrmModule.forFeature([Client]), LicenseModule, OutboxModule],
  providers: [ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
