import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../columns';

/**
 * clients.email becomes nullable: a Plesk customer's email is optional (XML `customer add` without
 * one). MariaDB changes the column in place; SQLite cannot drop NOT NULL, so TypeORM rebuilds the
 * table (as AccountDomainReversed did for accounts), with foreign keys off for the migration run,
 * so the accounts that reference clients keep their rows. Emails were never unique: nothing to relax.
 */
export class ClientEmailOptional1732501100000 implements MigrationInterface {
  name = 'ClientEmailOptional1732501100000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'better-sqlite3') await q.changeColumn('clients', 'email', new TableColumn(col.string('email', 254, true)));
    else await q.query('ALTER TABLE clients MODIFY email varchar(254) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE clients SET email = '' WHERE email IS NULL");
    if (q.connection.driver.options.type === 'better-sqlite3') await q.changeColumn('clients', 'email', new TableColumn(col.string('email', 254)));
    else await q.query('ALTER TABLE clients MODIFY email varchar(254) NOT NULL');
  }
}
