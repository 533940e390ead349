import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class SuspendAccountDto {
  /** Why (kept with the account while suspended), e.g. `Overdue invoice #1234`. */
  @ApiPropertyOptional({ example: 'Overdue invoice #1234' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reason?: string;
}
