import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { DELIVERY_STATUSES, DeliveryStatus, WebhookDelivery } from '../webhook-delivery.entity';
import { WebhookEndpoint } from '../webhook-endpoint.entity';

export class WebhookView {
  @ApiProperty({ example: 1 })
  id: number;
  @ApiProperty({ example: 'https://billing.example.com/hooks/hostwright' })
  url: string;
  @ApiProperty({ example: ['account.created', 'account.suspended'], type: [String] })
  event_types: string[];
  @ApiProperty({ example: 'WHMCS', nullable: true, type: String })
  description: string | null;
  @ApiProperty({ example: true })
  enabled: boolean;
  /** Why it is disabled (by the operator, or after failing continuously); null while enabled. */
  @ApiProperty({ example: null, nullable: true, type: String })
  disabled_reason: string | null;
  /** Every attempt has failed since then; null while it succeeds. */
  @ApiProperty({ example: null, nullable: true, type: String })
  failing_since: string | null;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  updated_at: string;

  static of(e: WebhookEndpoint): WebhookView {
    return {
      id: e.id,
      url: e.url,
      event_types: e.types(),
      description: e.description,
      enabled: Boolean(e.enabled),
      disabled_reason: e.disabledReason,
      failing_since: isoUtc(e.failingSince),
      created_at: isoUtc(e.createdAt)!,
      updated_at: isoUtc(e.updatedAt)!,
    };
  }
}

/** The create answer: the only time the signing secret is shown. */
export class CreatedWebhookView extends WebhookView {
  /** The Standard Webhooks signing secret (`whsec_<base64>`): keep it now, it is never shown again. */
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret: string;
}

export class DeliveryView {
  @ApiProperty({ example: 12 })
  id: number;
  /** The event's id, sent as `webhook-id` (the same on every retry and redelivery). */
  @ApiProperty({ example: 'evt_2f1c0c9e8b7a4d6f9e3b1a0c5d7e9f21' })
  event_id: string;
  @ApiProperty({ example: 'account.created' })
  event_type: string;
  @ApiProperty({ example: 'delivered', enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  @ApiProperty({ example: 1 })
  attempts: number;
  @ApiProperty({ example: 200, nullable: true, type: Number })
  response_status: number | null;
  @ApiProperty({ example: 42, nullable: true, type: Number })
  latency_ms: number | null;
  @ApiProperty({ example: null, nullable: true, type: String })
  last_error: string | null;
  @ApiProperty({ example: '2026-04-08T14:32:01Z', nullable: true, type: String })
  last_attempt_at: string | null;
  /** When the next attempt is due; null once delivered or given up. */
  @ApiProperty({ example: null, nullable: true, type: String })
  next_attempt_at: string | null;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;

  static of(d: WebhookDelivery, event: { eventId: string; type: string }): DeliveryView {
    return {
      id: d.id,
      event_id: event.eventId,
      event_type: event.type,
      status: d.status,
      attempts: d.attempts,
      response_status: d.responseStatus,
      latency_ms: d.latencyMs,
      last_error: d.lastError,
      last_attempt_at: isoUtc(d.lastAttemptAt),
      next_attempt_at: d.status === 'pending' ? isoUtc(new Date(Number(d.nextAttemptAt))) : null,
      created_at: isoUtc(d.createdAt)!,
    };
  }
}
