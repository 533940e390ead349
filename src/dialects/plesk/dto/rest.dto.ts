import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { LOGIN_PATTERN, LOGIN_RULE, PASSWORD_MAX, PASSWORD_MIN } from '../../../agent-protocol/grammar';
import { RefusedWhenSent } from '../../../common/field-rules';
import { IsEmailAddress, IsFreeText, IsPassword, IsReference } from '../../../common/grammar-rules';

/** Plesk's free-text `description`: a string is stored (no control or bidi character); any other JSON value is accepted and ignored. */
const isText = (o: { description?: unknown }) => typeof o.description === 'string';

/** Plesk client status codes Hostwright can set: 0 active, 16 disabled by admin (= suspended). */
export const PLESK_SETTABLE_STATUSES = [0, 16] as const;

/**
 * Plesk REST `ClientRequest`. Every field of the spec is declared; locale and owner_login are
 * accepted and ignored (one locale, one owner: the admin).
 */
export class RestClientRequestDto {
  @ApiProperty({ example: 'Jane Roe', maxLength: 255, minLength: 1 })
  @IsFreeText(255)
  name: string;

  @ApiProperty({ example: 'janeroe' })
  @IsString()
  @Matches(LOGIN_PATTERN, { message: LOGIN_RULE })
  login: string;

  /** 8–128 characters (Plesk's "5 to 14" is not enforced: real clients send 32). */
  @ApiProperty({ example: 'S3cure-pass-0123456789-abcdefghij', writeOnly: true, minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsPassword()
  password: string;

  @ApiProperty({ example: 'jane@example.net', maxLength: 254, format: 'email' })
  @IsEmailAddress()
  email: string;

  /** Only `customer` (the default) is supported. */
  @ApiPropertyOptional({ enum: ['customer'], example: 'customer' })
  @IsOptional()
  @IsIn(['customer'], { message: 'type must be customer (resellers and admins are not supported)' })
  type?: string;

  @ApiPropertyOptional({ example: 'Roe Ltd', maxLength: 255 })
  @IsOptional()
  @IsFreeText(255, 0)
  company?: string;

  /** 0 active, 16 suspended. */
  @ApiPropertyOptional({ enum: PLESK_SETTABLE_STATUSES, example: 0 })
  @IsOptional()
  @IsIn(PLESK_SETTABLE_STATUSES, { message: 'status must be 0 (active) or 16 (suspended)' })
  status?: number;

  /** The client's id in the billing system. */
  @ApiPropertyOptional({ example: 'billing:1001', maxLength: 255 })
  @IsOptional()
  @IsFreeText(255, 0)
  external_id?: string;

  /** Accepted and ignored. */
  @ApiPropertyOptional({ type: String, example: 'en-US' })
  @Allow()
  locale?: unknown;

  /** Accepted and ignored: every client belongs to the admin. */
  @ApiPropertyOptional({ type: String, example: 'admin' })
  @Allow()
  owner_login?: unknown;

  /** Free text, stored and read back; no control or bidi character. */
  @ApiPropertyOptional({ example: 'Billing client 1001' })
  @IsOptional()
  @IsFreeText(255, 0)
  description?: string;
}

/** Plesk REST `ClientUpdateRequest`: any subset (a password-only body is common). */
export class RestClientUpdateDto extends PartialType(RestClientRequestDto, { skipNullProperties: false }) {}

export class RestHostingSettingsDto {
  /** Becomes the account's username. */
  @ApiPropertyOptional({ example: 'janeroe' })
  @IsOptional()
  @IsString()
  ftp_login?: string;

  /** Becomes the account's password. */
  @ApiPropertyOptional({ example: 'S3cure-ftp-pass', writeOnly: true })
  @IsOptional()
  @IsString()
  ftp_password?: string;

  /** For forwarding types, which Hostwright does not host: refused. */
  @ApiPropertyOptional({ type: String })
  @Allow()
  dest_url?: unknown;
}

/** Identify the owner by any one of these. */
export class RestOwnerClientDto {
  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional({ example: 'janeroe' })
  @IsOptional()
  @IsString()
  login?: string;

  @ApiPropertyOptional({ example: '8e1f6c2a-4b7d-4c1e-9a3f-5d2b8c7e6f10' })
  @IsOptional()
  @IsString()
  guid?: string;

  @ApiPropertyOptional({ example: 'billing:1001' })
  @IsOptional()
  @IsString()
  external_id?: string;
}

export class RestPlanRefDto {
  /** A Hostwright package name, exactly (no surrounding spaces). */
  @ApiProperty({ example: 'default' })
  @IsString()
  @IsReference()
  name: string;
}

/** Plesk REST `DomainRequest` for a hosted domain (a subscription = a Hostwright account). */
export class RestDomainRequestDto {
  @ApiProperty({ example: 'example.org' })
  @IsString()
  name: string;

  /** Only `virtual` (hosted) is supported. */
  @ApiPropertyOptional({ enum: ['virtual'], example: 'virtual' })
  @IsOptional()
  @IsIn(['virtual'], { message: 'hosting_type must be virtual (forwarding and none are not supported)' })
  hosting_type?: string;

  /** Required for virtual hosting (the only kind): ftp_login and ftp_password. */
  @ApiProperty({ type: RestHostingSettingsDto })
  @IsDefined({ message: 'hosting_settings is required for virtual hosting: send {ftp_login, ftp_password}' })
  @ValidateNested()
  @Type(() => RestHostingSettingsDto)
  hosting_settings: RestHostingSettingsDto;

  @ApiPropertyOptional({ type: RestOwnerClientDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestOwnerClientDto)
  owner_client?: RestOwnerClientDto;

  /** A package by name; without it the domain gets the default package (the first, package 1 on a new install). */
  @ApiPropertyOptional({ type: RestPlanRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestPlanRefDto)
  plan?: RestPlanRefDto;

  /** Accepted and ignored (the server's IP is used). */
  @ApiPropertyOptional({ example: ['192.0.2.10'] })
  @IsOptional()
  @IsArray()
  ip_addresses?: string[];

  /** Deprecated in Plesk; accepted and ignored. */
  @ApiPropertyOptional({ example: ['192.0.2.10'] })
  @IsOptional()
  @IsArray()
  ipv4?: string[];

  /** Deprecated in Plesk; accepted and ignored. */
  @ApiPropertyOptional({ example: [] })
  @IsOptional()
  @IsArray()
  ipv6?: string[];

  /** Stored as the account's description (the XML API's webspace gen_info reads it); a string of at most 255 characters, no control or bidi character. Any other JSON value is ignored. */
  @ApiPropertyOptional({ type: String, example: '', maxLength: 255 })
  @Allow()
  @ValidateIf(isText)
  @IsFreeText(255, 0)
  description?: unknown;

  /** Subdomains and aliases are not supported: refused when sent. */
  @ApiPropertyOptional({ description: 'Not supported: refused when sent', not: {} })
  @RefusedWhenSent('base_domain is not supported: only main domains (subscriptions) can be created')
  base_domain?: unknown;

  /** Subdomains are not supported: refused when sent. */
  @ApiPropertyOptional({ description: 'Not supported: refused when sent', not: {} })
  @RefusedWhenSent('parent_domain is not supported: only main domains (subscriptions) can be created')
  parent_domain?: unknown;
}

/** Plesk REST `DomainRequest` for `PUT /api/v2/domains/{id}`: any subset; name and ftp_login cannot change. */
export class RestDomainUpdateDto extends PartialType(RestDomainRequestDto) {}

export const REST_DOMAIN_STATUSES = ['active', 'suspended', 'disabled'] as const;

/** Plesk REST `DomainStatus`. */
export class RestDomainStatusDto {
  @ApiProperty({ enum: REST_DOMAIN_STATUSES, example: 'suspended' })
  @IsIn(REST_DOMAIN_STATUSES, { message: 'status must be active, suspended or disabled' })
  status: (typeof REST_DOMAIN_STATUSES)[number];
}

/** `POST /api/v2/auth/keys`: every field optional; clients commonly send `{}`. */
export class RestAuthKeyDto {
  /** Accepted and ignored: Hostwright keys are not bound to an IP. */
  @ApiPropertyOptional({ example: '192.0.2.1' })
  @IsOptional()
  @IsString()
  ip?: string;

  /** Accepted and ignored. */
  @ApiPropertyOptional({ example: ['192.0.2.1'] })
  @IsOptional()
  @IsArray()
  ips?: string[];

  /** Accepted and ignored: the key belongs to the caller (same scopes). */
  @ApiPropertyOptional({ example: 'admin' })
  @IsOptional()
  @IsString()
  login?: string;

  /** Becomes the token's name (letters, digits, space, . _ - kept; 100 characters at most); no control or bidi character. */
  @ApiPropertyOptional({ example: 'billing' })
  @IsOptional()
  @IsString()
  @IsFreeText(4096, 0)
  description?: string;
}
