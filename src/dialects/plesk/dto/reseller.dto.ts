import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Allow, IsDefined, IsOptional } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../../agent-protocol/grammar';
import { CreateClientDto } from '../../../clients/dto/client.dto';
import { IsDomainName } from '../../../common/domains';
import { IsPassword, IsReference } from '../../../common/grammar-rules';
import { IsHostingUsername } from '../../../common/usernames';

/** `POST /API/plesk/clients/create`: the seed's fields (name, login, email, password, company), plus our optional external_id. */
export class ResellerCreateClientDto extends PickType(CreateClientDto, ['name', 'login', 'email', 'password', 'company', 'external_id'] as const) {}

/** `POST /API/plesk/clients/{id}/update`: any of the create fields. Status changes go through suspend/unsuspend. */
export class ResellerUpdateClientDto extends PartialType(ResellerCreateClientDto, { skipNullProperties: false }) {}

/** Billing fields 0xhost requires and Hostwright has no use for: accepted whatever their value, ignored. */
class BillingFields {
  /** Months (1, 2 or 3 at 0xhost); accepted and ignored: Hostwright does not bill. */
  @ApiPropertyOptional({ type: 'integer', example: 1 })
  @Allow()
  subscription_duration?: unknown;

  /** `balance` or `crypto` at 0xhost; accepted and ignored. */
  @ApiPropertyOptional({ type: String, example: 'balance' })
  @Allow()
  type_payment?: unknown;
}

/** `POST /API/orders/create_order_plesk`: a subscription = a hosting account. */
export class ResellerCreateOrderDto extends BillingFields {
  /** The plan = a Hostwright package: its numeric id or its name, exactly (`"1 "` is refused, not trimmed). */
  @ApiProperty({ example: 'default', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined({ message: 'plan_id is required' })
  @IsReference()
  plan_id: string | number;

  /** The owner: the client's id (UUID) or plesk_client_id, exactly as sent. */
  @ApiProperty({ example: '5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined({ message: 'client_id is required' })
  @IsReference()
  client_id: string | number;

  /** The subscription's domain (becomes the account's domain), in canonical form like the native `domain`. */
  @ApiProperty({ example: 'example.org' })
  @IsDomainName()
  domain_name: string;

  /** Becomes the account's username: 3–32 lowercase letters or digits, first a letter. */
  @ApiProperty({ example: 'exampleftp' })
  @IsHostingUsername()
  ftp_login: string;

  /** Becomes the account's password, 8–128 characters, no control character. */
  @ApiProperty({ example: 'S3cure-ftp-pass', writeOnly: true, minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsPassword()
  ftp_password: string;
}

/** `POST /API/orders/create_order_scale_plesk`: renew (a no-op here) and/or change plan. */
export class ResellerScaleOrderDto {
  /** The subscription's id (UUID) or numeric id. */
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined({ message: 'subscription_id is required' })
  @IsReference()
  subscription_id: string | number;

  /** The new plan (package id or name): the account changes package. */
  @ApiPropertyOptional({ example: 'business', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsOptional()
  @IsReference()
  new_plan_id?: string | number;

  /** Months to add; echoed as months_added, otherwise ignored (accounts do not expire). */
  @ApiPropertyOptional({ type: 'integer', example: 1 })
  @Allow()
  months?: unknown;

  /** Accepted and ignored. */
  @ApiPropertyOptional({ type: String, example: 'balance' })
  @Allow()
  type_payment?: unknown;
}

export class SubscriptionDetailQuery {
  /** The subscription's id (UUID) or numeric id. */
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42', minLength: 1, maxLength: 64 })
  @IsReference()
  id: string;
}
