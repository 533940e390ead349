import { Injectable } from '@nestjs/common';
import { Client, ClientStatus } from '../clients/client.entity';
import { ClientPatch, ClientsService } from '../clients/clients.service';
import { Account } from './account.entity';
import { AccountsService } from './accounts.service';

/** The reason of the `client` suspension a client's suspension adds to each of its accounts. */
export const CLIENT_SUSPENDED_REASON = 'suspended with its client';

export interface ClientRemoval {
  /** Deprovision and delete the client's accounts first; without it a client that owns accounts is refused (409). */
  cascade: boolean;
}

/**
 * What a client's status and its deletion do to its accounts, the same in every dialect (native,
 * Plesk reseller, Plesk REST v2), which only choose the options:
 * - suspending a client adds a `client` suspension to each of its accounts (active or suspended);
 * - unsuspending it lifts only those: an account suspended for another reason too (abuse,
 *   billing, admin) stays suspended for that one;
 * - deleting it is refused while it owns accounts, unless cascade deprovisions them first.
 * Suspend and unsuspend are idempotent: repeating one finishes what a failed attempt left.
 */
@Injectable()
export class ClientLifecycleService {
  constructor(
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
  ) {}

  /** Changes the client's fields, then its status the way setStatus does. */
  async update(id: number, { status, ...fields }: ClientPatch): Promise<Client> {
    const client = await this.clients.update(id, fields);
    return status === undefined ? client : this.setStatus(client.id, status);
  }

  setStatus(id: number, status: ClientStatus, actor?: string | null): Promise<Client> {
    return status === 'suspended' ? this.suspend(id, actor) : this.unsuspend(id);
  }

  /** The client first (so it is suspended even if an account fails), then each of its accounts in service. */
  async suspend(id: number, actor: string | null = 'client lifecycle'): Promise<Client> {
    let client = await this.clients.get(id);
    if (client.status !== 'suspended') client = await this.clients.setStatus(id, 'suspended');
    for (const account of await this.accounts.ofClient(id)) {
      if (account.status !== 'active' && account.status !== 'suspended') continue;
      if (hasClientSuspension(account)) continue;
      await this.reach(account.id, hasClientSuspension, () => this.accounts.ensureSuspended(account.id, { type: 'client', reason: CLIENT_SUSPENDED_REASON, actor }));
    }
    return client;
  }

  /** The accounts first (so the client stays suspended until all are lifted), then the client. */
  async unsuspend(id: number): Promise<Client> {
    const client = await this.clients.get(id);
    for (const account of await this.accounts.ofClient(id)) {
      if (!hasClientSuspension(account)) continue;
      await this.reach(
        account.id,
        (a) => !hasClientSuspension(a),
        () => this.accounts.ensureLifted(account.id, { type: 'client' }),
      );
    }
    return client.status === 'active' ? client : this.clients.setStatus(id, 'active');
  }

  /** With cascade each account is deleted as a native account delete would (server side included), then the client. */
  async remove(id: number, { cascade }: ClientRemoval): Promise<void> {
    await this.clients.get(id);
    if (cascade) {
      for (const account of await this.accounts.ofClient(id)) await this.accounts.remove(account.id);
    }
    await this.clients.remove(id);
  }

  /** A concurrent call that got the account there first is not a failure (billing systems retry). */
  private async reach(accountId: number, done: (account: Account) => boolean, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const now = await this.accounts.get(accountId).catch(() => null);
      if (!now || !done(now)) throw error;
    }
  }
}

const hasClientSuspension = (account: Account): boolean => (account.suspensions ?? []).some((s) => s.type === 'client');
