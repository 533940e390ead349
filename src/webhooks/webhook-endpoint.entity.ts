import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from './bigint-as-number';

/** A receiver: where events go, which ones, and the signing secret (sealed with the server key, shown once). */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** JSON array of event types, or `["*"]`. */
  @Column({ name: 'event_types', type: 'text' })
  eventTypes: string;

  /** `whsec_…`, sealed by SecretBox (AES-256-GCM). */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Why it is disabled: by the operator, or by the dispatcher after failing for days. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 500, nullable: true })
  disabledReason: string | null;

  /** The last outbox row when it was made: it gets the events after that one, not the past. */
  @Column({ name: 'since_event_id', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  sinceEventId: number;

  /** The first failed attempt since its last success; null while it succeeds. */
  @Column({ name: 'failing_since', type: 'datetime', nullable: true })
  failingSince: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;

  types(): string[] {
    return JSON.parse(this.eventTypes) as string[];
  }

  wants(type: string): boolean {
    const types = this.types();
    return types.includes('*') || types.includes(type);
  }
}
