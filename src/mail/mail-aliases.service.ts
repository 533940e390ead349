import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { AccountsService } from '../accounts/accounts.service';
import { DomainError } from '../common/errors/domain-error';
import { nowToTheSecond } from '../common/whole-seconds';
import { DatabaseService, isUniqueViolation } from '../platform/database/database.service';
import { MailAlias } from './mail-alias.entity';

export interface NewMailAlias {
  local_part: string;
  destinations: string[];
}

/**
 * Forwarders of an account's domain: rows Postfix's virtual_alias_maps queries, so a create or a
 * delete is effective on the next RCPT. The source is always the account's own domain (no relay for
 * anyone else's); a mailbox's address cannot also be a forwarder (the alias would hide the mailbox),
 * and a forwarder never lists itself. A suspended domain's forwarders temp-fail with its mailboxes
 * (the suspension check comes before any lookup). The package model has no forwarder limit.
 */
@Injectable()
export class MailAliasesService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly db: DatabaseService,
    @InjectRepository(MailAlias) private readonly aliases: Repository<MailAlias>,
  ) {}

  async list(accountId: number): Promise<MailAlias[]> {
    const account = await this.accounts.get(accountId);
    return this.aliases.find({ where: { accountId: account.id }, order: { localPart: 'ASC' } });
  }

  async get(accountId: number, localPart: string): Promise<{ account: Account; alias: MailAlias }> {
    const account = await this.accounts.get(accountId);
    const alias = await this.aliases.findOneBy({ accountId: account.id, localPart });
    // MariaDB's collation would also match another case or trailing spaces.
    if (alias?.localPart !== localPart) throw DomainError.notFound('Mail alias');
    return { account, alias };
  }

  async create(accountId: number, input: NewMailAlias): Promise<MailAlias> {
    const account = this.changeable(await this.accounts.get(accountId));
    const address = `${input.local_part}@${account.domain}`;
    const destinations = [...new Set(input.destinations.map((d) => d.toLowerCase()))];
    if (destinations.includes(address)) throw DomainError.field('destinations', `The forwarder ${address} cannot deliver to itself`);
    const now = nowToTheSecond();
    const row = Object.assign(new MailAlias(), {
      accountId: account.id,
      domain: account.domain,
      localPart: input.local_part,
      destinations: destinations.join(','),
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.db.transaction(async (em) => {
        const boxes: unknown[] = await em.query('SELECT id FROM mailboxes WHERE domain = ? AND local_part = ?', [account.domain, input.local_part]);
        if (boxes.length) throw DomainError.taken('local_part', `${address} is a mailbox; a forwarder cannot have its address`);
        await em.getRepository(MailAlias).insert(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.taken('local_part', `The forwarder ${address} already exists`);
      throw error;
    }
    return row;
  }

  async remove(accountId: number, localPart: string): Promise<void> {
    const { account, alias } = await this.get(accountId, localPart);
    this.changeable(account);
    await this.aliases.delete({ id: alias.id });
  }

  private changeable(account: Account): Account {
    if (account.status !== 'active' && account.status !== 'suspended') {
      throw DomainError.conflict(`The account is ${account.status}; its forwarders can be changed only when it is active or suspended`);
    }
    return account;
  }
}
