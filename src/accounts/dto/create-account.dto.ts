import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Min, ValidateIf } from 'class-validator';
import { MAX_LIMIT_MB, PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN } from '../../agent-protocol/grammar';
import { IsDomainName } from '../../common/domains';
import { NotWith } from '../../common/field-rules';
import { IsEmailAddress, IsFreeText, IsLimitMb, IsPassword } from '../../common/grammar-rules';
import { IsHostingUsername } from '../../common/usernames';

export { MAX_LIMIT_MB };

export class CreateAccountDto {
  /**
   * Lowercase letters and digits, 3–32, first a letter; not a reserved name (README "Usernames")
   * nor a user or group of the server. Becomes the Linux user; immutable.
   */
  @ApiProperty({ example: 'alice', pattern: USERNAME_PATTERN.source })
  @IsHostingUsername()
  username: string;

  /**
   * The account's primary domain, in canonical form: lowercase, no trailing dot, no space (nothing
   * is trimmed or rewritten). An IDN as punycode or as lowercase U-labels of one script each (stored
   * as punycode). Not equal to, under or above another account's domain (409). Immutable.
   */
  @ApiProperty({ example: 'alice.example.com' })
  @IsDomainName()
  domain: string;

  /** Contact email of the account owner: a plain address (ASCII, no quotes or `&`), at most 254 characters. */
  @ApiProperty({ example: 'alice@example.com', maxLength: 254, format: 'email' })
  @IsEmailAddress()
  email: string;

  /**
   * Control panel password, 8–128 characters, no control character (NUL included). Stored as an argon2id hash, never
   * returned. Required on /api/v1; on the billing alias /api/accounts a strong one is generated when absent (Opterius
   * Commerce sends none).
   */
  @ApiProperty({ example: 's3cur3p@ss', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @ValidateIf((o: CreateAccountDto) => o.password !== undefined)
  @IsPassword()
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
  @ApiPropertyOptional({ example: 5120, minimum: 0, maximum: MAX_LIMIT_MB })
  @IsOptional()
  @IsLimitMb()
  disk_limit_mb?: number;

  /** Overrides the package's monthly traffic for this account (MiB; 0 = unlimited). */
  @ApiPropertyOptional({ example: 51200, minimum: 0, maximum: MAX_LIMIT_MB })
  @IsOptional()
  @IsLimitMb()
  bandwidth_limit_mb?: number;

  /** The billing system's id for this service (WHMCS serviceid): unique; a second create with it is 409 (details: external_id). */
  @ApiPropertyOptional({ example: '1042' })
  @IsOptional()
  @IsFreeText(255)
  external_id?: string;

  /** `true`: also issue a certificate for the domain and www. by ACME once the account is active (after the 201; see GET …/certificate). */
  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean({ message: 'certificate must be true or false' })
  certificate?: boolean;

  /** The server to host it on (GET /api/v1/servers); absent: the token's pinned server, else the online server with the fewest accounts and room left. */
  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsInt({ message: 'server_id must be a whole number' })
  @Min(1, { message: 'server_id must be a server id' })
  server_id?: number;
}

export class CreateAccountQuery {
  /** `true`: validate and answer the provisioning plan (200) without creating anything. */
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dry_run must be true or false' })
  dry_run?: string;
}
