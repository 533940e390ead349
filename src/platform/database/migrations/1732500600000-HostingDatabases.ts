import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * The accounts' hosting databases and database users (the MariaDB server HW_HOSTING_DB_URL holds
 * them), and which user may use which database. No password or hash is kept: only the server has it.
 * Rows go with their account (ON DELETE CASCADE), once the agent has dropped them on the server.
 */
export class HostingDatabases1732500600000 implements MigrationInterface {
  name = 'HostingDatabases1732500600000';

  async up(q: QueryRunner): Promise<void> {
    const owner = (table: string) => ({
      name: `fk_${table}_account`,
      columnNames: ['account_id'],
      referencedTableName: 'accounts',
      referencedColumnNames: ['id'],
      onDelete: 'CASCADE',
    });
    for (const [table, length] of [
      ['hosting_databases', 64],
      ['hosting_database_users', 80],
    ] as const) {
      await q.createTable(
        new Table({
          name: table,
          columns: [col.id(), col.int('account_id'), col.string('name', length), col.date('created_at')],
          uniques: [{ name: `uq_${table}_name`, columnNames: ['name'] }],
          indices: [{ name: `ix_${table}_account`, columnNames: ['account_id'] }],
          foreignKeys: [owner(table)],
        }),
      );
    }
    await q.createTable(
      new Table({
        name: 'hosting_database_grants',
        columns: [
          { ...col.int('user_id'), isPrimary: true },
          { ...col.int('database_id'), isPrimary: true },
        ],
        indices: [{ name: 'ix_hosting_database_grants_database', columnNames: ['database_id'] }],
        foreignKeys: [
          {
            name: 'fk_hosting_database_grants_user',
            columnNames: ['user_id'],
            referencedTableName: 'hosting_database_users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            name: 'fk_hosting_database_grants_database',
            columnNames: ['database_id'],
            referencedTableName: 'hosting_databases',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('hosting_database_grants');
    await q.dropTable('hosting_database_users');
    await q.dropTable('hosting_databases');
  }
}
