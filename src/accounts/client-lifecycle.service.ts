import { Injectable } from '@nestjs/common';
import { Client, ClientStatus } from '../clients/client.entity';
import { ClientPatch, ClientsService } from '../clients/clients.service';
import { AccountStatus } from './account.entity';
import { AccountsService } from './accounts.service';

/** The suspend reason of the accounts a client's suspension suspended: unsuspending the client lifts only these. */
export const CLIENT_SUSPENDED_REASON = 'suspended with its client';

export interface ClientRemoval {
  /** Deprovision and delete the client's accounts first; without it a client that owns accounts is refused (409). */
  cascade: boolean;
}

/**
 * What a client's status and its deletion do to its accounts, the same in every dialect (native,
 * Plesk reseller, Plesk REST v2), which only choose the options:
 * - suspending a client suspends its active accounts;
 * - unsuspending it lifts only the suspensions its suspension made (an account suspended on its
 *   own before stays suspended);
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

  setStatus(id: number, status: ClientStatus): Promise<Client> {
    return status === 'suspended' ? this.suspend(id) : this.unsuspend(id);
  }

  /** The client first (so it is suspended even if an account fails), then each of its active accounts. */
  async suspend(id: number): Promise<Client> {
    let client = await this.clients.get(id);
    if (client.status !== 'suspended') client = await this.clients.setStatus(id, 'suspended');
    for (const account of await this.accounts.ofClient(id)) {
      if (account.status !== 'active') continue;
      await this.reach(account.id, 'suspended', () => this.accounts.suspend(account.id, CLIENT_SUSPENDED_REASON));
    }
    return client;
  }

  /** The accounts first (so the client stays suspended until all are back), then the client. */
  async unsuspend(id: number): Promise<Client> {
    const client = await this.clients.get(id);
    for (const account of await this.accounts.ofClient(id)) {
      if (account.status !== 'suspended' || account.suspendReason !== CLIENT_SUSPENDED_REASON) continue;
      await this.reach(account.id, 'active', () => this.accounts.unsuspend(account.id));
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
  private async reach(accountId: number, wanted: AccountStatus, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const now = await this.accounts.get(accountId).catch(() => null);
      if (now?.status !== wanted) throw error;
    }
  }
}
