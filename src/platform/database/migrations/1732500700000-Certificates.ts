import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * certificates: one row per account that asked for a certificate (issue #19): what is installed
 * (issuer, names, serial, validity), the last failure and when the renewal job tries next. Gone
 * with its account (ON DELETE CASCADE; the account's removal plan removes the files).
 */
export class Certificates1732500700000 implements MigrationInterface {
  name = 'Certificates1732500700000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'certificates',
        columns: [
          { name: 'account_id', type: 'integer', isPrimary: true },
          col.string('status', 16),
          col.bool('redirect_http'),
          col.bool('self_signed'),
          col.string('issuer', 255, true),
          col.text('names', true),
          col.string('serial', 128, true),
          col.date('not_before', true),
          col.date('not_after', true),
          col.string('last_error', 500, true),
          col.int('failures', false, 0),
          col.date('next_attempt_at', true),
          col.date('created_at'),
          col.date('updated_at'),
        ],
        indices: [{ name: 'ix_certificates_next_attempt', columnNames: ['next_attempt_at'] }],
        foreignKeys: [
          { name: 'fk_certificates_account', columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('certificates');
  }
}
