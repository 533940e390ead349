import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { nowToTheSecond } from '../common/whole-seconds';
import { maildirOf } from '../agent-protocol/mail-paths';
import { Mailbox } from './mailbox.entity';

/** The one owner of the `mailboxes` table on the panel's side (the agent removes a domain's rows with the domain). */
@Injectable()
export class MailboxesRepository {
  constructor(@InjectRepository(Mailbox) private readonly mailboxes: Repository<Mailbox>) {}

  ofAccount(accountId: number): Promise<Mailbox[]> {
    return this.mailboxes.find({ where: { accountId }, order: { localPart: 'ASC' } });
  }

  async find(accountId: number, localPart: string): Promise<Mailbox | null> {
    const row = await this.mailboxes.findOneBy({ accountId, localPart });
    // MariaDB's collation would also match another case or trailing spaces.
    return row?.localPart === localPart ? row : null;
  }

  count(em: EntityManager, accountId: number): Promise<number> {
    return em.getRepository(Mailbox).countBy({ accountId });
  }

  /** A new row; the unique index (domain, local_part) refuses a second one. */
  async insert(em: EntityManager | null, accountId: number, domain: string, localPart: string, passwordHash: string, quotaMb: number): Promise<Mailbox> {
    const now = nowToTheSecond();
    const row = Object.assign(new Mailbox(), {
      accountId,
      domain,
      localPart,
      passwordHash,
      quotaMb,
      maildir: maildirOf(domain, localPart),
      createdAt: now,
      updatedAt: now,
    });
    await (em ? em.getRepository(Mailbox) : this.mailboxes).insert(row);
    return row;
  }

  async update(id: number, changes: Partial<Pick<Mailbox, 'passwordHash' | 'quotaMb'>>): Promise<void> {
    await this.mailboxes.update({ id }, { ...changes, updatedAt: nowToTheSecond() });
  }

  /** True when this call removed the row. */
  async delete(id: number): Promise<boolean> {
    return ((await this.mailboxes.delete({ id })).affected ?? 0) > 0;
  }
}
