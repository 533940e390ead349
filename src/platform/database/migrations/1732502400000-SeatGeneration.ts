import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * license_state.seat_generation: every account create bumps it in its transaction. A row lock
 * (SELECT … FOR UPDATE) orders creates on one MariaDB server only; on a Galera cluster each node
 * locks alone and certification compares only the rows written. Writing the one shared row makes
 * concurrent creates on different nodes conflict at commit, so one seat count is decided at a time.
 */
export class SeatGeneration1732502400000 implements MigrationInterface {
  name = 'SeatGeneration1732502400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE license_state ADD COLUMN seat_generation bigint NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('license_state', 'seat_generation');
  }
}
