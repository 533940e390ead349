import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString } from 'class-validator';
import { DATABASE_NAME_MAX, DATABASE_USER_MAX, PASSWORD_MAX, PASSWORD_MIN } from '../../agent-protocol/grammar';
import { IsPassword } from '../../common/grammar-rules';

export class CreateDatabaseDto {
  /** `{username}_` and lowercase letters, digits or underscores; at most 64 characters. */
  @ApiProperty({ example: 'alice_shop', maxLength: DATABASE_NAME_MAX })
  @IsString()
  name: string;
}

export class CreateDatabaseUserDto {
  /** `{username}_` and lowercase letters, digits or underscores; at most 80 characters. */
  @ApiProperty({ example: 'alice_shop', maxLength: DATABASE_USER_MAX })
  @IsString()
  name: string;

  @ApiProperty({ example: 'n3w-s3cr3t-db', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @IsPassword()
  password: string;

  /** The account's databases this user gets ALL PRIVILEGES on (and on nothing else); none by default. */
  @ApiPropertyOptional({ example: ['alice_shop'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  databases?: string[];
}

export class UpdateDatabaseUserDto {
  @ApiPropertyOptional({ example: 'an0ther-s3cr3t', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, writeOnly: true })
  @IsOptional()
  @IsPassword()
  password?: string;

  /** Replaces the set of databases the user may use. */
  @ApiPropertyOptional({ example: ['alice_shop', 'alice_blog'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  databases?: string[];
}
