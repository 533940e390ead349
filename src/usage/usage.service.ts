import { Injectable } from '@nestjs/common';
import { Account } from '../accounts/account.entity';
import { AccountsRepository } from '../accounts/accounts.repository';
import { HostingPackage } from '../packages/package.entity';
import { PackagesService } from '../packages/packages.service';

/** One account's figures, in MiB. A limit of null is unlimited; a use of null is not measured. */
export interface AccountUsage {
  account: Account;
  diskUsedMb: number | null;
  diskLimitMb: number | null;
  bandwidthUsedMb: number | null;
  bandwidthLimitMb: number | null;
}

/**
 * Disk and traffic per account, for billing systems (WHMCS UsageUpdate runs once per server).
 * Limits are the account's override, else its package's (0 = unlimited → null). Nothing measures
 * use yet (no home-directory sizing, no nginx log accounting): every use is null, "not measured",
 * never a made-up 0.
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly packages: PackagesService,
  ) {}

  async all(): Promise<AccountUsage[]> {
    const [accounts, packages] = await Promise.all([this.accounts.all(), this.packages.list()]);
    const byId = new Map(packages.map((p) => [p.id, p]));
    return accounts.map((a) => usageOf(a, byId.get(a.packageId)));
  }

  async of(account: Account): Promise<AccountUsage> {
    return usageOf(account, (await this.packages.findById(account.packageId)) ?? undefined);
  }
}

function usageOf(account: Account, pkg: HostingPackage | undefined): AccountUsage {
  const limit = (override: number | null, fromPackage: number | undefined) => {
    const mb = override ?? fromPackage ?? 0;
    return mb > 0 ? mb : null;
  };
  return {
    account,
    diskUsedMb: null,
    diskLimitMb: limit(account.diskLimitMb, pkg?.diskQuotaMb),
    bandwidthUsedMb: null,
    bandwidthLimitMb: limit(account.bandwidthLimitMb, pkg?.bandwidthMb),
  };
}
