import { ApiProperty } from '@nestjs/swagger';
import { Account } from '../../../accounts/account.entity';
import { Client, CLIENT_STATUSES, ClientStatus } from '../../../clients/client.entity';
import { HostingPackage } from '../../../packages/package.entity';

/** 0xhost writes timestamps as `YYYY-MM-DD HH:MM:SS` (UTC here). */
export function resellerTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** The seed's `data`: exactly these six fields. */
export class ResellerClientView {
  /** The client's guid. */
  @ApiProperty({ example: '5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70' })
  id: string;
  /** The numeric id, as a string. */
  @ApiProperty({ example: '42' })
  plesk_client_id: string;
  @ApiProperty({ example: 'John Doe' })
  name: string;
  @ApiProperty({ example: 'johndoe' })
  login: string;
  /** Null for a client created without one (through the Plesk XML API). */
  @ApiProperty({ example: 'john@example.com', nullable: true, type: String })
  email: string | null;
  @ApiProperty({ example: 'ACME Corp', nullable: true, type: String })
  company: string | null;

  static of(c: Client): ResellerClientView {
    return { id: c.guid, plesk_client_id: String(c.id), name: c.name, login: c.login, email: c.email, company: c.company };
  }
}

/** A client as the extensions (list, get, update, suspend) show it. */
export class ResellerClientDetailView extends ResellerClientView {
  @ApiProperty({ example: 'active', enum: CLIENT_STATUSES })
  status: ClientStatus;
  @ApiProperty({ example: 'whmcs-1042', nullable: true, type: String })
  external_id: string | null;
  @ApiProperty({ example: '2026-04-08 14:32:00' })
  created_at: string;

  static of(c: Client): ResellerClientDetailView {
    return Object.assign(ResellerClientView.of(c), { status: c.status, external_id: c.externalId, created_at: resellerTime(c.createdAt) });
  }
}

export class ResellerClientCreatedView {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Client created successfully' })
  message: string;
  @ApiProperty({ type: ResellerClientView })
  data: ResellerClientView;
}

export class ResellerClientEnvelope {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Client retrieved successfully' })
  message: string;
  @ApiProperty({ type: ResellerClientDetailView })
  data: ResellerClientDetailView;
}

export class ResellerPageMeta {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' })
  next_cursor: string | null;
  @ApiProperty({ example: 25 })
  limit: number;
}

export class ResellerClientListEnvelope {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Clients retrieved successfully' })
  message: string;
  @ApiProperty({ type: [ResellerClientDetailView] })
  data: ResellerClientDetailView[];
  @ApiProperty({ type: ResellerPageMeta })
  meta: ResellerPageMeta;
}

export class ResellerDeletedData {
  @ApiProperty({ example: '5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70' })
  id: string;
  @ApiProperty({ example: '42' })
  plesk_client_id: string;
}

export class ResellerClientDeletedEnvelope {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Client deleted successfully' })
  message: string;
  @ApiProperty({ type: ResellerDeletedData })
  data: ResellerDeletedData;
}

/**
 * An "order": Hostwright bills nothing, so it is synthesised from the account — id = the
 * account's guid, amount "0.00", status completed.
 */
export class ResellerOrderView {
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42' })
  id: string;
  @ApiProperty({ example: 'PLK_20260408_000042' })
  order_number: string;
  @ApiProperty({ example: 'completed' })
  status: string;
  @ApiProperty({ example: '0.00' })
  amount: string;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ example: '2026-04-08 14:32:00' })
  created_at: string;

  static of(a: Account, at: Date = a.updatedAt): ResellerOrderView {
    const day = resellerTime(at).slice(0, 10).replace(/-/g, '');
    return {
      id: a.guid,
      order_number: `PLK_${day}_${String(a.id).padStart(6, '0')}`,
      status: 'completed',
      amount: '0.00',
      currency: 'EUR',
      created_at: resellerTime(at),
    };
  }
}

export class ResellerSubscriptionView {
  /** The account's guid. */
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42' })
  id: string;
  @ApiProperty({ example: 'example.org' })
  domain_name: string;
  @ApiProperty({ example: 'active' })
  status: string;
  /** Accounts do not expire: always null. */
  @ApiProperty({ example: null, nullable: true, type: String })
  expires_at: string | null;
  /** The fleet server the account lives on (Hostwright's; Plesk has one server). */
  @ApiProperty({ example: 1 })
  server_id: number;
  @ApiProperty({ example: 'web1', nullable: true, type: String })
  server_name: string | null;

  static of(a: Account): ResellerSubscriptionView {
    return { id: a.guid, domain_name: a.domain, status: a.status, expires_at: null, server_id: a.serverId, server_name: a.serverName ?? null };
  }
}

export class ResellerOrderCreatedEnvelope {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Plesk order created successfully' })
  message: string;
  @ApiProperty({ type: ResellerOrderView })
  order: ResellerOrderView;
  @ApiProperty({ type: ResellerSubscriptionView })
  subscription: ResellerSubscriptionView;
  /** Hostwright keeps no balance: always "0.00". */
  @ApiProperty({ example: '0.00' })
  balance_after: string;
}

export class ResellerScaledSubscriptionView {
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42' })
  id: string;
  @ApiProperty({ example: 'example.org' })
  domain_name: string;
  @ApiProperty({ example: 'business' })
  plan_name: string;
  /** Accounts do not expire: always null. */
  @ApiProperty({ example: null, nullable: true, type: String })
  new_expires_at: string | null;
  /** `months` as sent (0 when absent). */
  @ApiProperty({ example: 1 })
  months_added: number;
}

export class ResellerOrderScaledEnvelope {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Subscription renewed successfully' })
  message: string;
  @ApiProperty({ type: ResellerOrderView })
  order: ResellerOrderView;
  @ApiProperty({ type: ResellerScaledSubscriptionView })
  subscription: ResellerScaledSubscriptionView;
  @ApiProperty({ example: '0.00' })
  balance_after: string;
}

export class ResellerSubscriptionDetailView {
  @ApiProperty({ example: '3f0c9a4e-8d1b-4f6a-9c3e-2b7d5e1a0f42' })
  id: string;
  @ApiProperty({ example: 'example.org' })
  domain_name: string;
  @ApiProperty({ example: 'active' })
  status: string;
  @ApiProperty({ example: '0.00' })
  price: string;
  @ApiProperty({ example: 'default' })
  plan_name: string;
  /** The owner's guid; null for an account without client. */
  @ApiProperty({ example: '5f0c2e1a-6b7d-4c1e-9a10-2b3c4d5e6f70', nullable: true, type: String })
  client_id: string | null;
  @ApiProperty({ example: 'Jane Roe', nullable: true, type: String })
  client_name: string | null;
  @ApiProperty({ example: '2026-04-08 14:32:00' })
  created_at: string;
  @ApiProperty({ example: null, nullable: true, type: String })
  expires_at: string | null;
  @ApiProperty({ example: false })
  auto_renew: boolean;
  /** The account's username. */
  @ApiProperty({ example: 'exampleftp' })
  ftp_username: string;
  /** The fleet server the account lives on (Hostwright's; Plesk has one server). */
  @ApiProperty({ example: 1 })
  server_id: number;
  @ApiProperty({ example: 'web1', nullable: true, type: String })
  server_name: string | null;

  static of(a: Account, plan: HostingPackage | null, client: Client | null): ResellerSubscriptionDetailView {
    return {
      id: a.guid,
      domain_name: a.domain,
      status: a.status,
      price: '0.00',
      plan_name: plan?.name ?? '',
      client_id: client?.guid ?? null,
      client_name: client?.name ?? null,
      created_at: resellerTime(a.createdAt),
      expires_at: null,
      auto_renew: false,
      ftp_username: a.username,
      server_id: a.serverId,
      server_name: a.serverName ?? null,
    };
  }
}

export class ResellerSubscriptionDetailEnvelope {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Subscription retrieved successfully' })
  message: string;
  @ApiProperty({ type: ResellerSubscriptionDetailView })
  subscription: ResellerSubscriptionDetailView;
  /** Hostwright keeps no orders: the one synthesised from the account. */
  @ApiProperty({ type: [ResellerOrderView] })
  orders: ResellerOrderView[];
}
