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

export interface ServerDescription {
  name: string;
  ipv4: string | null;
}

/**
 * Every server row, read at most once per SERVER_CACHE_MS: the account views' server names and addresses and
 * the agent clients come from here, so neither costs a query per request. A fleet has few servers.
 */
@Injectable()
export class ServerDirectory {
  private rows = new Map<number, Server>();
  private descriptions = new Map<number, ServerDescription>();
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
  async describe(ids: Iterable<number>): Promise<ReadonlyMap<number, ServerDescription>> {
    const wanted = [...ids];
    const cached = this.describeCached(wanted);
    if (cached) return cached;
    await this.fresh();
    if (wanted.some((id) => !this.rows.has(id))) await this.reread();
    return this.descriptions;
  }

  /** `describe` from the cache alone, when it is fresh and knows every id: an account read costs no promise here. */
  describeCached(ids: readonly number[]): ReadonlyMap<number, ServerDescription> | undefined {
    if (Date.now() >= this.until) return undefined;
    for (const id of ids) if (!this.descriptions.has(id)) return undefined;
    return this.descriptions;
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
        this.descriptions = new Map(rows.map((r) => [r.id, { name: r.name, ipv4: addressesOf(r, this.config.provisioning.serverIp).ipv4 }]));
        this.until = Date.now() + SERVER_CACHE_MS;
      })
      .finally(() => (this.loading = undefined));
    await this.loading;
  }
}
