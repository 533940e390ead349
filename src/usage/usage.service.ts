import { Injectable } from '@nestjs/common';
import { Account } from '../accounts/account.entity';
import { AccountsRepository } from '../accounts/accounts.repository';
import { HostingPackage } from '../packages/package.entity';
import { PackagesService } from '../packages/packages.service';
import { limitsOf } from './usage-limits';
import { DiskRow, TrafficFigure, UsageStore } from './usage.store';

export const MIB = 1024 * 1024;

/**
 * One account's figures. The *Mb fields are MiB (used: rounded up, as du -m does); a limit of null
 * is unlimited; a use of null is not measured (yet). Bandwidth is the bytes nginx sent for the
 * account's domain in the current UTC month.
 */
export interface AccountUsage {
  account: Account;
  diskUsedMb: number | null;
  diskLimitMb: number | null;
  bandwidthUsedMb: number | null;
  bandwidthLimitMb: number | null;
  diskUsedBytes: number | null;
  /** Home, mail and databases (null: no hosting database server to measure). */
  disk: { homeBytes: number; mailBytes: number; databasesBytes: number | null; complete: boolean } | null;
  diskMeasuredAt: Date | null;
  bandwidthUsedBytes: number | null;
  /** `YYYY-MM`, UTC. */
  bandwidthMonth: string;
  bandwidthMeasuredAt: Date | null;
  /** Use above the limit: reported for the billing system to act on (see README, Usage and quotas). */
  diskOverLimit: boolean;
  bandwidthOverLimit: boolean;
}

/**
 * Disk and traffic per account, for billing systems (WHMCS UsageUpdate runs once per server).
 * Reads only what the usage jobs stored (UsageJobs): a bulk read is three queries, whatever the
 * number of accounts.
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly packages: PackagesService,
    private readonly store: UsageStore,
  ) {}

  async all(now = new Date()): Promise<AccountUsage[]> {
    const month = monthOf(now);
    const [accounts, packages, disk, traffic] = await Promise.all([this.accounts.all(), this.packages.list(), this.store.disk(), this.store.traffic(month)]);
    const byId = new Map(packages.map((p) => [p.id, p]));
    return accounts.map((a) => usageOf(a, byId.get(a.packageId), disk.get(a.id), traffic.get(a.id), month));
  }

  async of(account: Account, now = new Date()): Promise<AccountUsage> {
    const month = monthOf(now);
    const [pkg, disk, traffic] = await Promise.all([this.packages.findById(account.packageId), this.store.disk(account.id), this.store.traffic(month, account.id)]);
    return usageOf(account, pkg ?? undefined, disk.get(account.id), traffic.get(account.id), month);
  }
}

export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function usageOf(account: Account, pkg: HostingPackage | undefined, disk: DiskRow | undefined, traffic: TrafficFigure | undefined, month: string): AccountUsage {
  const { diskLimitMb, bandwidthLimitMb } = limitsOf(account, pkg);
  const diskBytes = disk ? disk.homeBytes + disk.mailBytes + (disk.databasesBytes ?? 0) : null;
  const trafficBytes = traffic ? traffic.bytes : null;
  return {
    account,
    diskUsedMb: mib(diskBytes),
    diskLimitMb,
    bandwidthUsedMb: mib(trafficBytes),
    bandwidthLimitMb,
    diskUsedBytes: diskBytes,
    disk: disk ? { homeBytes: disk.homeBytes, mailBytes: disk.mailBytes, databasesBytes: disk.databasesBytes, complete: disk.complete } : null,
    diskMeasuredAt: disk?.measuredAt ?? null,
    bandwidthUsedBytes: trafficBytes,
    bandwidthMonth: month,
    bandwidthMeasuredAt: traffic?.readAt ?? null,
    diskOverLimit: diskBytes !== null && diskLimitMb !== null && diskBytes > diskLimitMb * MIB,
    bandwidthOverLimit: trafficBytes !== null && bandwidthLimitMb !== null && trafficBytes > bandwidthLimitMb * MIB,
  };
}

function mib(bytes: number | null): number | null {
  return bytes === null ? null : Math.ceil(bytes / MIB);
}
