import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every lifecycle operation on an account is recorded on its row before it runs:
 * - op_seq: bumped by each operation; with the row id it makes the plan's generation (generationOf),
 *   which the agent uses to refuse an old plan replayed against a newer account of the same name;
 * - target_status: where the operation under way lands (the reconciler drives an interrupted one there);
 * - pending: an `updating` row's changes (JSON: the PHP move and the fields to write once it is done).
 * provisioning_cleanups.generation: the generation of the failed create whose pieces the note removes.
 * Plain ADD COLUMN on both dialects (no table rebuild on SQLite).
 */
export class AccountOperations1732400064000 implements MigrationInterface {
  name = 'AccountOperations1732400064000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE accounts ADD COLUMN op_seq integer NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE accounts ADD COLUMN target_status varchar(16) NULL');
    await q.query('ALTER TABLE accounts ADD COLUMN pending text NULL');
    await q.query('ALTER TABLE provisioning_cleanups ADD COLUMN generation bigint NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('provisioning_cleanups', 'generation');
    await q.dropColumn('accounts', 'pending');
    await q.dropColumn('accounts', 'target_status');
    await q.dropColumn('accounts', 'op_seq');
  }
}
