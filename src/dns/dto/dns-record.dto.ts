import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString } from 'class-validator';
import { DNS_RECORD_TYPES, DNS_TTL_DEFAULT, DNS_TTL_MAX, DNS_TTL_MIN, ttlProblem } from '../../agent-protocol/grammar';
import { Grammar } from '../../common/grammar-rules';

const NAME =
  '`@` for the apex, a name relative to the zone (`www`, `_sip._tcp`, `*`), or a full name inside it (`www.example.com` or `www.example.com.`). ' +
  'A name that ends with the zone is taken as full; lowercase only.';
const DATA =
  'By type: A/AAAA `{address}` (canonical form); CNAME/NS `{target}` (a host name); MX `{priority, exchange}`; TXT `{text}` ' +
  '(printable ASCII, up to 2048 characters, split into 255-byte strings by the server); SRV `{priority, weight, port, target}`; ' +
  'CAA `{flags: 0|128, tag: issue|issuewild|iodef, value}`.';

const IsTtl = () => Grammar('isTtl', (value) => ttlProblem(value));

export class CreateDnsRecordDto {
  @ApiProperty({ example: 'www', description: NAME })
  @IsString()
  name: string;

  @ApiProperty({ enum: DNS_RECORD_TYPES, example: 'A' })
  @IsIn(DNS_RECORD_TYPES, { message: `type must be one of ${DNS_RECORD_TYPES.join(', ')}` })
  type: string;

  @ApiPropertyOptional({ minimum: DNS_TTL_MIN, maximum: DNS_TTL_MAX, default: DNS_TTL_DEFAULT, example: 3600 })
  @IsOptional()
  @IsTtl()
  ttl?: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: DATA, example: { address: '192.0.2.10' } })
  @IsObject({ message: 'data must be an object with the fields of its type' })
  data: Record<string, unknown>;
}

/** A change: the fields sent replace the stored ones (data field by field); the type stays. */
export class UpdateDnsRecordDto {
  @ApiPropertyOptional({ example: 'www', description: NAME })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ enum: DNS_RECORD_TYPES, description: 'If sent, must be the stored type (a type cannot change).' })
  @IsOptional()
  @IsIn(DNS_RECORD_TYPES, { message: `type must be one of ${DNS_RECORD_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({ minimum: DNS_TTL_MIN, maximum: DNS_TTL_MAX, example: 300 })
  @IsOptional()
  @IsTtl()
  ttl?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: DATA, example: { address: '192.0.2.20' } })
  @IsOptional()
  @IsObject({ message: 'data must be an object with the fields of its type' })
  data?: Record<string, unknown>;
}
