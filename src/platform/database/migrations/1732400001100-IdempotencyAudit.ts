import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

export class IdempotencyAudit1732400001100 implements MigrationInterface {
  name = 'IdempotencyAudit1732400001100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          col.id(),
          col.int('token_id'),
          col.string('key_hash', 64),
          col.string('fingerprint', 64),
          col.string('state', 16),
          col.int('response_status', true),
          col.text('response_body', true),
          col.date('created_at'),
        ],
        uniques: [{ name: 'uq_idempotency_token_key', columnNames: ['token_id', 'key_hash'] }],
        indices: [{ name: 'ix_idempotency_created', columnNames: ['created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          col.id(),
          col.int('token_id', true),
          col.string('token_name', 100, true),
          col.string('method', 10),
          col.string('route', 255),
          col.string('target', 64, true),
          col.int('status'),
          col.date('created_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_log');
    await q.dropTable('idempotency_keys');
  }
}
