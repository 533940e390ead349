import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Account } from '../../../accounts/account.entity';
import { Client } from '../../../clients/client.entity';

/** Plesk status codes: 0 active, 16 disabled by admin. */
export const pleskStatusOf = (c: Client): number => (c.status === 'suspended' ? 16 : 0);
const day = (date: Date): string => date.toISOString().slice(0, 10);

/** Plesk REST `Client`. */
export class RestClientView {
  @ApiProperty({ example: 3 })
  id: number;
  @ApiProperty({ example: '2026-04-08', description: 'Creation date (YYYY-MM-DD)' })
  created: string;
  @ApiProperty({ example: 'Jane Roe' })
  name: string;
  /** Empty string when unset. */
  @ApiProperty({ example: '' })
  company: string;
  @ApiProperty({ example: 'janeroe' })
  login: string;
  @ApiProperty({ example: 0, enum: [0, 16], description: '0 active, 16 suspended' })
  status: number;
  /** Empty string when the client has none (Plesk's email is a 0–255 character string). */
  @ApiProperty({ example: 'jane@example.net' })
  email: string;
  @ApiProperty({ example: 'en-US' })
  locale: string;
  @ApiProperty({ example: '8e1f6c2a-4b7d-4c1e-9a3f-5d2b8c7e6f10' })
  guid: string;
  @ApiProperty({ example: 'admin' })
  owner_login: string;
  /** Empty string when unset. */
  @ApiProperty({ example: 'billing:1001' })
  external_id: string;
  @ApiProperty({ example: '' })
  description: string;
  @ApiProperty({ example: 'customer', enum: ['customer'] })
  type: string;

  static of(c: Client): RestClientView {
    return {
      id: c.id,
      created: day(c.createdAt),
      name: c.name,
      company: c.company ?? '',
      login: c.login,
      status: pleskStatusOf(c),
      email: c.email ?? '',
      locale: 'en-US',
      guid: c.guid,
      owner_login: 'admin',
      external_id: c.externalId ?? '',
      description: c.description ?? '',
      type: 'customer',
    };
  }
}

/** Plesk REST `CreatedResponse`: the answer of create, update and delete. */
export class RestCreatedView {
  @ApiProperty({ example: 3 })
  id: number;
  @ApiProperty({ example: '8e1f6c2a-4b7d-4c1e-9a3f-5d2b8c7e6f10' })
  guid: string;

  static of(row: { id: number; guid: string }): RestCreatedView {
    return { id: row.id, guid: row.guid };
  }
}

/** Plesk REST `StatusResponse`. */
export class RestStatusView {
  @ApiProperty({ example: 'success' })
  status: string;
}

export class RestKeyView {
  /** A Hostwright token (hw_…), shown once. */
  @ApiProperty({ example: 'hw_4kV0Gq2m9cE1Yb3Xr8Tn5Lp7Wd6Zs0Hf2Ja4Uc9Qe1' })
  key: string;
}

/** Plesk REST `DomainResponse` of an account (its main domain). */
export class RestDomainView {
  @ApiProperty({ example: 42 })
  id: number;
  @ApiProperty({ example: 'example.org' })
  name: string;
  /** The punycode form (domains are stored that way). */
  @ApiProperty({ example: 'example.org' })
  ascii_name: string;
  @ApiProperty({ example: 'virtual', enum: ['virtual'] })
  hosting_type: string;
  /** 0: a main domain. */
  @ApiProperty({ example: 0 })
  base_domain_id: number;
  @ApiProperty({ example: '/home/exampleftp/example.org/public_html' })
  www_root: string;
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42' })
  guid: string;
  @ApiProperty({ example: '2026-04-08' })
  created: string;
  /** Aliases are not supported: always empty. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, example: [] })
  aliases: object[];
  /** The fleet server the account lives on (Hostwright's; Plesk has one server). */
  @ApiProperty({ example: 1 })
  server_id: number;
  @ApiProperty({ example: 'web1', nullable: true, type: String })
  server_name: string | null;

  static of(a: Account): RestDomainView {
    return {
      id: a.id,
      name: a.domain,
      ascii_name: a.domain,
      hosting_type: 'virtual',
      base_domain_id: 0,
      www_root: `/home/${a.username}/${a.domain}/public_html`,
      guid: a.guid,
      created: day(a.createdAt),
      aliases: [],
      server_id: a.serverId,
      server_name: a.serverName ?? null,
    };
  }
}

/** Plesk REST `ClientStatistics`: the ten integer counters (bytes for disk and traffic). */
export class RestStatisticsView {
  /** The client's accounts that are active. */
  @ApiProperty({ example: 1 })
  active_domains: number;
  @ApiProperty({ example: 0 })
  subdomains: number;
  /** Bytes; 0 until disk usage is measured. */
  @ApiProperty({ example: 0 })
  disk_space: number;
  @ApiProperty({ example: 0 })
  email_postboxes: number;
  @ApiProperty({ example: 0 })
  email_redirects: number;
  @ApiProperty({ example: 0 })
  email_response_messages: number;
  @ApiProperty({ example: 0 })
  mailing_lists: number;
  @ApiProperty({ example: 0 })
  databases: number;
  /** Bytes this month; 0 until traffic is measured. */
  @ApiProperty({ example: 0 })
  traffic: number;
  @ApiProperty({ example: 0 })
  traffic_prevday: number;
}

/** Plesk REST `DomainStatus`. */
export class RestDomainStatusView {
  @ApiProperty({ enum: ['active', 'suspended', 'disabled'], example: 'active' })
  status: string;
}

/** Plesk REST `ServerInfo`, told truthfully: this is Hostwright, not Plesk. */
export class RestServerView {
  @ApiProperty({ example: 'Unix', description: 'Unix (Hostwright runs on Linux)' })
  platform: string;
  @ApiProperty({ example: 'panel.example.net' })
  hostname: string;
  @ApiProperty({ example: '', description: "The licence's server id, empty when none" })
  guid: string;
  @ApiProperty({ example: '0.1.0', description: "Hostwright's version" })
  panel_version: string;
  @ApiProperty({ example: 'hostwright' })
  panel_revision: string;
  @ApiProperty({ example: '' })
  panel_build_date: string;
  @ApiProperty({ example: '' })
  panel_update_version: string;
  @ApiProperty({ example: '' })
  extension_version: string;
}

/** Plesk REST `IpAddress`: the server's one address (provisioning.serverIp). */
export class RestServerIpView {
  @ApiProperty({ example: '192.0.2.10' })
  ipv4: string;
  @ApiProperty({ example: '' })
  ipv6: string;
  @ApiProperty({ example: '255.255.255.255' })
  netmask: string;
  @ApiProperty({ example: '' })
  interface: string;
  @ApiProperty({ example: 'shared', enum: ['shared', 'exclusive'] })
  type: string;
}
