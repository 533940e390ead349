import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';
import { col } from '../columns';

/**
 * PowerDNS's generic-SQL (gmysql) schema, as in its schema.mysql.sql (4.7), so a PowerDNS server
 * pointed at the panel's database serves the zones the panel writes. Long VARCHAR(64000) columns
 * become TEXT (utf8mb4 rows cannot hold them); records.id is BIGINT on MariaDB.
 */
export class PowerDns1732400002000 implements MigrationInterface {
  name = 'PowerDns1732400002000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const nullable = (c: TableColumnOptions): TableColumnOptions => ({ ...c, isNullable: true });
    await q.createTable(
      new Table({
        name: 'domains',
        columns: [
          col.id(),
          col.string('name', 255),
          col.string('master', 128, true),
          col.int('last_check', true),
          col.string('type', 8),
          { name: 'notified_serial', type: 'integer', unsigned: !sqlite, isNullable: true },
          col.string('account', 40, true),
          col.text('options', true),
          col.string('catalog', 255, true),
        ],
        indices: [
          { name: 'name_index', columnNames: ['name'], isUnique: true },
          { name: 'catalog_idx', columnNames: ['catalog'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'records',
        columns: [
          { ...col.id(), type: sqlite ? 'integer' : 'bigint' },
          col.int('domain_id', true),
          col.string('name', 255, true),
          col.string('type', 10, true),
          col.text('content', true),
          col.int('ttl', true),
          col.int('prio', true),
          nullable(col.bool('disabled', false)),
          { ...col.string('ordername', 255, true), collation: sqlite ? undefined : 'utf8mb4_bin' },
          nullable(col.bool('auth', true)),
        ],
        indices: [
          { name: 'nametype_index', columnNames: ['name', 'type'] },
          { name: 'domain_id', columnNames: ['domain_id'] },
          { name: 'ordername', columnNames: ['ordername'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'supermasters',
        columns: [{ ...col.string('ip', 64), isPrimary: true }, { ...col.string('nameserver', 255), isPrimary: true }, col.string('account', 40)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'comments',
        columns: [
          col.id(),
          col.int('domain_id'),
          col.string('name', 255),
          col.string('type', 10),
          col.int('modified_at'),
          col.string('account', 40, true),
          col.text('comment'),
        ],
        indices: [
          { name: 'comments_name_type_idx', columnNames: ['name', 'type'] },
          { name: 'comments_order_idx', columnNames: ['domain_id', 'modified_at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'domainmetadata',
        columns: [col.id(), col.int('domain_id'), col.string('kind', 32, true), col.text('content', true)],
        indices: [{ name: 'domainmetadata_idx', columnNames: ['domain_id', 'kind'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'cryptokeys',
        columns: [
          col.id(),
          col.int('domain_id'),
          col.int('flags'),
          { ...col.bool('active'), default: undefined, isNullable: true },
          nullable(col.bool('published', true)),
          col.text('content', true),
        ],
        indices: [{ name: 'domainidindex', columnNames: ['domain_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'tsigkeys',
        columns: [col.id(), col.string('name', 255, true), col.string('algorithm', 50, true), col.string('secret', 255, true)],
        indices: [{ name: 'namealgoindex', columnNames: ['name', 'algorithm'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['tsigkeys', 'cryptokeys', 'domainmetadata', 'comments', 'supermasters', 'records', 'domains']) await q.dropTable(table);
  }
}
