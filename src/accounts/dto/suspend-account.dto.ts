import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsFreeText } from '../../common/grammar-rules';

export class SuspendAccountDto {
  /** Why (kept with the account while suspended), e.g. `Overdue invoice #1234`; up to 255 characters, no control or bidi character. */
  @ApiPropertyOptional({ example: 'Overdue invoice #1234', maxLength: 255 })
  @IsOptional()
  @IsFreeText(255, 0)
  reason?: string;
}
