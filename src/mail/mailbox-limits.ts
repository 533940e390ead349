import { DomainError } from '../common/errors/domain-error';
import { Account } from '../accounts/account.entity';
import { HostingPackage } from '../packages/package.entity';

/** The quota a mailbox gets when none is sent and the account's disk is unlimited. */
export const DEFAULT_QUOTA_MB = 1024;

/** The package's mail limits for one account: max_email_accounts (0: unlimited) and the account's disk quota (its override, else the package's; 0: unlimited). */
export function mailboxLimits(account: Pick<Account, 'diskLimitMb'>, pkg: Pick<HostingPackage, 'name' | 'maxEmailAccounts' | 'diskQuotaMb'>) {
  const diskMb = account.diskLimitMb ?? pkg.diskQuotaMb;
  return {
    /** Whether one more mailbox fits; the primary one counts. */
    allowsAnother: (count: number) => pkg.maxEmailAccounts === 0 || count < pkg.maxEmailAccounts,
    defaultQuotaMb: diskMb === 0 ? DEFAULT_QUOTA_MB : Math.min(diskMb, DEFAULT_QUOTA_MB),
    assertCount(count: number): void {
      if (!this.allowsAnother(count)) {
        throw new DomainError('package_limit_reached', `Mailbox limit reached (${count}/${pkg.maxEmailAccounts}) for the package "${pkg.name}"`);
      }
    },
    assertQuota(quotaMb: number): void {
      if (diskMb !== 0 && quotaMb > diskMb) {
        throw DomainError.field(
          'quota_mb',
          `quota_mb must be at most ${diskMb}, the account's disk quota${account.diskLimitMb === null ? ` (package "${pkg.name}")` : ''}`,
        );
      }
    },
  };
}
