import { Injectable } from '@nestjs/common';
import { Account } from '../../accounts/account.entity';
import { AccountsService } from '../../accounts/accounts.service';
import { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { DomainError } from '../../common/errors/domain-error';
import { HostingPackage } from '../../packages/package.entity';
import { PackagesService } from '../../packages/packages.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NUMERIC_ID = /^[1-9]\d{0,15}$/;

/**
 * How both Plesk dialects name things: a client or an account by numeric id or guid, a plan by
 * package id or name. Lookups only; what happens to them is the services' (ClientLifecycleService
 * for a client's suspend, activate and delete).
 */
@Injectable()
export class PleskReferences {
  constructor(
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
    private readonly packages: PackagesService,
  ) {}

  /** By numeric id or guid; 404 otherwise, or 422 on `field` when the reference came in a body field. */
  async client(ref: unknown, field?: string): Promise<Client> {
    const text = canonicalRef(ref);
    const found = NUMERIC_ID.test(text) ? await this.clients.findById(Number(text)) : UUID.test(text) ? await this.clients.findByGuid(text) : null;
    if (found) return found;
    throw field ? DomainError.field(field, `${field}: no client ${JSON.stringify(ref ?? null)}`) : DomainError.notFound('Client');
  }

  /** An account ("subscription", "domain") by numeric id or guid; 404 otherwise. */
  async account(ref: unknown): Promise<Account> {
    const text = canonicalRef(ref);
    if (NUMERIC_ID.test(text)) return this.accounts.get(Number(text));
    const found = UUID.test(text) ? await this.accounts.findByGuid(text) : null;
    if (!found) throw DomainError.notFound('Subscription');
    return found;
  }

  /** A plan = a package, by numeric id or name; 422 on `field` otherwise. */
  async plan(ref: unknown, field: string): Promise<HostingPackage> {
    const text = canonicalRef(ref);
    const found = (NUMERIC_ID.test(text) ? await this.packages.findById(Number(text)) : null) ?? (text ? await this.packages.findByName(text) : null);
    if (!found) throw DomainError.field(field, `${field}: no plan ${JSON.stringify(ref ?? null)} (send a package id or name)`);
    return found;
  }
}

/** A reference as sent: only the canonical form names something (no trimming, no case folding), as for native path ids. */
function canonicalRef(ref: unknown): string {
  return typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref : '';
}
