import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../common/dates';
import { ACCOUNT_STATUSES, AccountStatus } from '../accounts/account.entity';
import { AccountUsage } from './usage.service';

const nullableInt = (example: number | null, description: string) => ({ example, nullable: true, type: Number, description });
const nullableTime = (description: string) => ({ example: '2026-04-08T14:30:00Z', nullable: true, type: String, description });

/**
 * One account's usage. MiB (used: rounded up); a null limit is unlimited, a null use is not
 * measured yet. The *_bytes fields are exact; each figure says when it was measured.
 */
export class AccountUsageView {
  @ApiProperty({ example: 42 })
  id: number;
  /** The billing system's id for the service (WHMCS serviceid). */
  @ApiProperty({ example: '1042', nullable: true, type: String })
  external_id: string | null;
  @ApiProperty({ example: 'alice' })
  username: string;
  @ApiProperty({ example: 'alice.example.com' })
  domain: string;
  @ApiProperty({ example: 'active', enum: ACCOUNT_STATUSES })
  status: AccountStatus;
  @ApiProperty(nullableInt(1204, 'MiB used (home + mail + databases), rounded up; null: not measured yet'))
  disk_used_mb: number | null;
  @ApiProperty(nullableInt(10240, 'MiB; null: unlimited'))
  disk_limit_mb: number | null;
  @ApiProperty(nullableInt(3310, 'MiB sent this month (UTC), rounded up; null: not measured yet'))
  bandwidth_used_mb: number | null;
  @ApiProperty(nullableInt(null, 'MiB a month; null: unlimited'))
  bandwidth_limit_mb: number | null;
  @ApiProperty(nullableInt(1262485504, 'Bytes used on disk (allocated blocks); null: not measured yet'))
  disk_used_bytes: number | null;
  @ApiProperty(nullableInt(1048576000, 'Bytes of the home directory'))
  disk_home_bytes: number | null;
  @ApiProperty(nullableInt(209715200, "Bytes of the account's maildirs"))
  disk_mail_bytes: number | null;
  @ApiProperty(nullableInt(4194304, "Bytes of the account's MariaDB databases; null: not measured (no hosting database server), counted as 0 in disk_used"))
  disk_databases_bytes: number | null;
  @ApiProperty({ example: true, nullable: true, type: Boolean, description: 'false: the walk hit its bound and disk_used is a lower bound; null: not measured yet' })
  disk_complete: boolean | null;
  @ApiProperty(nullableTime('When the disk figures were measured; null: not yet'))
  disk_measured_at: string | null;
  @ApiProperty({ example: false, description: 'disk_used above disk_limit (reported, not enforced where the filesystem has no quotas)' })
  disk_over_limit: boolean;
  @ApiProperty(nullableInt(3470786560, 'Bytes sent this month (UTC); null: not measured yet'))
  bandwidth_used_bytes: number | null;
  @ApiProperty({ example: '2026-04', description: 'The UTC month bandwidth_used counts' })
  bandwidth_month: string;
  @ApiProperty(nullableTime('When the access logs were last read; null: not yet'))
  bandwidth_measured_at: string | null;
  @ApiProperty({ example: false, description: 'bandwidth_used above bandwidth_limit (reported; the billing system decides)' })
  bandwidth_over_limit: boolean;
  @ApiProperty({ example: '2026-04-08T14:32:00Z', description: 'When this answer was made (each figure has its own *_measured_at)' })
  measured_at: string;

  static of(u: AccountUsage, at: Date): AccountUsageView {
    return {
      id: u.account.id,
      external_id: u.account.externalId,
      username: u.account.username,
      domain: u.account.domain,
      status: u.account.status,
      disk_used_mb: u.diskUsedMb,
      disk_limit_mb: u.diskLimitMb,
      bandwidth_used_mb: u.bandwidthUsedMb,
      bandwidth_limit_mb: u.bandwidthLimitMb,
      disk_used_bytes: u.diskUsedBytes,
      disk_home_bytes: u.disk?.homeBytes ?? null,
      disk_mail_bytes: u.disk?.mailBytes ?? null,
      disk_databases_bytes: u.disk?.databasesBytes ?? null,
      disk_complete: u.disk?.complete ?? null,
      disk_measured_at: isoUtc(u.diskMeasuredAt),
      disk_over_limit: u.diskOverLimit,
      bandwidth_used_bytes: u.bandwidthUsedBytes,
      bandwidth_month: u.bandwidthMonth,
      bandwidth_measured_at: isoUtc(u.bandwidthMeasuredAt),
      bandwidth_over_limit: u.bandwidthOverLimit,
      measured_at: isoUtc(at)!,
    };
  }
}

/** Every account's usage, as a list and keyed by id and by external id (for billing systems that match either). */
export class UsageListView {
  @ApiProperty({ type: [AccountUsageView] })
  accounts: AccountUsageView[];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/AccountUsageView' }, description: 'The same rows keyed by account id' })
  by_id: Record<string, AccountUsageView>;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/AccountUsageView' }, description: 'The rows that have an external id, keyed by it' })
  by_external_id: Record<string, AccountUsageView>;
}
