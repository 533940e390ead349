import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, validate, ValidationError } from 'class-validator';
import { DomainError, ErrorDetail } from '../../../common/errors/domain-error';

/** Every per-account verb finds the account by `username`, else by its primary `domain`. */
export class OpteriusLookupDto {
  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ example: 'alice.example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  domain?: string;
}

export class OpteriusSuspendDto extends OpteriusLookupDto {
  @ApiPropertyOptional({ example: 'Overdue invoice', description: 'Default "Suspended by billing system"' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reason?: string;
}

export class OpteriusPasswordDto extends OpteriusLookupDto {
  @ApiProperty({ example: 'n3w-s3cret', minLength: 8, writeOnly: true })
  @IsString()
  @MinLength(8, { message: 'The password field must be at least 8 characters.' })
  password: string;
}

export class OpteriusPackageDto extends OpteriusLookupDto {
  @ApiProperty({ example: 'Starter', description: 'The package name, exact match' })
  @IsString()
  @MaxLength(255)
  package: string;
}

export class OpteriusCreateDto {
  @ApiProperty({ example: 'alice.example.com' })
  @IsString()
  @MaxLength(255)
  domain: string;

  @ApiProperty({ example: 'alice', description: 'alpha_dash, at most 32; Hostwright then needs 3–32 lowercase letters and digits' })
  @IsString()
  @MaxLength(32)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'The username field must only contain letters, numbers, dashes, and underscores.' })
  username: string;

  @ApiProperty({ example: 's3cur3p@ss', minLength: 8, writeOnly: true })
  @IsString()
  @MinLength(8, { message: 'The password field must be at least 8 characters.' })
  password: string;

  @ApiProperty({ example: 'Starter', description: 'The package name, exact match' })
  @IsString()
  @MaxLength(255)
  package: string;

  @ApiPropertyOptional({ example: 1, description: "The server to host it on (GET /api/v1/servers); the API key's pinned server comes first, as in Opterius" })
  @IsOptional()
  @IsInt()
  server_id?: number;

  @ApiProperty({ example: 'alice@example.com', description: 'The owning client: reused when one has this email, else created' })
  @IsEmail({}, { message: 'The client email field must be a valid email address.' })
  @MaxLength(254)
  client_email: string;

  @ApiProperty({ example: 'Alice Example' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  client_name: string;

  @ApiPropertyOptional({ example: 1042, description: "WHMCS' service id: stored as the account's external id; a repeated create with it answers the first account" })
  @IsOptional()
  @IsInt()
  @Min(1)
  whmcs_service_id?: number;

  @ApiPropertyOptional({ example: 7, description: "WHMCS' client id: stored as the client's external id" })
  @IsOptional()
  @IsInt()
  @Min(1)
  whmcs_client_id?: number;
}

/**
 * Checks an Opterius body the way Laravel's `validate` does: the declared fields by their rules,
 * anything else ignored (not refused, as the native API does). 422 with one detail per field.
 */
export async function opteriusBody<T extends object>(type: new () => T, body: unknown): Promise<T> {
  const plain = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: false });
  if (errors.length) throw DomainError.validation(errors.map(detailOf));
  return instance;
}

function detailOf(error: ValidationError): ErrorDetail {
  const label = error.property.replace(/_/g, ' ');
  if (error.value === undefined || error.value === null || error.value === '') return { field: error.property, message: `The ${label} field is required.` };
  const constraints = error.constraints ?? {};
  if (constraints.isString) return { field: error.property, message: `The ${label} field must be a string.` };
  if (constraints.isInt) return { field: error.property, message: `The ${label} field must be an integer.` };
  if (constraints.maxLength) return { field: error.property, message: `The ${label} field must not be greater than ${maxOf(constraints.maxLength)} characters.` };
  return { field: error.property, message: Object.values(constraints)[0] };
}

function maxOf(message: string): string {
  return /(\d+)/.exec(message)?.[1] ?? '';
}
