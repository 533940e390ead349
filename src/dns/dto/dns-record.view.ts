import { ApiProperty } from '@nestjs/swagger';

export class DnsRecordView {
  @ApiProperty({ example: 17 })
  id: number;
  /** Relative to the zone; `@` is the apex. */
  @ApiProperty({ example: 'www' })
  name: string;
  /** The full name, without the trailing dot. */
  @ApiProperty({ example: 'www.example.com' })
  fqdn: string;
  @ApiProperty({ example: 'A', enum: ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA'] })
  type: string;
  @ApiProperty({ example: 3600 })
  ttl: number;
  /** The content by type (see the create body); SOA `{primary, mailbox, serial, refresh, retry, expire, minimum}`; null if a stored row does not parse. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { address: '192.0.2.10' } })
  data: Record<string, unknown> | null;
  /** Made by the account's create (editable and deletable like any other). */
  @ApiProperty({ example: true })
  generated: boolean;
  /** The apex SOA and NS records: the server's; PATCH and DELETE answer 409. */
  @ApiProperty({ example: false })
  protected: boolean;
}
