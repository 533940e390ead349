import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { MailAlias } from '../mail-alias.entity';

/** A forwarder as read back. */
export class MailAliasView {
  @ApiProperty({ example: 3 })
  id: number;
  @ApiProperty({ example: 42 })
  account_id: number;
  @ApiProperty({ example: 'sales@alice.example.com' })
  address: string;
  @ApiProperty({ example: 'sales' })
  local_part: string;
  @ApiProperty({ example: 'alice.example.com' })
  domain: string;
  @ApiProperty({ example: ['info@alice.example.com', 'alice@example.net'], type: [String] })
  destinations: string[];
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  updated_at: string;

  static of(a: MailAlias): MailAliasView {
    return {
      id: a.id,
      account_id: a.accountId,
      address: `${a.localPart}@${a.domain}`,
      local_part: a.localPart,
      domain: a.domain,
      destinations: a.destinations.split(','),
      created_at: isoUtc(a.createdAt)!,
      updated_at: isoUtc(a.updatedAt)!,
    };
  }
}
