import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Allow, IsDefined, IsOptional, IsString, Length } from 'class-validator';
import { CreateClientDto } from '../../../clients/dto/client.dto';
import { IsDomainName } from '../../../common/domains';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../../common/passwords';
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
  /** The plan = a Hostwright package: its numeric id or its name. */
  @ApiProperty({ example: 'default', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined({ message: 'plan_id is required' })
  plan_id: string | number;

  /** The owner: the client's id (UUID) or plesk_client_id. */
  @ApiProperty({ example: '5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined({ message: 'client_id is required' })
  client_id: string | number;

  /** The subscription's domain (becomes the account's domain). */
  @ApiProperty({ example: 'example.org' })
  @IsDomainName()
  domain_name: string;

  /** Becomes the account's username: 3–32 lowercase letters or digits, first a letter. */
  @ApiProperty({ example: 'exampleftp' })
  @IsHostingUsername()
  ftp_login: string;

  /** Becomes the account's password, 8–128 characters. */
  @ApiProperty({ example: 'S3cure-ftp-pass', writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: `ftp_password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` })
  ftp_password: string;
}

/** `POST /API/orders/create_order_scale_plesk`: renew (a no-op here) and/or change plan. */
export class ResellerScaleOrderDto {
  /** The subscription's id (UUID) or numeric id. */
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsDefined({ message: 'subscription_id is required' })
  subscription_id: string | number;

  /** The new plan (package id or name): the account changes package. */
  @ApiPropertyOptional({ example: 'business', oneOf: [{ type: 'string' }, { type: 'integer' }] })
  @IsOptional()
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
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42' })
  @IsString({ message: 'id is required' })
  @Length(1, 64)
  id: string;
}
