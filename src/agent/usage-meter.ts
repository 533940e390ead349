import { Logger } from '@nestjs/common';
import { assertDiskQueries, assertTrafficQueries, DiskMeasurement, TrafficRead } from '../agent-protocol/usage';
import { accountPaths } from './system/account-paths';
import { readAccessLog } from './system/access-log-reader';
import { DEFAULT_WALK_BOUNDS, treeSize, WalkBounds } from './system/disk-usage';
import { FileOps } from './system/file-ops';
import { HostingDatabases } from './system/hosting-databases';
import { UserQuotas } from './system/user-quotas';

/** Bytes of access log read per domain per call; the panel asks again while `more` is true. */
export const TRAFFIC_READ_BYTES = 16 * 1024 * 1024;

/**
 * The agent's usage operations (in-process and behind POST /v1/usage/*): measures what accounts
 * occupy and reads the access logs nginx writes under rootDir. It keeps no state of its own: the
 * panel sends the cursors and stores them with the totals, so a repeated read is harmless.
 */
export class UsageMeter {
  private readonly logger = new Logger('Usage');

  constructor(
    private readonly files: FileOps,
    private readonly databases: HostingDatabases,
    readonly quotas: UserQuotas,
    private readonly bounds: WalkBounds = DEFAULT_WALK_BOUNDS,
  ) {}

  async measureDisk(input: unknown): Promise<DiskMeasurement[]> {
    const queries = assertDiskQueries(input);
    const out: DiskMeasurement[] = [];
    for (const q of queries) {
      const p = accountPaths({ username: q.username, domain: q.domain, php_version: '0.0' });
      const [home, mail] = [await treeSize(this.files.path(p.home), this.bounds), await treeSize(this.files.path(p.mailDir), this.bounds)];
      const databases = await this.databases.sizeOf(q.username);
      await this.quotas.apply(q.username, q.disk_limit_mb).catch((error) => this.logger.warn(`setquota ${q.username}: ${String(error)}`));
      out.push({
        username: q.username,
        home_bytes: home.bytes,
        mail_bytes: mail.bytes,
        databases_bytes: databases,
        complete: home.complete && mail.complete,
        measured_at: new Date().toISOString(),
      });
    }
    return out;
  }

  async readTraffic(input: unknown): Promise<TrafficRead[]> {
    const queries = assertTrafficQueries(input);
    const out: TrafficRead[] = [];
    for (const q of queries) {
      const log = this.files.path(accountPaths({ username: 'x', domain: q.domain, php_version: '0.0' }).webLogs[0]);
      out.push({ domain: q.domain, ...(await readAccessLog(log, q.cursor, TRAFFIC_READ_BYTES)) });
    }
    return out;
  }
}
