import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SeatCounter } from '../license/seat-counter';
import { OutboxModule } from '../webhooks/outbox/outbox.module';
import { ServersRepositoryModule } from '../servers/servers-repository.module';
import { Account } from './account.entity';
import { AccountsRepository } from './accounts.repository';
import { AccountSuspension } from './suspensions/account-suspension.entity';
import { AccountSuspensionsRepository } from './suspensions/account-suspensions.repository';

/**
 * The accounts table (and its suspensions) and nothing above it, for the features below AccountsModule that need to
 * read it (licence seats, the reconciler, server stats) without depending on the accounts service.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Account, AccountSuspension]), OutboxModule, ServersRepositoryModule],
  providers: [
    AccountsRepository,
    AccountSuspensionsRepository,
    // Every account row takes a licence seat, whatever its status.
    { provide: SeatCounter, inject: [AccountsRepository], useFactory: (accounts: AccountsRepository): SeatCounter => ({ seatsUsed: (em) => accounts.countAll(em) }) },
  ],
  exports: [AccountsRepository, AccountSuspensionsRepository, SeatCounter],
})
export class AccountsRepositoryModule {}
