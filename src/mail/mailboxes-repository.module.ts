import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Mailbox } from './mailbox.entity';
import { MailboxesRepository } from './mailboxes.repository';

/** The mailboxes table alone, for the accounts service (the primary mailbox) below the mail feature. */
@Module({
  imports: [TypeOrmModule.forFeature([Mailbox])],
  providers: [MailboxesRepository],
  exports: [MailboxesRepository],
})
export class MailboxesRepositoryModule {}
