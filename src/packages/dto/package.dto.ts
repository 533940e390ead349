import { PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { MAX_LIMIT_MB } from '../../agent-protocol/grammar';

export const PHP_VERSIONS = ['7.4', '8.0', '8.1', '8.2', '8.3', '8.4'] as const;

export class CreatePackageDto {
  /** Unique name; billing systems may refer to a package by it. */
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, { message: 'name must be 1 to 64 letters, digits, space, dot, dash or underscore' })
  name: string;

  /** Disk quota in MiB; 0 means unlimited. */
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT_MB)
  disk_quota_mb: number;

  /** Monthly traffic in MiB; 0 means unlimited. */
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT_MB)
  bandwidth_mb: number;

  @IsInt()
  @Min(0)
  @Max(100000)
  max_domains: number;

  @IsInt()
  @Min(0)
  @Max(100000)
  max_databases: number;

  @IsInt()
  @Min(0)
  @Max(100000)
  max_email_accounts: number;

  /** DNS records an account's zone may hold besides its SOA and apex NS; 0 (the default) means unlimited. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  dns_records_limit?: number;

  @IsIn(PHP_VERSIONS, { message: `php_version must be one of ${PHP_VERSIONS.join(', ')}` })
  php_version: string;
}

export class UpdatePackageDto extends PartialType(CreatePackageDto, { skipNullProperties: false }) {}
