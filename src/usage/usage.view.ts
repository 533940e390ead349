import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../common/dates';
import { ACCOUNT_STATUSES, AccountStatus } from '../accounts/account.entity';
import { AccountUsage } from './usage.service';

/** One account's usage. MiB; a null limit is unlimited, a null use is not measured (yet). */
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
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'MiB used; null: not measured' })
  disk_used_mb: number | null;
  @ApiProperty({ example: 10240, nullable: true, type: Number, description: 'MiB; null: unlimited' })
  disk_limit_mb: number | null;
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'MiB this month; null: not measured' })
  bandwidth_used_mb: number | null;
  @ApiProperty({ example: null, nullable: true, type: Number, description: 'MiB a month; null: unlimited' })
  bandwidth_limit_mb: number | null;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
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
