import { statfs } from 'node:fs/promises';
import { hostname, loadavg } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { version } from '../../package.json';
import { AccountsRepository } from '../accounts/accounts.repository';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { LicenseService } from '../license/license.service';
import { ServerStatsView } from './server-stats.view';

/** What a billing system shows after "test connection". */
@Injectable()
export class ServerStatsService {
  constructor(
    private readonly accounts: AccountsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly license: LicenseService,
  ) {}

  async stats(): Promise<ServerStatsView> {
    const accounts = Object.fromEntries(Object.entries(await this.accounts.countByStatus()).filter(([, n]) => n > 0));
    const total = Object.values(accounts).reduce((sum, n) => sum + n, 0);
    const disk = await this.diskUnderRoot();
    const seats = this.license.status().maxAccounts || null;
    return {
      hostname: hostname(),
      version,
      uptime_seconds: Math.round(process.uptime()),
      accounts,
      accounts_total: total,
      license_seats: { used: total, free: seats === null ? null : Math.max(0, seats - total) },
      load_average: loadavg().map((n) => Math.round(n * 100) / 100),
      disk_free_bytes: disk.free,
      disk_total_bytes: disk.total,
    };
  }

  private async diskUnderRoot(): Promise<{ free: number; total: number }> {
    // The root may not exist yet on a new install; its nearest existing parent tells the same disk.
    for (let dir = this.config.provisioning.rootDir; ; dir = dir.replace(/\/[^/]*$/, '') || '/') {
      try {
        const s = await statfs(dir);
        return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
      } catch {
        if (dir === '/') return { free: 0, total: 0 };
      }
    }
  }
}
