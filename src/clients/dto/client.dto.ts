import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { LOGIN_PATTERN, LOGIN_RULE, PASSWORD_MAX, PASSWORD_MIN } from '../../agent-protocol/grammar';
import { IsEmailAddress, IsFreeText, IsPassword } from '../../common/grammar-rules';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';

export { LOGIN_PATTERN, LOGIN_RULE };

export class CreateClientDto {
  /** 1–255 characters; no control or bidi character. */
  @ApiProperty({ example: 'Alice Example', maxLength: 255, minLength: 1 })
  @IsFreeText(255)
  name: string;

  /** Unique; 3–64 letters, digits, `.`, `_`, `-`; stored lowercase. */
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(LOGIN_PATTERN, { message: LOGIN_RULE })
  login: string;

  /** A plain address (ASCII, no quotes or `&`), at most 254 characters. */
  @ApiProperty({ example: 'alice@example.com', maxLength: 254, format: 'email' })
  @IsEmailAddress()
  email: string;

  /** 8–128 characters, no control character; stored as an argon2id hash, never returned. */
  @ApiProperty({ example: 's3cur3p@ss', writeOnly: true, minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsPassword()
  password: string;

  /** Up to 255 characters; no control or bidi character. */
  @ApiPropertyOptional({ example: 'Example Ltd', nullable: true, type: String, maxLength: 255 })
  @ValidateIf((o: CreateClientDto) => o.company !== undefined && o.company !== null)
  @IsFreeText(255, 0)
  company?: string | null;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES, { message: `status must be one of ${CLIENT_STATUSES.join(', ')}` })
  status?: ClientStatus;

  /** The client's id in the billing system: 1–255 characters, no control or bidi character. */
  @ApiPropertyOptional({ example: 'whmcs-1042', nullable: true, type: String, maxLength: 255, minLength: 1 })
  @ValidateIf((o: CreateClientDto) => o.external_id !== undefined && o.external_id !== null)
  @IsFreeText(255)
  external_id?: string | null;
}

export class UpdateClientDto extends PartialType(CreateClientDto, { skipNullProperties: false }) {}
