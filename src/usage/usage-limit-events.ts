import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { HostingPackage } from '../packages/package.entity';
import { UsageEventType } from '../webhooks/outbox/event-types';
import { Outbox } from '../webhooks/outbox/outbox.service';
import { monthOf, usageOf } from './usage.service';
import { LimitKind, UsageStore } from './usage.store';
import { AccountUsageView } from './usage.view';

const EVENTS: Record<LimitKind, { over: UsageEventType; within: UsageEventType }> = {
  disk: { over: 'usage.disk_over_limit', within: 'usage.disk_back_within_limit' },
  bandwidth: { over: 'usage.bandwidth_over_limit', within: 'usage.bandwidth_back_within_limit' },
};

/**
 * `usage.*_over_limit` and `usage.*_back_within_limit`: once per crossing. The stored flags
 * (usage_limit_flags) are brought to what the figures say inside the transaction that wrote the
 * figures, and each flip is recorded in the outbox there, so an event exists exactly when the
 * figures that caused it were kept.
 */
@Injectable()
export class UsageLimitEvents {
  constructor(
    private readonly store: UsageStore,
    private readonly outbox: Outbox,
  ) {}

  /** How many events it recorded (call `committed` after the transaction if any). */
  async settle(em: EntityManager, account: Account, pkg: HostingPackage | undefined, at: Date): Promise<number> {
    const month = monthOf(at);
    const disk = await this.store.disk(account.id, em);
    const traffic = await this.store.traffic(month, account.id, em);
    const usage = usageOf(account, pkg, disk.get(account.id), traffic.get(account.id), month);
    const over = { disk: usage.diskOverLimit, bandwidth: usage.bandwidthOverLimit };
    const flipped = await this.store.flipLimitFlags(em, account.id, over, at);
    for (const kind of flipped) {
      const type = over[kind] ? EVENTS[kind].over : EVENTS[kind].within;
      await this.outbox.record(em, { type, resourceKey: `account:${account.id}`, data: AccountUsageView.of(usage, at) });
    }
    return flipped.length;
  }

  committed(): void {
    this.outbox.committed();
  }
}
