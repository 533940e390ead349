import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from './error-catalogue';

export class ErrorDetailView {
  @ApiProperty({ example: 'username' })
  field: string;

  @ApiProperty({ example: 'username must be 3 to 32 lowercase letters or digits, starting with a letter' })
  message: string;
}

export class ErrorBody {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', example: 'validation_failed', description: 'Stable machine-readable code' })
  error: ErrorCode;

  @ApiProperty({ example: 'The request has invalid fields' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailView] })
  details?: ErrorDetailView[];
}
