import { Injectable } from '@nestjs/common';
import { Server } from './server.entity';
import { ServersRepository } from './servers.repository';

/**
 * How long the servers read here are trusted. A change made by this process is seen at once;
 * one made by another panel sharing the database, within this time.
 */
export const SERVER_CACHE_MS = 5_000;

/**
 * Every server row, read at most once per SERVER_CACHE_MS: the account views' server names and
 * the agent clients come from here, so neither costs a query per request. A fleet has few servers.
 */
@Injectable()
export class ServerDirectory {
  private rows = new Map<number, Server>();
  private until = 0;
  private loading?: Promise<void>;

  constructor(private readonly servers: ServersRepository) {}

  async get(id: number): Promise<Server | null> {
    await this.fresh();
    if (!this.rows.has(id)) {
      // Placement reads the rows fresh, so it may pick a server another panel added after our last read.
      this.forget();
      await this.fresh();
    }
    return this.rows.get(id) ?? null;
  }

  /** The name of each id (null for one that is gone). */
  async names(ids: Iterable<number>): Promise<Map<number, string | null>> {
    await this.fresh();
    return new Map([...ids].map((id) => [id, this.rows.get(id)?.name ?? null]));
  }

  /** After a write: the next read asks the database. */
  forget(): void {
    this.until = 0;
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
