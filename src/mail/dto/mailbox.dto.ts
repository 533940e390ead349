import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { localPartProblem, PASSWORD_MAX, PASSWORD_MIN, QUOTA_MB_MAX, quotaProblem } from '../../agent-protocol/grammar';
import { Immutable } from '../../common/field-rules';
import { Grammar, IsPassword } from '../../common/grammar-rules';

const IsLocalPart = () => Grammar('isLocalPart', (value, field) => localPartProblem(value, field));
const IsQuotaMb = () => Grammar('isQuotaMb', (value, field) => quotaProblem(value, field));

export class CreateMailboxDto {
  /** The part before the @; the domain is the account's. */
  @ApiProperty({ example: 'info', minLength: 1, maxLength: 64, pattern: '^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$' })
  @IsLocalPart()
  local_part: string;

  @ApiProperty({ example: 'c0rrect-h0rse', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @IsPassword()
  password: string;

  /** MiB; at most the account's disk quota. Default: the disk quota, or 1024 when that is unlimited. */
  @ApiPropertyOptional({ example: 1024, minimum: 1, maximum: QUOTA_MB_MAX })
  @IsOptional()
  @IsQuotaMb()
  quota_mb?: number;
}

export class UpdateMailboxDto {
  /** Immutable: sending it is refused with 422. */
  @ApiPropertyOptional({ type: String, description: 'Immutable: sending it is refused with 422', readOnly: true })
  @Immutable()
  local_part?: unknown;

  @ApiPropertyOptional({ example: 'n3w-s3cr3t', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @IsOptional()
  @IsPassword()
  password?: string;

  @ApiPropertyOptional({ example: 2048, minimum: 1, maximum: QUOTA_MB_MAX })
  @IsOptional()
  @IsQuotaMb()
  quota_mb?: number;
}
