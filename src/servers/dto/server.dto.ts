import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SERVER_STATES, ServerState } from '../server.entity';

export class CreateServerDto {
  /** Unique; letters, digits, dots and dashes, as a host name (`web1`, `web1.example.net`). */
  @ApiProperty({ example: 'web2' })
  @IsString()
  @Matches(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62})$/, { message: 'name must be 1 to 64 letters, digits, dots or dashes, starting with a letter or digit' })
  name: string;

  /** The agent daemon's address (`npm run agent` on that server): http://host:port. */
  @ApiProperty({ example: 'http://10.0.0.12:7443' })
  @IsString()
  @Length(1, 500)
  agent_url: string;

  /** The agent's HW_AGENT_SECRET (32 characters or more); kept encrypted, never answered. */
  @ApiProperty({ example: 'a-long-random-secret-of-32-or-more-characters' })
  @IsString()
  @Length(32, 500, { message: 'agent_secret must be 32 to 500 characters' })
  agent_secret: string;

  /** The address its accounts' A records point at. */
  @ApiPropertyOptional({ example: '203.0.113.12', nullable: true, type: String })
  @IsOptional()
  @IsString()
  ipv4?: string | null;

  /** The address of its accounts' AAAA records; none when null. */
  @ApiPropertyOptional({ example: '2001:db8::12', nullable: true, type: String })
  @IsOptional()
  @IsString()
  ipv6?: string | null;

  /** The NS records of its accounts' zones; empty: HW_NAMESERVERS. */
  @ApiPropertyOptional({ example: ['ns1.example.net', 'ns2.example.net'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  nameservers?: string[];

  /** How many accounts it may hold; null: no limit. */
  @ApiPropertyOptional({ example: 500, nullable: true, type: Number })
  @IsOptional()
  @IsInt({ message: 'capacity must be a whole number' })
  @Min(0)
  @Max(10_000_000)
  capacity?: number | null;

  /** `online` takes new accounts; `draining` keeps serving its accounts and takes none; `offline` neither takes nor is chosen. */
  @ApiPropertyOptional({ enum: SERVER_STATES, example: 'online' })
  @IsOptional()
  @IsIn(SERVER_STATES, { message: `state must be one of ${SERVER_STATES.join(', ')}` })
  state?: ServerState;
}

export class UpdateServerDto extends PartialType(CreateServerDto, { skipNullProperties: false }) {}
