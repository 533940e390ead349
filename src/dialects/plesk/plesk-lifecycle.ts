import { Injectable } from '@nestjs/common';
import { Account } from '../../accounts/account.entity';
import { AccountsService } from '../../accounts/accounts.service';
import { AccountQuery } from '../../accounts/dto/account-query.dto';
import { Client } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { DomainError } from '../../common/errors/domain-error';
import { HostingPackage } from '../../packages/package.entity';
import { PackagesService } from '../../packages/packages.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_ID = /^[1-9]\d{0,15}$/;
/** The suspend reason of accounts suspended with their client: activate lifts only these. */
export const CLIENT_SUSPENDED_REASON = 'client suspended (Plesk)';

/**
 * What both Plesk dialects do beyond one service call: look a client or an account up by numeric
 * id or guid, and Plesk's client semantics — suspend/activate reach the client's accounts, delete
 * deprovisions them. No storage of its own: the clients and accounts services do the work.
 */
@Injectable()
export class PleskLifecycle {
  constructor(
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
    private readonly packages: PackagesService,
  ) {}

  /** By numeric id or guid; 404 otherwise, or 422 on `field` when the reference came in a body field. */
  async client(ref: unknown, field?: string): Promise<Client> {
    const text = typeof ref === 'number' || typeof ref === 'string' ? String(ref).trim() : '';
    const found = NUMERIC_ID.test(text) ? await this.clients.findById(Number(text)) : UUID.test(text) ? await this.clients.findByGuid(text.toLowerCase()) : null;
    if (found) return found;
    throw field ? DomainError.field(field, `${field}: no client ${JSON.stringify(ref ?? null)}`) : DomainError.notFound('Client');
  }

  /** An account ("subscription", "domain") by numeric id or guid; 404 otherwise. */
  async account(ref: unknown): Promise<Account> {
    const text = typeof ref === 'number' || typeof ref === 'string' ? String(ref).trim() : '';
    if (NUMERIC_ID.test(text)) return this.accounts.get(Number(text));
    const found = UUID.test(text) ? await this.accounts.findByGuid(text.toLowerCase()) : null;
    if (!found) throw DomainError.notFound('Subscription');
    return found;
  }

  /** A plan = a package, by numeric id or name; 422 on `field` otherwise. */
  async plan(ref: unknown, field: string): Promise<HostingPackage> {
    const text = typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref.trim() : '';
    const found = (NUMERIC_ID.test(text) ? await this.packages.findById(Number(text)) : null) ?? (text ? await this.packages.findByName(text) : null);
    if (!found) throw DomainError.field(field, `${field}: no plan ${JSON.stringify(ref ?? null)} (send a package id or name)`);
    return found;
  }

  /** Every account of the client (keyset pages of 100). */
  async accountsOf(clientId: number): Promise<Account[]> {
    const all: Account[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.accounts.list({ client_id: clientId, limit: 100, cursor } as AccountQuery, (a) => a);
      all.push(...page.data);
      cursor = page.meta.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  /** Client row → suspended, then each active account (idempotent: repeating it changes nothing). */
  async suspend(client: Client): Promise<Client> {
    if (client.status !== 'suspended') client = await this.clients.setStatus(client.id, 'suspended');
    for (const account of await this.accountsOf(client.id)) {
      if (account.status !== 'active') continue;
      await this.ignoreIfAlready(() => this.accounts.suspend(account.id, CLIENT_SUSPENDED_REASON), account.id, 'suspended');
    }
    return client;
  }

  /** Lifts the suspensions the client's suspend made (not those made for other reasons), then the client row → active. */
  async activate(client: Client): Promise<Client> {
    for (const account of await this.accountsOf(client.id)) {
      if (account.status !== 'suspended' || account.suspendReason !== CLIENT_SUSPENDED_REASON) continue;
      await this.ignoreIfAlready(() => this.accounts.unsuspend(account.id), account.id, 'active');
    }
    return client.status === 'active' ? client : this.clients.setStatus(client.id, 'active');
  }

  /** Plesk's delete: the client's accounts are deprovisioned for real (as a native delete), then the client goes. */
  async remove(client: Client): Promise<void> {
    for (const account of await this.accountsOf(client.id)) await this.accounts.remove(account.id);
    await this.clients.remove(client.id);
  }

  /** A concurrent call that got there first is not an error (billing systems retry). */
  private async ignoreIfAlready(work: () => Promise<unknown>, accountId: number, wanted: string): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict' && (await this.accounts.get(accountId)).status === wanted) return;
      throw error;
    }
  }
}
