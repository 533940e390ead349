import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/** Server pieces of a failed create that could not be removed at once; the reconciler retries them. */
export class ProvisioningCleanups1732400002500 implements MigrationInterface {
  name = 'ProvisioningCleanups1732400002500';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'provisioning_cleanups',
        columns: [col.id(), col.string('username', 32), col.string('domain', 253), col.string('email', 254), col.string('php_version', 8), col.date('created_at')],
        indices: [{ name: 'ix_provisioning_cleanups_username', columnNames: ['username'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('provisioning_cleanups');
  }
}
