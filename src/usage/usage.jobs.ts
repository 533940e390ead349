import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Account } from '../accounts/account.entity';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AgentClient } from '../agent-protocol/agent-client';
import { AgentClients } from '../provisioning/agent-clients';
import { AgentUnreachableError, describeError } from '../agent-protocol/agent-errors';
import { TrafficRead, USAGE_BATCH } from '../agent-protocol/usage';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { DatabaseService } from '../platform/database/database.service';
import { LeaseService } from '../platform/scheduling/lease.service';
import { HostingPackage } from '../packages/package.entity';
import { PackagesService } from '../packages/packages.service';
import { CursorMovedError, StoredCursor, UsageStore } from './usage.store';
import { UsageLimitEvents } from './usage-limit-events';
import { limitsOf } from './usage-limits';
import { UsageService } from './usage.service';

export const DISK_JOB = 'usage.disk';
export const TRAFFIC_JOB = 'usage.traffic';

/** Reads of one domain's log per pass at most (16 MiB each): a backlog is caught up over the next passes. */
const MAX_READS_PER_DOMAIN = 64;

/**
 * The two usage jobs, each under its scheduler lease so one instance runs it: the disk job asks the
 * agent what every account occupies and stores it; the traffic job asks the agent for the access
 * log lines since each account's cursor and adds their bytes to the account's month, moving the
 * cursor in the same transaction. Passes of one job on one instance run one after the other.
 * Each figure's transaction also flips the account's over-limit flags and records their events
 * (UsageLimitEvents); a traffic pass ends by settling the accounts whose flags the figures no
 * longer match without new figures (a new month, a changed limit).
 */
@Injectable()
export class UsageJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Usage');
  private readonly queue = new Map<string, Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly packages: PackagesService,
    private readonly store: UsageStore,
    private readonly usage: UsageService,
    private readonly limits: UsageLimitEvents,
    private readonly agents: AgentClients,
    private readonly leases: LeaseService,
    private readonly db: DatabaseService,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { diskIntervalSeconds: disk, trafficIntervalSeconds: traffic } = this.config.usage;
    if (disk > 0) {
      this.registry.addInterval(
        DISK_JOB,
        setInterval(() => void this.measureDisk().catch((e) => this.failed(DISK_JOB, e)), disk * 1000),
      );
    }
    if (traffic > 0) {
      this.registry.addInterval(
        TRAFFIC_JOB,
        setInterval(() => void this.countTraffic().catch((e) => this.failed(TRAFFIC_JOB, e)), traffic * 1000),
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const name of [DISK_JOB, TRAFFIC_JOB]) if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    await Promise.allSettled([...this.queue.values()]);
  }

  /** One disk pass (after the one under way on this instance); false when another instance holds the lease. */
  measureDisk(): Promise<boolean> {
    return this.inTurn(DISK_JOB, () => this.exclusive(DISK_JOB, this.config.usage.diskIntervalSeconds, () => this.diskPass()));
  }

  /** One traffic pass; false when another instance holds the lease. */
  countTraffic(): Promise<boolean> {
    return this.inTurn(TRAFFIC_JOB, () => this.exclusive(TRAFFIC_JOB, this.config.usage.trafficIntervalSeconds, () => this.trafficPass()));
  }

  private async exclusive(name: string, interval: number, pass: (signal: AbortSignal) => Promise<void>): Promise<boolean> {
    return (await this.leases.runExclusive(name, Math.max(60, interval), pass)).ran;
  }

  private async diskPass(signal?: AbortSignal): Promise<void> {
    await this.store.forgetDeleted();
    const [accounts, packages] = await Promise.all([this.accounts.all(), this.packages.list()]);
    const byId = new Map(packages.map((p) => [p.id, p]));
    await this.eachServer(measurable(accounts), (agent, onServer) => this.diskOn(agent, onServer, byId, signal));
  }

  private async diskOn(agent: AgentClient, accounts: Account[], byId: Map<number, HostingPackage>, signal?: AbortSignal): Promise<void> {
    for (const batch of chunks(accounts, USAGE_BATCH)) {
      if (this.stopped || signal?.aborted) return;
      const queries = batch.map((a) => ({ username: a.username, domain: a.domain, disk_limit_mb: limitsOf(a, byId.get(a.packageId)).diskLimitMb }));
      const results = await agent.measureDisk(queries);
      const byName = new Map(batch.map((a) => [a.username, a]));
      for (const m of results) {
        const account = byName.get(m.username);
        if (!account) continue;
        let events = 0;
        await this.store.saveDisk(account.id, m, async (em) => (events = await this.limits.settle(em, account, byId.get(account.packageId), new Date())));
        if (events > 0) this.limits.committed();
      }
    }
  }

  /** Each server's accounts through its own agent; one whose agent does not answer is logged and skipped, the others go on. */
  private async eachServer(accounts: Account[], work: (agent: AgentClient, onServer: Account[]) => Promise<void>): Promise<void> {
    const groups = new Map<number, Account[]>();
    for (const a of accounts) groups.set(a.serverId, [...(groups.get(a.serverId) ?? []), a]);
    for (const [serverId, onServer] of groups) {
      if (this.stopped) return;
      try {
        await work((await this.agents.forServer(serverId)).agent, onServer);
      } catch (error) {
        // Only an agent that does not answer is skipped; anything else (the database) fails the pass as before.
        if (!(error instanceof AgentUnreachableError)) throw error;
        this.logger.warn(`usage on server ${serverId} skipped this pass: ${describeError(error)}`);
      }
    }
  }

  private async trafficPass(signal?: AbortSignal): Promise<void> {
    await this.store.forgetDeleted();
    const [accounts, cursors, packages] = await Promise.all([this.accounts.all(), this.store.cursors(), this.packages.list()]);
    const byId = new Map(packages.map((p) => [p.id, p]));
    await this.eachServer(measurable(accounts), (agent, onServer) => this.trafficOn(agent, onServer, cursors, byId, signal));
    if (!this.stopped && !signal?.aborted) await this.settleStale(byId);
  }

  private async trafficOn(
    agent: AgentClient,
    accounts: Account[],
    cursors: Map<number, StoredCursor>,
    byId: Map<number, HostingPackage>,
    signal?: AbortSignal,
  ): Promise<void> {
    let pending = accounts.map((a) => ({ account: a, cursor: cursors.get(a.id) ?? null }));
    for (let round = 0; round < MAX_READS_PER_DOMAIN && pending.length > 0; round++) {
      const again: typeof pending = [];
      for (const batch of chunks(pending, USAGE_BATCH)) {
        if (this.stopped || signal?.aborted) return;
        const reads = await agent.readTraffic(batch.map(({ account, cursor }) => ({ domain: account.domain, cursor: cursor ?? { inode: null, offset: 0 } })));
        const byDomain = new Map(reads.map((r) => [r.domain, r]));
        const unchanged: number[] = [];
        const at = new Date();
        for (const { account, cursor } of batch) {
          const read = byDomain.get(account.domain);
          if (!read) continue;
          if (cursor && sameCursor(cursor, read) && read.lines === 0) {
            unchanged.push(account.id);
            continue;
          }
          const moved = await this.commit(account, byId.get(account.packageId), cursor, read, at);
          if (moved && read.more) again.push({ account, cursor: { accountId: account.id, domain: account.domain, ...read.cursor } });
        }
        await this.store.touchCursors(unchanged, at);
      }
      pending = again;
    }
  }

  /** Accounts whose stored flags the figures contradict though nothing new was counted: a month began, a limit changed. */
  private async settleStale(packages: Map<number, HostingPackage>): Promise<void> {
    const at = new Date();
    const [usages, flags] = await Promise.all([this.usage.all(at), this.store.limitFlags()]);
    const measured = new Set(measurable(usages.map((u) => u.account)).map((a) => a.id));
    let events = 0;
    for (const u of usages) {
      const flag = flags.get(u.account.id) ?? { disk: false, bandwidth: false };
      if (!measured.has(u.account.id) || (flag.disk === u.diskOverLimit && flag.bandwidth === u.bandwidthOverLimit)) continue;
      events += await this.db.retryableTransaction((em) => this.limits.settle(em, u.account, packages.get(u.account.packageId), at));
    }
    if (events > 0) this.limits.committed();
  }

  private async commit(account: Account, pkg: HostingPackage | undefined, cursor: StoredCursor | null, read: TrafficRead, at: Date): Promise<boolean> {
    try {
      let events = 0;
      await this.store.addTraffic(account.id, account.domain, cursor, read, at, async (em) => (events = await this.limits.settle(em, account, pkg, at)));
      if (events > 0) this.limits.committed();
      return true;
    } catch (error) {
      if (error instanceof CursorMovedError) {
        this.logger.warn(`${error.message}: this read is dropped, the next pass starts from the stored cursor`);
        return false;
      }
      throw error;
    }
  }

  private inTurn(name: string, run: () => Promise<boolean>): Promise<boolean> {
    const next = (this.queue.get(name) ?? Promise.resolve()).catch(() => undefined).then(run);
    this.queue.set(name, next);
    return next;
  }

  private failed(name: string, error: unknown): void {
    if (!this.stopped) this.logger.error(`${name} failed: ${describeError(error)}`);
  }
}

/** Accounts whose pieces exist (a create under way or an account being deleted has nothing to measure yet or any more). */
function measurable(accounts: Account[]): Account[] {
  return accounts.filter((a) => a.status !== 'provisioning' && a.status !== 'deleting');
}

function sameCursor(cursor: StoredCursor, read: TrafficRead): boolean {
  return cursor.inode === read.cursor.inode && cursor.offset === read.cursor.offset;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
