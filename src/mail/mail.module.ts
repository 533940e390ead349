import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { PackagesModule } from '../packages/packages.module';
import { ProvisioningModule } from '../provisioning/provisioning.module';
import { MailAlias } from './mail-alias.entity';
import { MailAliasesController } from './mail-aliases.controller';
import { MailAliasesService } from './mail-aliases.service';
import { MailboxesController } from './mailboxes.controller';
import { MailboxesRepositoryModule } from './mailboxes-repository.module';
import { MailboxesService } from './mailboxes.service';

/** Mailboxes: the rows Postfix and Dovecot query (README "Mail"); the agent keeps the domains and maildirs. */
@Module({
  imports: [AccountsModule, PackagesModule, ProvisioningModule, MailboxesRepositoryModule, TypeOrmModule.forFeature([MailAlias])],
  controllers: [MailboxesController, MailAliasesController],
  providers: [MailboxesService, MailAliasesService],
})
export class MailModule {}
