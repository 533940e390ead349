import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * account_suspensions: the suspensions in force on an account, one row per type (billing, abuse,
 * admin, client) with its reason, when and who; the account is suspended while one remains.
 * Each account suspended under the single flag (status suspended, or an operation under way that
 * lands there) gets one row, typed from what its suspend_reason says: `client` for the client
 * lifecycle's reason, `billing` for the Opterius default and Plesk XML's status 32, else `admin`;
 * actor `migration` (an admin one carried over is lifted by a billing unsuspend too, as every
 * unsuspend lifted it before).
 */
export class AccountSuspensions1732500800000 implements MigrationInterface {
  name = 'AccountSuspensions1732500800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'account_suspensions',
        columns: [col.id(), col.int('account_id'), col.string('type', 16), col.string('reason', 255, true), col.string('actor', 100, true), col.date('created_at')],
        uniques: [{ name: 'uq_account_suspensions_type', columnNames: ['account_id', 'type'] }],
        foreignKeys: [
          { name: 'fk_account_suspensions_account', columnNames: ['account_id'], referencedTableName: 'accounts', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.query(
      `INSERT INTO account_suspensions (account_id, type, reason, actor, created_at)
       SELECT id,
              CASE WHEN suspend_reason = 'suspended with its client' THEN 'client'
                   WHEN suspend_reason = 'Suspended by billing system' OR suspend_reason LIKE 'Plesk status 32:%' THEN 'billing'
                   ELSE 'admin' END,
              suspend_reason, 'migration', updated_at
       FROM accounts WHERE status = 'suspended' OR target_status = 'suspended'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('account_suspensions');
  }
}
