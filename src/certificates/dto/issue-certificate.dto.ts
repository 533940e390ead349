import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class IssueCertificateDto {
  /** Plain HTTP answers 301 to HTTPS once the certificate is installed (the ACME challenge path excepted). Default false. */
  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean({ message: 'redirect_http must be true or false' })
  redirect_http?: boolean;

  /** Issue a new certificate even when the installed one is not due for renewal (operators, tests). */
  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean({ message: 'force must be true or false' })
  force?: boolean;
}
