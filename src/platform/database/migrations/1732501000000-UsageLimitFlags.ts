import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * usage_limit_flags: per account, whether its disk and this month's bandwidth were last found over
 * their limits. The usage jobs flip a flag in the transaction of the figures that crossed it, with
 * its webhook event, so each crossing is reported once (not on every pass). No row: neither over.
 */
export class UsageLimitFlags1732501000000 implements MigrationInterface {
  name = 'UsageLimitFlags1732501000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'usage_limit_flags',
        columns: [{ name: 'account_id', type: 'integer', isPrimary: true }, col.bool('disk_over_limit'), col.bool('bandwidth_over_limit'), col.date('updated_at')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('usage_limit_flags');
  }
}
