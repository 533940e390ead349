import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Min, ValidateIf } from 'class-validator';
import { MAX_LIMIT_MB, PASSWORD_MAX, PASSWORD_MIN } from '../../agent-protocol/grammar';
import { Immutable, NotWith } from '../../common/field-rules';
import { IsEmailAddress, IsLimitMb, IsPassword } from '../../common/grammar-rules';

export class UpdateAccountDto {
  /** Immutable: sending it is refused with 422. */
  @ApiPropertyOptional({ type: String, description: 'Immutable: sending it is refused with 422', readOnly: true })
  @Immutable()
  username?: unknown;

  /** Immutable: sending it is refused with 422. */
  @ApiPropertyOptional({ type: String, description: 'Immutable: sending it is refused with 422', readOnly: true })
  @Immutable()
  domain?: unknown;

  /** The same rule as on create: a plain address (what the agent's wall accepts, so later plans cannot fail on it). */
  @ApiPropertyOptional({ example: 'alice@example.org', maxLength: 254, format: 'email' })
  @IsOptional()
  @IsEmailAddress()
  email?: string;

  @ApiPropertyOptional({ example: 'n3w-s3cr3t', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @IsOptional()
  @IsPassword()
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
  @ApiPropertyOptional({ example: 5120, nullable: true, type: Number, minimum: 0, maximum: MAX_LIMIT_MB })
  @ValidateIf((o: UpdateAccountDto) => o.disk_limit_mb !== undefined && o.disk_limit_mb !== null)
  @IsLimitMb()
  disk_limit_mb?: number | null;

  /** Per-account traffic override (MiB); null returns to the package's. */
  @ApiPropertyOptional({ example: 51200, nullable: true, type: Number, minimum: 0, maximum: MAX_LIMIT_MB })
  @ValidateIf((o: UpdateAccountDto) => o.bandwidth_limit_mb !== undefined && o.bandwidth_limit_mb !== null)
  @IsLimitMb()
  bandwidth_limit_mb?: number | null;
}
