import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailView {
  @ApiProperty({ example: 'username' })
  field: string;

  @ApiProperty({ example: 'username must be 3 to 32 lowercase letters or digits, starting with a letter' })
  message: string;
}

export class ErrorBody {
  @ApiProperty({ example: 'validation_failed', description: 'Stable machine-readable code' })
  error: string;

  @ApiProperty({ example: 'The request has invalid fields' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailView] })
  details?: ErrorDetailView[];
}
