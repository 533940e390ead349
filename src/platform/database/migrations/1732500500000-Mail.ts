import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * The mail tables Postfix and Dovecot read themselves (SQL lookups, README "Mail"): no map file,
 * no reload, effective at once.
 * - mail_domains: one row per account domain, written by the agent; active = 0 while the account
 *   is suspended (Postfix answers 450, Dovecot refuses logins).
 * - mailboxes: written by the panel; password_hash is `{ARGON2ID}$argon2id$…`, which Dovecot
 *   verifies; maildir is the path under /var/mail/vdomains that Postfix's virtual delivery writes.
 */
export class Mail1732500500000 implements MigrationInterface {
  name = 'Mail1732500500000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'mail_domains',
        columns: [col.id(), col.string('domain', 253), col.string('account', 32), col.int('active', false, 1), col.date('created_at')],
        uniques: [{ name: 'uq_mail_domains_domain', columnNames: ['domain'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'mailboxes',
        columns: [
          col.id(),
          col.int('account_id'),
          col.string('domain', 253),
          col.string('local_part', 64),
          col.string('password_hash', 255),
          col.int('quota_mb'),
          col.string('maildir', 320),
          col.date('created_at'),
          col.date('updated_at'),
        ],
        uniques: [{ name: 'uq_mailboxes_address', columnNames: ['domain', 'local_part'] }],
        indices: [{ name: 'ix_mailboxes_account', columnNames: ['account_id'] }],
        foreignKeys: [{ name: 'fk_mailboxes_account', columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('mailboxes');
    await q.dropTable('mail_domains');
  }
}
