import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * rate_limit_counts: each panel's own hits per budget (a token's requests, an address's failed
 * authentications) in its current window, written every HW_RATE_LIMIT_SYNC_MS. One row per
 * (bucket, instance): a panel only ever writes its own rows, so on a Galera cluster two panels
 * never conflict at certification; each reads the others' sum.
 */
export class RateLimitCounts1732502400100 implements MigrationInterface {
  name = 'RateLimitCounts1732502400100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'rate_limit_counts',
        columns: [
          { name: 'bucket', type: 'varchar', length: '191', isPrimary: true },
          { name: 'instance_id', type: 'varchar', length: '128', isPrimary: true },
          col.bigint('window_ends_at'),
          col.int('hits'),
        ],
        indices: [{ name: 'IDX_rate_limit_counts_ends', columnNames: ['window_ends_at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rate_limit_counts');
  }
}
