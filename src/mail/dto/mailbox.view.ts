import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { Mailbox } from '../mailbox.entity';

/** A mailbox as read back; never its password or hash. */
export class MailboxView {
  @ApiProperty({ example: 7 })
  id: number;
  @ApiProperty({ example: 42 })
  account_id: number;
  @ApiProperty({ example: 'info@alice.example.com' })
  address: string;
  @ApiProperty({ example: 'info' })
  local_part: string;
  @ApiProperty({ example: 'alice.example.com' })
  domain: string;
  @ApiProperty({ example: 1024 })
  quota_mb: number;
  /** The account's own mailbox ({username}@{domain}): its password is the account's and follows every change of it. */
  @ApiProperty({ example: false })
  primary: boolean;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  updated_at: string;

  static of(m: Mailbox, username: string): MailboxView {
    return {
      id: m.id,
      account_id: m.accountId,
      address: `${m.localPart}@${m.domain}`,
      local_part: m.localPart,
      domain: m.domain,
      quota_mb: m.quotaMb,
      primary: m.localPart === username,
      created_at: isoUtc(m.createdAt)!,
      updated_at: isoUtc(m.updatedAt)!,
    };
  }
}
