import { sqlNow } from '../../platform/database/columns';
import { DatabaseService } from '../../platform/database/database.service';

/**
 * The account's row in `mail_domains`, which Postfix (virtual_mailbox_domains, the suspension
 * check) and Dovecot (passdb) query directly: a change is effective on the next lookup, with no
 * map file and no reload. The mailboxes themselves are the panel's rows; a removal takes them too.
 */
export class MailDomainStore {
  constructor(private readonly db: DatabaseService) {}

  async create(domain: string, account: string): Promise<void> {
    await this.db.transaction(async (em) => {
      const existing: { account: string }[] = await em.query('SELECT account FROM mail_domains WHERE domain = ?', [domain]);
      if (existing.length && existing[0].account !== account) throw new Error(`a mail domain ${domain} exists and is not this account's`);
      if (existing.length) await em.query('UPDATE mail_domains SET active = 1 WHERE domain = ?', [domain]);
      else await em.query('INSERT INTO mail_domains (domain, account, active, created_at) VALUES (?, ?, 1, ?)', [domain, account, sqlNow()]);
    });
  }

  async setActive(domain: string, active: boolean): Promise<void> {
    await this.db.transaction((em) => em.query('UPDATE mail_domains SET active = ? WHERE domain = ?', [active ? 1 : 0, domain]));
  }

  /** The domain and every mailbox and forwarder of it; absent is fine. */
  async remove(domain: string): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query('DELETE FROM mailboxes WHERE domain = ?', [domain]);
      await em.query('DELETE FROM mail_aliases WHERE domain = ?', [domain]);
      await em.query('DELETE FROM mail_domains WHERE domain = ?', [domain]);
    });
  }
}
