import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** Either `license` (the file's text) or the licence object itself (`payload` + `signature`). */
export class InstallLicenseDto {
  @ApiPropertyOptional({ description: 'The licence file text, as issued', example: '{"payload":{…},"signature":"…"}' })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  license?: string;

  @ApiPropertyOptional({
    description: 'The licence payload, when sending the licence object directly',
    example: { licensee: 'ACME', plan: 'pro', max_accounts: 100, issued_at: '2026-01-01T00:00:00Z', expires_at: '2027-12-31T23:59:59Z' },
  })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'base64 Ed25519 signature of the canonical payload (with payload)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  signature?: string;
}
