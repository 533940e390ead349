import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { addressesOf } from './server-addresses';
import { Server } from './server.entity';
import { ServersRepository } from './servers.repository';

/**
 * How long the servers read here are trusted. A change made by this process is seen at once;
 * one made by another panel sharing the database, within this time.
 */
export const SERVER_CACHE_MS = 5_000;

/**
 * Every server row, read at most once per SERVER_CACHE_MS: the account views' server names and addresses and
 * the agent clients come from here, so neither costs a query per request. A fleet has few servers.
 */
@Injectable()
export class ServerDirectory {
  private rows = new Map<number, Server>();
  private until = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly servers: ServersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The row; one this cache has not seen yet (added on another panel moments ago) is read again at once. */
  async get(id: number): Promise<Server | null> {
    await this.fresh();
    if (!this.rows.has(id)) await this.reread();
    return this.rows.get(id) ?? null;
  }

  /** The name and IPv4 address (server 1 without one: HW_SERVER_IP) of each id; absent for one that is gone. */
  async describe(ids: Iterable<number>): Promise<Map<number, { name: string; ipv4: string | null }>> {
    await this.fresh();
    const wanted = [...ids];
    if (wanted.some((id) => !this.rows.has(id))) await this.reread();
    const out = new Map<number, { name: string; ipv4: string | null }>();
    for (const id of wanted) {
      const row = this.rows.get(id);
      if (row) out.set(id, { name: row.name, ipv4: addressesOf(row, this.config.provisioning.serverIp).ipv4 });
    }
    return out;
  }

  /** After a write: the next read asks the database. */
  forget(): void {
    this.until = 0;
  }

  /** A read that starts now: one already under way may predate the row looked for. */
  private async reread(): Promise<void> {
    await this.loading;
    this.until = 0;
    await this.fresh();
  }

  private async fresh(): Promise<void> {
    if (Date.now() < this.until) return;
    this.loading ??= this.servers
      .all()
      .then((rows) => {
        this.rows = new Map(rows.map((r) => [r.id, r]));
        this.until = Date.now() + SERVER_CACHE_MS;
      })
      .finally(() => (this.loading = undefined));
    await this.loading;
  }
}
