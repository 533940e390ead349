import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowToTheSecond } from '../../common/whole-seconds';
import { currentEventContext } from './event-context';
import { OutboxEvent } from './outbox-event.entity';
import { WebhookEventType } from './event-types';

export interface NewEvent {
  type: WebhookEventType | 'webhook.ping';
  /** `account:7`, `client:3`. */
  resourceKey: string;
  /** The resource as the native API shows it. */
  data: unknown;
  endpointId?: number | null;
}

/**
 * Writes events into the outbox with the caller's EntityManager, inside the caller's transaction:
 * the event commits or rolls back with the change it reports. After a commit the dispatcher is
 * woken at once (in this process); other processes find the row on their next poll.
 */
@Injectable()
export class Outbox {
  private readonly listeners = new Set<() => void>();

  async record(em: EntityManager, event: NewEvent): Promise<OutboxEvent> {
    const { actor, requestId } = currentEventContext();
    const now = new Date();
    const row = Object.assign(new OutboxEvent(), {
      eventId: `evt_${randomUUID().replaceAll('-', '')}`,
      type: event.type,
      resourceKey: event.resourceKey,
      payload: JSON.stringify({ type: event.type, timestamp: now.toISOString(), data: event.data, actor, request_id: requestId }),
      endpointId: event.endpointId ?? null,
      dispatched: false,
      createdAt: nowToTheSecond(),
    });
    await em.insert(OutboxEvent, row);
    return row;
  }

  /** Tells the dispatcher that events were committed (cheap; coalesced by the dispatcher). */
  committed(): void {
    for (const listener of this.listeners) listener();
  }

  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
