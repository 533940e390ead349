import { MigrationInterface, QueryRunner } from 'typeorm';

/** accounts.description: Plesk's webspace description (XML gen_setup/description), free text. Plain ADD COLUMN on both dialects (no table rebuild on SQLite). */
export class AccountDescription1732501100100 implements MigrationInterface {
  name = 'AccountDescription1732501100100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE accounts ADD COLUMN description varchar(255) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('accounts', 'description');
  }
}
