import { Account } from '../accounts/account.entity';
import { HostingPackage } from '../packages/package.entity';

/** The account's override, else its package's; 0 (or nothing) is unlimited → null. MiB. */
export function limitsOf(account: Account, pkg: HostingPackage | undefined): { diskLimitMb: number | null; bandwidthLimitMb: number | null } {
  const limit = (override: number | null, fromPackage: number | undefined) => {
    const mb = override ?? fromPackage ?? 0;
    return mb > 0 ? mb : null;
  };
  return { diskLimitMb: limit(account.diskLimitMb, pkg?.diskQuotaMb), bandwidthLimitMb: limit(account.bandwidthLimitMb, pkg?.bandwidthMb) };
}
