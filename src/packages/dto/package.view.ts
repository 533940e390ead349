import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { HostingPackage } from '../package.entity';

export class PackageView {
  @ApiProperty({ example: 1 })
  id: number;
  /** Stable UUID; the Plesk XML API's service-plan guid. */
  @ApiProperty({ example: '0f6b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d' })
  guid: string;
  @ApiProperty({ example: 'default' })
  name: string;
  @ApiProperty({ example: 10240 })
  disk_quota_mb: number;
  @ApiProperty({ example: 102400 })
  bandwidth_mb: number;
  @ApiProperty({ example: 1 })
  max_domains: number;
  @ApiProperty({ example: 5 })
  max_databases: number;
  @ApiProperty({ example: 10 })
  max_email_accounts: number;
  /** DNS records an account's zone may hold besides its SOA and apex NS; 0 means unlimited. */
  @ApiProperty({ example: 0 })
  dns_records_limit: number;
  @ApiProperty({ example: '8.2' })
  php_version: string;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;

  static of(p: HostingPackage): PackageView {
    return {
      id: p.id,
      guid: p.guid,
      name: p.name,
      disk_quota_mb: p.diskQuotaMb,
      bandwidth_mb: p.bandwidthMb,
      max_domains: p.maxDomains,
      max_databases: p.maxDatabases,
      max_email_accounts: p.maxEmailAccounts,
      dns_records_limit: p.dnsRecordsLimit ?? 0,
      php_version: p.phpVersion,
      created_at: isoUtc(p.createdAt)!,
    };
  }
}
