import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsDomainName } from '../../common/domains';
import { NotWith } from '../../common/field-rules';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../common/passwords';
import { IsHostingUsername } from '../../common/usernames';

export const MAX_LIMIT_MB = 100 * 1024 * 1024;

export class CreateAccountDto {
  /** Lowercase letters and digits, 3–32, first a letter; not a system name. Becomes the Linux user; immutable. */
  @ApiProperty({ example: 'alice' })
  @IsHostingUsername()
  username: string;

  /** The account's primary domain: a FQDN, stored lowercased, IDN as punycode, without a trailing dot. Immutable. */
  @ApiProperty({ example: 'alice.example.com' })
  @IsDomainName()
  domain: string;

  /** Contact email of the account owner. */
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  /**
   * Control panel password, 8–128 characters. Stored as an argon2id hash, never returned. Required on
   * /api/v1; on the billing alias /api/accounts a strong one is generated when absent (Opterius Commerce sends none).
   */
  @ApiProperty({ example: 's3cur3p@ss', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @ValidateIf((o: CreateAccountDto) => o.password !== undefined)
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` })
  password?: string;

  /** The hosting package (GET /api/v1/packages). Required unless `package` names it. */
  @ApiPropertyOptional({ example: 1 })
  @ValidateIf((o: CreateAccountDto) => o.package === undefined || o.package_id !== undefined)
  @IsInt({ message: 'package_id must be a whole number' })
  @Min(1, { message: 'package_id must be a positive whole number' })
  package_id?: number;

  /** The hosting package by name, instead of `package_id` (billing modules send this). */
  @ApiPropertyOptional({ example: 'default' })
  @ValidateIf((o: CreateAccountDto) => o.package !== undefined)
  @IsString()
  @Length(1, 64)
  @NotWith('package_id')
  package?: string;

  /** The client (customer) who owns the account. */
  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt({ message: 'client_id must be a whole number' })
  @Min(1)
  client_id?: number;

  /** Overrides the package's disk quota for this account (MiB; 0 = unlimited). */
  @ApiPropertyOptional({ example: 5120 })
  @IsOptional()
  @IsInt({ message: 'disk_limit_mb must be a whole number' })
  @Min(0)
  @Max(MAX_LIMIT_MB)
  disk_limit_mb?: number;

  /** Overrides the package's monthly traffic for this account (MiB; 0 = unlimited). */
  @ApiPropertyOptional({ example: 51200 })
  @IsOptional()
  @IsInt({ message: 'bandwidth_limit_mb must be a whole number' })
  @Min(0)
  @Max(MAX_LIMIT_MB)
  bandwidth_limit_mb?: number;

  /** The billing system's id for this service (WHMCS serviceid): unique; a second create with it is 409 (details: external_id). */
  @ApiPropertyOptional({ example: '1042' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  external_id?: string;
}

export class CreateAccountQuery {
  /** `true`: validate and answer the provisioning plan (200) without creating anything. */
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dry_run must be true or false' })
  dry_run?: string;
}
