import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { Client, CLIENT_STATUSES, ClientStatus } from '../client.entity';

export class ClientView {
  @ApiProperty({ example: 3 })
  id: number;
  @ApiProperty({ example: '8e1f6c2a-4b7d-4c1e-9a3f-5d2b8c7e6f10' })
  guid: string;
  @ApiProperty({ example: 'Alice Example' })
  name: string;
  @ApiProperty({ example: 'alice' })
  login: string;
  /** Null for a client created without one (the Plesk XML API allows that). */
  @ApiProperty({ example: 'alice@example.com', nullable: true, type: String })
  email: string | null;
  @ApiProperty({ example: 'Example Ltd', nullable: true, type: String })
  company: string | null;
  @ApiProperty({ example: 'active', enum: CLIENT_STATUSES })
  status: ClientStatus;
  @ApiProperty({ example: 'whmcs-1042', nullable: true, type: String })
  external_id: string | null;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;

  static of(c: Client): ClientView {
    return {
      id: c.id,
      guid: c.guid,
      name: c.name,
      login: c.login,
      email: c.email,
      company: c.company,
      status: c.status,
      external_id: c.externalId,
      created_at: isoUtc(c.createdAt)!,
    };
  }
}
