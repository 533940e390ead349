import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the Plesk dialects name that had no column: a package's guid (service plans are looked up
 * and switched by guid) and a client's description. Plain ALTER TABLE ADD COLUMN, which both
 * SQLite and MariaDB do in place: TypeORM's addColumn would rebuild SQLite's packages table, which
 * accounts reference.
 */
export class PleskGuids1732400063000 implements MigrationInterface {
  name = 'PleskGuids1732400063000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE packages ADD COLUMN guid varchar(36) NOT NULL DEFAULT ''");
    const rows = (await q.query('SELECT id FROM packages')) as { id: number }[];
    for (const row of rows) await q.query('UPDATE packages SET guid = ? WHERE id = ?', [randomUUID(), row.id]);
    await q.query('CREATE UNIQUE INDEX uq_packages_guid ON packages (guid)');
    await q.query('ALTER TABLE clients ADD COLUMN description varchar(255) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE clients DROP COLUMN description');
    await q.query(q.connection.options.type === 'better-sqlite3' ? 'DROP INDEX uq_packages_guid' : 'DROP INDEX uq_packages_guid ON packages');
    await q.query('ALTER TABLE packages DROP COLUMN guid');
  }
}
