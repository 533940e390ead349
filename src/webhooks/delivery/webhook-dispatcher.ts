import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { In } from 'typeorm';
import { SecretBox } from '../../auth/signing/secret-box';
import { isoUtc } from '../../common/dates';
import { nowToTheSecond } from '../../common/whole-seconds';
import { APP_CONFIG, AppConfig, WebhooksConfig } from '../../platform/config/app-config';
import { sqlDatetime } from '../../platform/database/columns';
import { DatabaseService } from '../../platform/database/database.service';
import { LeaseService } from '../../platform/scheduling/lease.service';
import { OutboxEvent } from '../outbox/outbox-event.entity';
import { Outbox } from '../outbox/outbox.service';
import { WebhookDelivery } from '../webhook-delivery.entity';
import { WebhookEndpoint } from '../webhook-endpoint.entity';
import { newDelivery } from '../webhooks.service';
import { freeLeaseOfDeadLocalHolder } from './dead-holder';
import { DestinationGuard, RefusedDestination } from './destination-guard';
import { retryDelay } from './retry-delay';
import { AttemptOutcome, WebhookSender } from './webhook-sender';

export const WEBHOOK_DISPATCH_JOB = 'webhooks.dispatch';
const LEASE_SECONDS = 60;
const FAN_OUT_BATCH = 200;
const DUE_BATCH = 32;
const PARALLEL_ATTEMPTS = 8;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Delivers the outbox, on the one instance that holds the `webhooks.dispatch` lease:
 * 1. fan-out: each undispatched event becomes one pending delivery per enabled endpoint that asked
 *    for its type (and existed before it), in the same transaction that marks the event dispatched;
 * 2. delivery: a pending delivery is attempted only when it is due and no older pending delivery of
 *    the same resource to the same endpoint remains (in order per resource); a 2xx delivers it,
 *    anything else (a redirect included: never followed) retries with exponential backoff and jitter.
 * All of it is in the database, so a restart carries on where the last process stopped; an attempt
 * whose outcome was not recorded is made again (receivers deduplicate by webhook-id).
 * An endpoint failing every attempt for HW_WEBHOOK_DISABLE_AFTER_DAYS is disabled, with the reason
 * (its pending deliveries wait for it to be enabled again); a delivery that old failing at an endpoint
 * that takes other events is given up, so it stops holding back the later events of its resource.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly settings: WebhooksConfig;
  private readonly guard: DestinationGuard;
  private readonly sender: WebhookSender;
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private again = false;
  private leaseUntil = 0;
  private renewAt = 0;
  private prunedAt = 0;
  private unsubscribe?: () => void;

  constructor(
    private readonly db: DatabaseService,
    private readonly leases: LeaseService,
    private readonly outbox: Outbox,
    private readonly box: SecretBox,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settings = config.webhooks;
    this.guard = new DestinationGuard(config.webhooks);
    this.sender = new WebhookSender(config.webhooks);
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.outbox.onCommitted(() => this.wake());
    this.scheduler.addInterval(
      WEBHOOK_DISPATCH_JOB,
      setInterval(() => this.wake(), this.settings.pollMs),
    );
    this.wake();
  }

  /** Stops at once, like a killed process would: attempts in flight are abandoned, not recorded. */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    if (this.scheduler.doesExist('interval', WEBHOOK_DISPATCH_JOB)) this.scheduler.deleteInterval(WEBHOOK_DISPATCH_JOB);
    this.stopping.abort();
    await this.running;
    if (this.leaseUntil > Date.now()) await this.leases.release(WEBHOOK_DISPATCH_JOB).catch(() => undefined);
  }

  /** Runs a pass now, or right after the one under way. */
  wake(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => this.logger.error(`dispatch failed: ${String(error)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.wake());
        }
      });
  }

  private async pass(): Promise<void> {
    if (!(await this.holdLease())) return;
    const fanned = await this.fanOut();
    const attempted = await this.deliverDue();
    if (fanned === FAN_OUT_BATCH || attempted > 0) this.again = true;
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) await this.prune();
  }

  /** Keeps the lease while this instance is the dispatcher; takes it when its holder let it expire. */
  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    if (now < this.renewAt) return true;
    let held = this.leaseUntil > now && (await this.leases.renew(WEBHOOK_DISPATCH_JOB, LEASE_SECONDS));
    if (!held) {
      await freeLeaseOfDeadLocalHolder(this.db, WEBHOOK_DISPATCH_JOB, this.leases.holder);
      held = await this.leases.acquire(WEBHOOK_DISPATCH_JOB, LEASE_SECONDS);
    }
    this.leaseUntil = held ? now + LEASE_SECONDS * 1000 : 0;
    this.renewAt = held ? now + (LEASE_SECONDS * 1000) / 3 : 0;
    return held;
  }

  private fanOut(): Promise<number> {
    return this.db.transaction(async (em) => {
      const events = await em.find(OutboxEvent, {
        where: { dispatched: false },
        order: { id: 'ASC' },
        take: FAN_OUT_BATCH,
        select: { id: true, type: true, resourceKey: true, endpointId: true },
      });
      if (!events.length) return 0;
      const endpoints = await em.find(WebhookEndpoint, { where: { enabled: true } });
      const rows: WebhookDelivery[] = [];
      for (const event of events) {
        for (const endpoint of endpoints) {
          const wanted = event.endpointId !== null ? event.endpointId === endpoint.id : endpoint.sinceEventId < event.id && endpoint.wants(event.type);
          if (wanted) rows.push(newDelivery(endpoint.id, event.id, event.resourceKey));
        }
      }
      for (let i = 0; i < rows.length; i += 100) await em.insert(WebhookDelivery, rows.slice(i, i + 100));
      await em.update(OutboxEvent, { id: In(events.map((e) => e.id)) }, { dispatched: true });
      return events.length;
    });
  }

  /** The heads of their (endpoint, resource) queues that are due; attempted, a few at a time. */
  private async deliverDue(): Promise<number> {
    const work = await this.db.transaction(async (em) => {
      const ids: { id: number | string }[] = await em.query(
        `SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'pending' AND e.enabled = 1 AND d.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.resource_key = d.resource_key
                           AND p.status = 'pending' AND (p.outbox_id < d.outbox_id OR (p.outbox_id = d.outbox_id AND p.id < d.id)))
         ORDER BY d.next_attempt_at, d.id LIMIT ${DUE_BATCH}`,
        [Date.now()],
      );
      if (!ids.length) return null;
      const deliveries = await em.find(WebhookDelivery, { where: { id: In(ids.map((row) => Number(row.id))) } });
      const events = await em.find(OutboxEvent, { where: { id: In([...new Set(deliveries.map((d) => d.outboxId))]) } });
      const endpoints = await em.find(WebhookEndpoint, { where: { id: In([...new Set(deliveries.map((d) => d.endpointId))]) } });
      return { deliveries, events: new Map(events.map((e) => [e.id, e])), endpoints: new Map(endpoints.map((e) => [e.id, e])) };
    });
    if (!work) return 0;
    const queue = [...work.deliveries];
    const worker = async (): Promise<void> => {
      for (let delivery = queue.shift(); delivery && !this.stopping.signal.aborted; delivery = queue.shift()) {
        const event = work.events.get(delivery.outboxId);
        const endpoint = work.endpoints.get(delivery.endpointId);
        if (event && endpoint?.enabled) await this.attempt(delivery, event, endpoint);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_ATTEMPTS, queue.length) }, worker));
    return work.deliveries.length;
  }

  private async attempt(delivery: WebhookDelivery, event: OutboxEvent, endpoint: WebhookEndpoint): Promise<void> {
    const outcome = await this.send(event, endpoint);
    if (outcome.aborted) return;
    try {
      await this.record(delivery, endpoint, outcome);
    } catch (error) {
      this.logger.error(`webhook ${endpoint.id}: could not record delivery ${delivery.id}: ${String(error)}`);
    }
  }

  /** Checks the destination again (names can change) and sends to the address checked. */
  private async send(event: OutboxEvent, endpoint: WebhookEndpoint): Promise<AttemptOutcome> {
    const refused = (error: string): AttemptOutcome => ({ status: null, error, latencyMs: 0, aborted: false });
    const secret = this.box.open(endpoint.secretSealed);
    if (!secret) return refused('the signing secret cannot be opened with this server key');
    try {
      const destination = await this.guard.check(endpoint.url);
      return await this.sender.send(destination, { eventId: event.eventId, payload: event.payload, secret }, this.stopping.signal);
    } catch (error) {
      if (error instanceof RefusedDestination) return refused(`destination refused: ${error.message}`);
      throw error;
    }
  }

  private async record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: AttemptOutcome): Promise<void> {
    const now = nowToTheSecond();
    const attempts = delivery.attempts + 1;
    const result = { attempts, responseStatus: outcome.status, latencyMs: outcome.latencyMs, lastAttemptAt: now };
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      await this.db.write((em) => em.update(WebhookDelivery, { id: delivery.id, status: 'pending' }, { ...result, status: 'delivered', lastError: null }));
      if (endpoint.failingSince) {
        endpoint.failingSince = null;
        await this.db.write((em) => em.update(WebhookEndpoint, { id: endpoint.id }, { failingSince: null }));
      }
      return;
    }
    const lastError = (outcome.error ?? `answered HTTP ${outcome.status}${outcome.status && outcome.status < 400 ? ' (redirects are not followed)' : ''}`).slice(0, 500);
    // Given up for its age only while the endpoint takes other events (no failing streak before this
    // attempt): this event is the one it refuses. An endpoint that refuses everything is disabled instead.
    const givenUp = !endpoint.failingSince && Date.now() - delivery.createdAt.getTime() >= this.settings.disableAfterMs;
    const next = givenUp ? {} : { nextAttemptAt: Date.now() + retryDelay(attempts, this.settings.retryBaseMs, this.settings.retryMaxMs) };
    await this.db.write((em) =>
      em.update(WebhookDelivery, { id: delivery.id, status: 'pending' }, { ...result, ...next, lastError, status: givenUp ? 'failed' : 'pending' }),
    );
    await this.noteFailure(endpoint, now, lastError);
  }

  /** Starts the endpoint's failing streak, or disables it when the streak has lasted long enough. */
  private async noteFailure(endpoint: WebhookEndpoint, now: Date, lastError: string): Promise<void> {
    if (!endpoint.failingSince) {
      endpoint.failingSince = now;
      await this.db.write((em) => em.update(WebhookEndpoint, { id: endpoint.id }, { failingSince: now }));
    }
    if (!endpoint.enabled || now.getTime() - endpoint.failingSince.getTime() < this.settings.disableAfterMs) return;
    const days = +(this.settings.disableAfterMs / 86_400_000).toPrecision(3);
    const disabledReason = `every delivery failed since ${isoUtc(endpoint.failingSince)} (more than ${days} days); last error: ${lastError}`.slice(0, 500);
    endpoint.enabled = false;
    await this.db.write((em) => em.update(WebhookEndpoint, { id: endpoint.id, enabled: true }, { enabled: false, disabledReason, updatedAt: now }));
    this.logger.warn(`webhook ${endpoint.id} disabled: ${disabledReason}`);
  }

  /** Events past the retention, once none of their deliveries is pending (their deliveries go with them). */
  private async prune(): Promise<void> {
    this.prunedAt = Date.now();
    const before = sqlDatetime(new Date(Date.now() - this.settings.retentionDays * 86_400_000));
    await this.db.write((em) =>
      em.query(
        `DELETE FROM outbox_events WHERE dispatched = 1 AND created_at < ?
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_id = outbox_events.id AND d.status = 'pending')`,
        [before],
      ),
    );
  }
}
