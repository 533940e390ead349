import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One event, written in the transaction of the change it reports (so it exists exactly when the
 * change does). `payload` is the JSON body every delivery sends, byte for byte; `event_id` is its
 * `webhook-id`. The dispatcher fans an undispatched row out into deliveries, then marks it.
 */
@Entity('outbox_events')
export class OutboxEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'event_id', type: 'varchar', length: 40, unique: true })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  /** `account:7`: events of one resource reach each endpoint in order. */
  @Column({ name: 'resource_key', type: 'varchar', length: 64 })
  resourceKey: string;

  @Column({ type: 'text' })
  payload: string;

  /** Only this endpoint gets it (a ping); null: every endpoint that asked for the type. */
  @Column({ name: 'endpoint_id', type: 'integer', nullable: true })
  endpointId: number | null;

  @Column({ type: 'boolean', default: false })
  dispatched: boolean;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
