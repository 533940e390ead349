import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * license_state: exactly one row (id 1), locked (SELECT … FOR UPDATE) by every account create so that
 * counting the seats and inserting the account are one decision.
 * scheduler_leases: one row per scheduled job that some instance holds (see src/scheduling).
 */
export class LicenseAndLeases1732400050000 implements MigrationInterface {
  name = 'LicenseAndLeases1732400050000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'license_state', columns: [{ name: 'id', type: 'integer', isPrimary: true }] }));
    await q.query('INSERT INTO license_state (id) VALUES (?)', [1]);
    await q.createTable(
      new Table({
        name: 'scheduler_leases',
        columns: [{ name: 'name', type: 'varchar', length: '100', isPrimary: true }, col.string('holder', 128), col.date('expires_at')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scheduler_leases');
    await q.dropTable('license_state');
  }
}
