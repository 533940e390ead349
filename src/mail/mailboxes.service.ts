import { Injectable, Logger } from '@nestjs/common';
import { describeError } from '../agent-protocol/agent-errors';
import { DomainError } from '../common/errors/domain-error';
import { Account } from '../accounts/account.entity';
import { AccountsService } from '../accounts/accounts.service';
import { targetOf } from '../provisioning/provisioning.port';
import { PackagesService } from '../packages/packages.service';
import { DatabaseService, isUniqueViolation } from '../platform/database/database.service';
import { AccountProvisioner } from '../provisioning/provisioning.port';
import { mailboxPasswordHash } from './mail-passwords';
import { Mailbox } from './mailbox.entity';
import { MailboxesRepository } from './mailboxes.repository';
import { mailboxLimits } from './mailbox-limits';

export interface NewMailbox {
  local_part: string;
  password: string;
  quota_mb?: number;
}

export interface MailboxPatch {
  password?: string;
  quota_mb?: number;
}

/**
 * The mailboxes of an account's domain. The rows are what Postfix and Dovecot query, so a create,
 * a password change or a delete is effective on the next SMTP RCPT or IMAP login, without a reload.
 * The package's max_email_accounts bounds the count (0: unlimited), the account's disk quota each
 * quota; both are decided under a lock on the account row, so parallel creates cannot pass the count.
 */
@Injectable()
export class MailboxesService {
  private readonly logger = new Logger('Mailboxes');

  constructor(
    private readonly accounts: AccountsService,
    private readonly packages: PackagesService,
    private readonly mailboxes: MailboxesRepository,
    private readonly db: DatabaseService,
    private readonly provisioner: AccountProvisioner,
  ) {}

  async list(accountId: number): Promise<{ account: Account; mailboxes: Mailbox[] }> {
    const account = await this.accounts.get(accountId);
    return { account, mailboxes: await this.mailboxes.ofAccount(account.id) };
  }

  async get(accountId: number, localPart: string): Promise<{ account: Account; mailbox: Mailbox }> {
    const account = await this.accounts.get(accountId);
    const mailbox = await this.mailboxes.find(account.id, localPart);
    if (!mailbox) throw DomainError.notFound('Mailbox');
    return { account, mailbox };
  }

  async create(accountId: number, input: NewMailbox): Promise<{ account: Account; mailbox: Mailbox }> {
    const account = this.changeable(await this.accounts.get(accountId));
    const limits = mailboxLimits(account, await this.packages.get(account.packageId));
    const quota = input.quota_mb ?? limits.defaultQuotaMb;
    limits.assertQuota(quota);
    const hash = await mailboxPasswordHash(input.password);
    try {
      const mailbox = await this.db.transaction(async (em) => {
        // The account row locked (MariaDB; SQLite transactions are already serial): the count below holds until commit.
        const rows: { status: string }[] = await em.query(`SELECT status FROM accounts WHERE id = ?${this.db.isSqlite ? '' : ' FOR UPDATE'}`, [account.id]);
        if (!rows.length) throw DomainError.notFound('Account');
        this.changeable(Object.assign(new Account(), { status: rows[0].status }));
        limits.assertCount(await this.mailboxes.count(em, account.id));
        const aliases: unknown[] = await em.query('SELECT id FROM mail_aliases WHERE domain = ? AND local_part = ?', [account.domain, input.local_part]);
        if (aliases.length) throw DomainError.taken('local_part', `${input.local_part}@${account.domain} is a forwarder; a mailbox cannot have its address`);
        return this.mailboxes.insert(em, account.id, account.domain, input.local_part, hash, quota);
      });
      return { account, mailbox };
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.taken('local_part', `The mailbox ${input.local_part}@${account.domain} already exists`);
      throw error;
    }
  }

  async update(accountId: number, localPart: string, patch: MailboxPatch): Promise<{ account: Account; mailbox: Mailbox }> {
    const { account, mailbox } = await this.get(accountId, localPart);
    this.changeable(account);
    const changes: Partial<Pick<Mailbox, 'passwordHash' | 'quotaMb'>> = {};
    if (patch.quota_mb !== undefined) {
      mailboxLimits(account, await this.packages.get(account.packageId)).assertQuota(patch.quota_mb);
      changes.quotaMb = patch.quota_mb;
    }
    if (patch.password !== undefined) changes.passwordHash = await mailboxPasswordHash(patch.password);
    if (Object.keys(changes).length) await this.mailboxes.update(mailbox.id, changes);
    return { account, mailbox: (await this.mailboxes.find(account.id, localPart)) ?? Object.assign(mailbox, changes) };
  }

  /**
   * The row first (mail to it is refused and its logins with it at once), then its maildir through
   * the agent. When that fails the answer says so; the account's removal takes the directory later in any case.
   */
  async remove(accountId: number, localPart: string): Promise<void> {
    const { account, mailbox } = await this.get(accountId, localPart);
    this.changeable(account);
    if (!(await this.mailboxes.delete(mailbox.id))) throw DomainError.notFound('Mailbox');
    try {
      await this.provisioner.removeMailbox(targetOf(account), localPart);
    } catch (error) {
      this.logger.error(`mailbox ${localPart}@${account.domain}: removed, its maildir was not: ${describeError(error)}`);
      throw new DomainError(
        'provisioning_failed',
        `The mailbox ${localPart}@${account.domain} is removed, but its stored mail could not be deleted yet; deleting the account removes it`,
      );
    }
  }

  /** Mailboxes change while the account is active or suspended; during another operation 409. */
  private changeable(account: Account): Account {
    if (account.status !== 'active' && account.status !== 'suspended') {
      throw DomainError.conflict(`The account is ${account.status}; its mailboxes can be changed only when it is active or suspended`);
    }
    return account;
  }
}
