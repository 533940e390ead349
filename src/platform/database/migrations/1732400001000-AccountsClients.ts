import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

export class AccountsClients1732400001000 implements MigrationInterface {
  name = 'AccountsClients1732400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'clients',
        columns: [
          col.id(),
          col.string('guid', 36),
          col.string('name', 255),
          col.string('login', 64),
          col.string('email', 254),
          col.string('password_hash', 255),
          col.string('company', 255, true),
          col.string('status', 16),
          col.string('external_id', 255, true),
          col.date('created_at'),
        ],
        uniques: [
          { name: 'uq_clients_guid', columnNames: ['guid'] },
          { name: 'uq_clients_login', columnNames: ['login'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'accounts',
        columns: [
          col.id(),
          col.string('guid', 36),
          col.string('username', 32),
          col.string('domain', 253),
          col.string('email', 254),
          col.string('password_hash', 255),
          col.int('package_id'),
          col.int('client_id', true),
          col.string('status', 16),
          col.string('php_version', 8),
          col.int('disk_limit_mb', true),
          col.int('bandwidth_limit_mb', true),
          col.string('suspend_reason', 255, true),
          col.date('created_at'),
          col.date('updated_at'),
        ],
        uniques: [
          { name: 'uq_accounts_guid', columnNames: ['guid'] },
          { name: 'uq_accounts_username', columnNames: ['username'] },
          { name: 'uq_accounts_domain', columnNames: ['domain'] },
        ],
        indices: [
          { name: 'ix_accounts_status', columnNames: ['status'] },
          { name: 'ix_accounts_client', columnNames: ['client_id'] },
        ],
        foreignKeys: [
          { name: 'fk_accounts_package', columnNames: ['package_id'], referencedTableName: 'packages', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
          { name: 'fk_accounts_client', columnNames: ['client_id'], referencedTableName: 'clients', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('accounts');
    await q.dropTable('clients');
  }
}
