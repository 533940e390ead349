import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { pageOnlyQueryAllowed, PageQuery } from '../../common/pagination';
import { ACCOUNT_STATUSES, AccountStatus } from '../account.entity';

export class AccountQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES })
  @IsOptional()
  @IsIn(ACCOUNT_STATUSES, { message: `status must be one of ${ACCOUNT_STATUSES.join(', ')}` })
  status?: AccountStatus;

  /** Exact username. */
  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  username?: string;

  /** Exact domain; as a lookup it forgives letter case, a trailing dot and an IDN in Unicode (inputs that are stored do not). */
  @ApiPropertyOptional({ example: 'alice.example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  domain?: string;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'client_id must be a whole number' })
  @Min(1)
  client_id?: number;

  /** Exact external id (the billing system's service id). */
  @ApiPropertyOptional({ example: '1042' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  external_id?: string;
}

// Every field above is optional.
pageOnlyQueryAllowed(AccountQuery);
