import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { col } from '../columns';

/**
 * accounts.external_id: the billing system's id for the service (WHMCS `serviceid`), unique so a
 * retried create finds the first account instead of making a second one.
 * api_tokens.dialect: the API dialect a token speaks where paths collide (`opterius`), null = native.
 */
export class ExternalIdsTokenDialect1732400061000 implements MigrationInterface {
  name = 'ExternalIdsTokenDialect1732400061000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('accounts', new TableColumn(col.string('external_id', 255, true)));
    await q.createIndex('accounts', new TableIndex({ name: 'uq_accounts_external_id', columnNames: ['external_id'], isUnique: true }));
    await q.addColumn('api_tokens', new TableColumn(col.string('dialect', 16, true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('api_tokens', 'dialect');
    await q.dropIndex('accounts', 'uq_accounts_external_id');
    await q.dropColumn('accounts', 'external_id');
  }
}
