import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsFreeText } from '../../common/grammar-rules';
import { SUSPENSION_TYPES, SuspensionType } from '../suspensions/suspension-types';

export class SuspendAccountDto {
  /**
   * Which suspension: `admin` when absent (as before types existed; `billing` on the billing alias
   * /api/accounts). Several types may be in force at once; unsuspend lifts the one named.
   */
  @ApiPropertyOptional({ enum: SUSPENSION_TYPES, example: 'abuse' })
  @IsOptional()
  @IsIn(SUSPENSION_TYPES as unknown as string[], { message: `type must be one of ${SUSPENSION_TYPES.join(', ')}` })
  type?: SuspensionType;

  /** Why (kept with the suspension), e.g. `Overdue invoice #1234`; up to 255 characters, no control or bidi character. Ignored by unsuspend. */
  @ApiPropertyOptional({ example: 'Overdue invoice #1234', maxLength: 255 })
  @IsOptional()
  @IsFreeText(255, 0)
  reason?: string;
}
