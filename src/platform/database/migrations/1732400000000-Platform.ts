import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, sqlNow } from '../columns';

export class Platform1732400000000 implements MigrationInterface {
  name = 'Platform1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          col.id(),
          col.string('name', 100),
          col.string('prefix', 16),
          col.string('secret_hash', 64),
          col.text('secret_enc', true),
          col.string('scopes', 500),
          col.date('created_at'),
          col.date('last_used_at', true),
          col.date('expires_at', true),
          col.date('revoked_at', true),
        ],
        uniques: [{ name: 'uq_api_tokens_secret_hash', columnNames: ['secret_hash'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'packages',
        columns: [
          col.id(),
          col.string('name', 64),
          col.int('disk_quota_mb'),
          col.int('bandwidth_mb'),
          col.int('max_domains'),
          col.int('max_databases'),
          col.int('max_email_accounts'),
          col.string('php_version', 8),
          col.date('created_at'),
        ],
        uniques: [{ name: 'uq_packages_name', columnNames: ['name'] }],
      }),
    );
    await q.query(
      'INSERT INTO packages (id, name, disk_quota_mb, bandwidth_mb, max_domains, max_databases, max_email_accounts, php_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [1, 'default', 10240, 102400, 1, 5, 10, '8.2', sqlNow()],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('packages');
    await q.dropTable('api_tokens');
  }
}
