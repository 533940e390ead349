import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { SecretBox } from '../auth/signing/secret-box';
import { DomainError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { nowToTheSecond } from '../common/whole-seconds';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { DatabaseService } from '../platform/database/database.service';
import { DestinationGuard, RefusedDestination } from './delivery/destination-guard';
import { CreateWebhookDto, DeliveryQuery, UpdateWebhookDto } from './dto/webhook.dto';
import { DeliveryView } from './dto/webhook.view';
import { OutboxEvent } from './outbox/outbox-event.entity';
import { Outbox } from './outbox/outbox.service';
import { PING_EVENT_TYPE } from './outbox/event-types';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { newWebhookSecret } from './webhook-secret';

/**
 * Webhook endpoints and their deliveries. The secret is made here, answered once and kept sealed;
 * a destination is checked (resolved, no internal address) when it is set, and again by the
 * dispatcher before every attempt.
 */
@Injectable()
export class WebhooksService {
  private readonly guard: DestinationGuard;

  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly db: DatabaseService,
    private readonly box: SecretBox,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.guard = new DestinationGuard(config.webhooks);
  }

  async create(input: CreateWebhookDto): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.checkUrl(input.url);
    const secret = newWebhookSecret();
    const now = nowToTheSecond();
    const endpoint = Object.assign(new WebhookEndpoint(), {
      url: input.url,
      eventTypes: JSON.stringify(normalizedTypes(input.event_types)),
      secretSealed: this.box.seal(secret),
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      disabledReason: input.enabled === false ? 'disabled by the operator' : null,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.db.transaction(async (em) => {
      endpoint.sinceEventId = await lastEventId(em);
      await em.insert(WebhookEndpoint, endpoint);
    });
    return { endpoint, secret };
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.endpoints.find({ order: { id: 'ASC' } });
  }

  async get(id: number): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findOneBy({ id });
    if (!endpoint) throw DomainError.notFound('Webhook');
    return endpoint;
  }

  async update(id: number, patch: UpdateWebhookDto): Promise<WebhookEndpoint> {
    const endpoint = await this.get(id);
    const changes: Partial<WebhookEndpoint> = {};
    if (patch.url !== undefined) {
      await this.checkUrl(patch.url);
      changes.url = patch.url;
    }
    if (patch.event_types !== undefined) changes.eventTypes = JSON.stringify(normalizedTypes(patch.event_types));
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.enabled === true && !endpoint.enabled) Object.assign(changes, { enabled: true, disabledReason: null, failingSince: null });
    if (patch.enabled === false && endpoint.enabled) Object.assign(changes, { enabled: false, disabledReason: 'disabled by the operator' });
    if (!Object.keys(changes).length) return endpoint;
    changes.updatedAt = nowToTheSecond();
    await this.db.write((em) => em.update(WebhookEndpoint, { id }, changes));
    if (changes.enabled) this.outbox.committed();
    return Object.assign(endpoint, changes);
  }

  async remove(id: number): Promise<void> {
    await this.get(id);
    await this.db.write((em) => em.delete(WebhookEndpoint, { id }));
  }

  /** The endpoint's deliveries, oldest first (keyset pages). */
  async listDeliveries(id: number, query: DeliveryQuery): Promise<Page<DeliveryView>> {
    await this.get(id);
    const qb = this.deliveries.createQueryBuilder('d').where('d.endpoint_id = :id', { id });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    const page = await paginate(qb, query, (d) => d);
    return { data: await this.views(page.data), meta: page.meta };
  }

  /** The same event (same webhook-id) once more, as a new delivery; it waits its turn behind nothing newer. */
  async redeliver(id: number, deliveryId: number): Promise<DeliveryView> {
    await this.get(id);
    const original = await this.deliveries.findOneBy({ id: deliveryId, endpointId: id });
    if (!original) throw DomainError.notFound('Delivery');
    const delivery = newDelivery(id, original.outboxId, original.resourceKey);
    await this.db.write((em) => em.insert(WebhookDelivery, delivery));
    this.outbox.committed();
    return (await this.views([delivery]))[0];
  }

  /** A `webhook.ping` event for this endpoint alone, delivered like any other. */
  async ping(id: number): Promise<DeliveryView> {
    const endpoint = await this.get(id);
    if (!endpoint.enabled) throw DomainError.conflict('The webhook is disabled; enable it first');
    const delivery = await this.db.transaction(async (em) => {
      const event = await this.outbox.record(em, { type: PING_EVENT_TYPE, resourceKey: `webhook:${id}`, data: { webhook_id: id, url: endpoint.url }, endpointId: id });
      await em.update(OutboxEvent, { id: event.id }, { dispatched: true });
      const row = newDelivery(id, event.id, event.resourceKey);
      await em.insert(WebhookDelivery, row);
      return row;
    });
    this.outbox.committed();
    return (await this.views([delivery]))[0];
  }

  private async views(rows: WebhookDelivery[]): Promise<DeliveryView[]> {
    if (!rows.length) return [];
    const events = await this.db.manager.find(OutboxEvent, {
      where: { id: In([...new Set(rows.map((r) => r.outboxId))]) },
      select: { id: true, eventId: true, type: true },
    });
    const byId = new Map(events.map((e) => [e.id, e]));
    return rows.map((row) => DeliveryView.of(row, byId.get(row.outboxId) ?? { eventId: '', type: '' }));
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.guard.check(url);
    } catch (error) {
      if (error instanceof RefusedDestination) throw DomainError.field('url', error.message);
      throw error;
    }
  }
}

/** `*` alone when it is asked for; otherwise each type once. */
function normalizedTypes(types: string[]): string[] {
  return types.includes('*') ? ['*'] : [...new Set(types)];
}

export function newDelivery(endpointId: number, outboxId: number, resourceKey: string): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    endpointId,
    outboxId,
    resourceKey,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: Date.now(),
    responseStatus: null,
    latencyMs: null,
    lastError: null,
    lastAttemptAt: null,
    createdAt: nowToTheSecond(),
  });
}

async function lastEventId(em: EntityManager): Promise<number> {
  const rows: { n: number | string | null }[] = await em.query('SELECT MAX(id) AS n FROM outbox_events');
  return Number(rows[0]?.n ?? 0);
}
