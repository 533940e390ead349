import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../common/passwords';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';

export const LOGIN_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
export const LOGIN_RULE = 'login must be 3 to 64 letters, digits, dots, hyphens or underscores';

export class CreateClientDto {
  @ApiProperty({ example: 'Alice Example' })
  @IsString()
  @Length(1, 255)
  name: string;

  /** Unique; 3–64 letters, digits, `.`, `_`, `-`; stored lowercase. */
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(LOGIN_PATTERN, { message: LOGIN_RULE })
  login: string;

  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  /** 8–128 characters; stored as an argon2id hash, never returned. */
  @ApiProperty({ example: 's3cur3p@ss', writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` })
  password: string;

  @ApiPropertyOptional({ example: 'Example Ltd', nullable: true, type: String })
  @ValidateIf((o: CreateClientDto) => o.company !== undefined && o.company !== null)
  @IsString()
  @MaxLength(255)
  company?: string | null;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES, { message: `status must be one of ${CLIENT_STATUSES.join(', ')}` })
  status?: ClientStatus;

  /** The client's id in the billing system. */
  @ApiPropertyOptional({ example: 'whmcs-1042', nullable: true, type: String })
  @ValidateIf((o: CreateClientDto) => o.external_id !== undefined && o.external_id !== null)
  @IsString()
  @Length(1, 255)
  external_id?: string | null;
}

export class UpdateClientDto extends PartialType(CreateClientDto, { skipNullProperties: false }) {}
