import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { reversedLabels } from '../../../agent-protocol/grammar/domains';
import { col } from '../columns';

/**
 * accounts.domain_rev: the domain's labels reversed with a trailing dot (`com.example.alice.`),
 * unique. The accounts service finds a new domain's parents and children on it with one indexed
 * query (src/accounts/domain-overlap.ts). Binary collation on MariaDB, so that a range of it is
 * exactly the strings with one prefix (SQLite compares bytes already). Existing rows are filled in.
 */
export class AccountDomainReversed1732400060000 implements MigrationInterface {
  name = 'AccountDomainReversed1732400060000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.driver.options.type === 'better-sqlite3';
    const binary = sqlite ? {} : { charset: 'ascii', collation: 'ascii_bin' };
    await q.addColumn('accounts', new TableColumn({ ...col.string('domain_rev', 254, true), ...binary }));
    const rows: { id: number; domain: string }[] = await q.query('SELECT id, domain FROM accounts');
    for (const row of rows) await q.query('UPDATE accounts SET domain_rev = ? WHERE id = ?', [reversedLabels(row.domain), row.id]);
    await q.changeColumn('accounts', 'domain_rev', new TableColumn({ ...col.string('domain_rev', 254), ...binary }));
    await q.createIndex('accounts', new TableIndex({ name: 'uq_accounts_domain_rev', columnNames: ['domain_rev'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('accounts', 'uq_accounts_domain_rev');
    await q.dropColumn('accounts', 'domain_rev');
  }
}
