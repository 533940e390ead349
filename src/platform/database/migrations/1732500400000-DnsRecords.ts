import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record API (issue 19): which PowerDNS rows an account's create made (`records.hw_generated`;
 * PowerDNS names its columns in every query, so one more is invisible to it) and a package's
 * record limit (`packages.dns_records_limit`, 0 = unlimited). Every row before this one was made
 * by a create. Plain ALTER TABLE ADD COLUMN, in place on both databases.
 */
export class DnsRecords1732500400000 implements MigrationInterface {
  name = 'DnsRecords1732500400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE records ADD COLUMN hw_generated smallint NOT NULL DEFAULT 0');
    await q.query('UPDATE records SET hw_generated = 1');
    await q.query('ALTER TABLE packages ADD COLUMN dns_records_limit integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE packages DROP COLUMN dns_records_limit');
    await q.query('ALTER TABLE records DROP COLUMN hw_generated');
  }
}
