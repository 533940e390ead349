import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PackagesModule } from '../packages/packages.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { MailboxesController } from './mailboxes.controller';
import { MailboxesRepositoryModule } from './mailboxes-repository.module';
import { MailboxesService } from './mailboxes.service';

/** Mailboxes: the rows Postfix and Dovecot query (README "Mail"); the agent keeps the domains and maildirs. */
@Module({
  imports: [AccountsModule, PackagesModule, ProvisioningModule, MailboxesRepositoryModule],
  controllers: [MailboxesController],
  providers: [MailboxesService],
})
export class MailModule {}
