import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from './bigint-as-number';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one endpoint: pending until a 2xx (delivered) or given up (failed), with its retry state. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'endpoint_id', type: 'integer' })
  endpointId: number;

  /** The outbox row (the event); its order is the order of delivery per resource. */
  @Column({ name: 'outbox_id', type: 'integer' })
  outboxId: number;

  @Column({ name: 'resource_key', type: 'varchar', length: 64 })
  resourceKey: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Epoch milliseconds of the dispatcher's clock (one instance holds the lease). */
  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  nextAttemptAt: number;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: 'last_attempt_at', type: 'datetime', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
