import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { AuditEntry } from '../audit-entry.entity';

export class AuditEntryView {
  @ApiProperty({ example: 7 })
  id: number;
  @ApiProperty({ example: 3, nullable: true, type: Number })
  token_id: number | null;
  /** The calling token's name; null when the request had no valid token. */
  @ApiProperty({ example: 'whmcs-integration', nullable: true, type: String })
  token_name: string | null;
  /** Method and route pattern. */
  @ApiProperty({ example: 'POST /api/v1/accounts/:id/suspend' })
  action: string;
  /** The id the write was about, when known. */
  @ApiProperty({ example: '42', nullable: true, type: String })
  target: string | null;
  /** The HTTP status answered. */
  @ApiProperty({ example: 200 })
  result: number;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;

  static of(entry: AuditEntry): AuditEntryView {
    return {
      id: entry.id,
      token_id: entry.tokenId,
      token_name: entry.tokenName,
      action: `${entry.method} ${entry.route}`,
      target: entry.target,
      result: entry.status,
      created_at: isoUtc(entry.createdAt)!,
    };
  }
}
