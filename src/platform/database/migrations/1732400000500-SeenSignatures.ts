import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

export class SeenSignatures1732400000500 implements MigrationInterface {
  name = 'SeenSignatures1732400000500';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'seen_signatures',
        columns: [{ ...col.string('signature', 64), isPrimary: true }, col.date('seen_at')],
        indices: [{ name: 'ix_seen_signatures_seen_at', columnNames: ['seen_at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('seen_signatures');
  }
}
