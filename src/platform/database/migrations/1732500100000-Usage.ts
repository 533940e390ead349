import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * What the usage jobs measured, so reading usage is one cheap query:
 * - usage_disk: one row per account, the last disk measurement (bytes; databases null when not measured);
 * - usage_traffic: bytes sent per account per UTC month (`YYYY-MM`), added to by the traffic job;
 * - usage_log_cursors: per account, where the traffic job stopped reading the domain's access log
 *   (inode and offset), written in the same transaction as the bytes it counted.
 */
export class Usage1732500100000 implements MigrationInterface {
  name = 'Usage1732500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'usage_disk',
        columns: [
          { name: 'account_id', type: 'integer', isPrimary: true },
          col.bigint('home_bytes'),
          col.bigint('mail_bytes'),
          col.bigint('databases_bytes', true),
          col.bool('complete', true),
          col.date('measured_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'usage_traffic',
        columns: [
          { name: 'account_id', type: 'integer', isPrimary: true },
          { name: 'month', type: 'varchar', length: '7', isPrimary: true },
          col.bigint('bytes'),
          col.date('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'usage_log_cursors',
        columns: [
          { name: 'account_id', type: 'integer', isPrimary: true },
          col.string('domain', 253),
          col.string('log_inode', 20, true),
          col.bigint('log_offset'),
          col.date('read_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('usage_log_cursors');
    await q.dropTable('usage_traffic');
    await q.dropTable('usage_disk');
  }
}
