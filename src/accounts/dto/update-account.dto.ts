import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { Immutable, NotWith } from '../../common/field-rules';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../common/passwords';
import { MAX_LIMIT_MB } from './create-account.dto';

export class UpdateAccountDto {
  /** Immutable: sending it is refused with 422. */
  @ApiPropertyOptional({ type: String, description: 'Immutable: sending it is refused with 422', readOnly: true })
  @Immutable()
  username?: unknown;

  /** Immutable: sending it is refused with 422. */
  @ApiPropertyOptional({ type: String, description: 'Immutable: sending it is refused with 422', readOnly: true })
  @Immutable()
  domain?: unknown;

  @ApiPropertyOptional({ example: 'alice@example.org' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'n3w-s3cr3t', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` })
  password?: string;

  /** Moves the account to another package (its PHP version follows). */
  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsInt({ message: 'package_id must be a whole number' })
  @Min(1)
  package_id?: number;

  /** The new package by name, instead of `package_id`. */
  @ApiPropertyOptional({ example: 'business' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @NotWith('package_id')
  package?: string;

  /** The owning client; null detaches the account. */
  @ApiPropertyOptional({ example: 3, nullable: true, type: Number })
  @ValidateIf((o: UpdateAccountDto) => o.client_id !== undefined && o.client_id !== null)
  @IsInt({ message: 'client_id must be a whole number' })
  @Min(1)
  client_id?: number | null;

  /** Per-account disk quota override (MiB); null returns to the package's. */
  @ApiPropertyOptional({ example: 5120, nullable: true, type: Number })
  @ValidateIf((o: UpdateAccountDto) => o.disk_limit_mb !== undefined && o.disk_limit_mb !== null)
  @IsInt({ message: 'disk_limit_mb must be a whole number' })
  @Min(0)
  @Max(MAX_LIMIT_MB)
  disk_limit_mb?: number | null;

  /** Per-account traffic override (MiB); null returns to the package's. */
  @ApiPropertyOptional({ example: 51200, nullable: true, type: Number })
  @ValidateIf((o: UpdateAccountDto) => o.bandwidth_limit_mb !== undefined && o.bandwidth_limit_mb !== null)
  @IsInt({ message: 'bandwidth_limit_mb must be a whole number' })
  @Min(0)
  @Max(MAX_LIMIT_MB)
  bandwidth_limit_mb?: number | null;
}
