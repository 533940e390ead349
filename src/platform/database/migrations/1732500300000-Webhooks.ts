import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from '../columns';

/**
 * Webhooks (#22): the transactional outbox (`outbox_events`, written in the transaction of the
 * change it reports), the endpoints, and one delivery row per (event, endpoint) with its retry state.
 */
export class Webhooks1732500300000 implements MigrationInterface {
  name = 'Webhooks1732500300000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          col.id(),
          col.string('event_id', 40),
          col.string('type', 64),
          col.string('resource_key', 64),
          col.text('payload'),
          col.int('endpoint_id', true),
          col.bool('dispatched'),
          col.date('created_at'),
        ],
        uniques: [{ name: 'uq_outbox_events_event_id', columnNames: ['event_id'] }],
        indices: [
          { name: 'ix_outbox_events_dispatched', columnNames: ['dispatched', 'id'] },
          { name: 'ix_outbox_events_created_at', columnNames: ['created_at'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          col.id(),
          col.string('url', 2048),
          col.text('event_types'),
          col.text('secret_sealed'),
          col.string('description', 255, true),
          col.bool('enabled', true),
          col.string('disabled_reason', 500, true),
          col.bigint('since_event_id'),
          col.date('failing_since', true),
          col.date('created_at'),
          col.date('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          col.id(),
          col.int('endpoint_id'),
          col.int('outbox_id'),
          col.string('resource_key', 64),
          col.string('status', 16),
          col.int('attempts', false, 0),
          col.bigint('next_attempt_at'),
          col.int('response_status', true),
          col.int('latency_ms', true),
          col.string('last_error', 500, true),
          col.date('last_attempt_at', true),
          col.date('created_at'),
        ],
        foreignKeys: [
          {
            name: 'fk_webhook_deliveries_endpoint',
            columnNames: ['endpoint_id'],
            referencedTableName: 'webhook_endpoints',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          { name: 'fk_webhook_deliveries_outbox', columnNames: ['outbox_id'], referencedTableName: 'outbox_events', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
        indices: [
          { name: 'ix_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'ix_webhook_deliveries_order', columnNames: ['endpoint_id', 'resource_key', 'status', 'outbox_id'] },
          { name: 'ix_webhook_deliveries_outbox', columnNames: ['outbox_id'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_deliveries');
    await q.dropTable('webhook_endpoints');
    await q.dropTable('outbox_events');
  }
}
