import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';
import { WEBHOOK_EVENT_TYPES } from '../outbox/event-types';

const EVENT_CHOICES = [...WEBHOOK_EVENT_TYPES, '*'];

export class CreateWebhookDto {
  /** Where events are POSTed: http or https; a host that resolves to a loopback, private or link-local address is refused. */
  @ApiProperty({ example: 'https://billing.example.com/hooks/hostwright' })
  @IsString()
  @Length(1, 2048)
  url: string;

  /** The event types it wants, or `["*"]` for all. */
  @ApiProperty({ example: ['account.created', 'account.suspended'], enum: EVENT_CHOICES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(EVENT_CHOICES.length)
  @IsIn(EVENT_CHOICES, { each: true, message: `each event type must be one of ${EVENT_CHOICES.join(', ')}` })
  event_types: string[];

  @ApiPropertyOptional({ example: 'WHMCS', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string | null;

  /** `false` stops deliveries to it (they wait); `true` on an update re-enables it, clearing disabled_reason. */
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Any of the create's fields; each is checked as on create. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
}
