import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * Forwarders: an address of the account's domain delivered to one or more other addresses.
 * Postfix's virtual_alias_maps query answers `destinations` (comma-separated, as Postfix expects).
 */
export class MailAliases1732500900000 implements MigrationInterface {
  name = 'MailAliases1732500900000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'mail_aliases',
        columns: [
          col.id(),
          col.int('account_id'),
          col.string('domain', 253),
          col.string('local_part', 64),
          col.text('destinations'),
          col.date('created_at'),
          col.date('updated_at'),
        ],
        uniques: [{ name: 'uq_mail_aliases_address', columnNames: ['domain', 'local_part'] }],
        indices: [{ name: 'ix_mail_aliases_account', columnNames: ['account_id'] }],
        foreignKeys: [
          { name: 'fk_mail_aliases_account', columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('mail_aliases');
  }
}
