import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ServerLoad, ServersRepository } from './servers.repository';

/** What a create says about where it goes. */
export interface PlacementRequest {
  /** The create body's `server_id`. */
  serverId?: number | null;
  /** The calling token's pinned server (api_tokens.server_id). */
  pinnedServerId?: number | null;
  /**
   * The pin before the body's server_id: Opterius' own order (reference §1.4). The native API
   * and the other dialects put the body's explicit choice first.
   */
  pinFirst?: boolean;
}

const hasRoom = (s: ServerLoad): boolean => s.capacity === null || s.accounts < s.capacity;

/**
 * Where a new account goes: the explicit server_id, else the token's pinned server, else the
 * online server (not found down by the probe) with the fewest accounts and room left, ties to the
 * lowest id. Runs in the create's transaction after the seat lock, which every create takes, so
 * the counts are those of the creates before it; the chosen row is locked so a delete waits.
 */
@Injectable()
export class ServerPlacement {
  constructor(private readonly servers: ServersRepository) {}

  async place(em: EntityManager, request: PlacementRequest): Promise<number> {
    const { serverId, pinnedServerId, pinFirst } = request;
    const chosen = pinFirst ? (pinnedServerId ?? serverId) : (serverId ?? pinnedServerId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const loads = await this.servers.loads(em);
      const id = chosen != null ? this.checked(loads, chosen, chosen === serverId ? 'server_id' : 'pinned') : leastLoaded(loads);
      // A delete that won the row lock took the server away: choose again.
      if (await this.servers.lock(em, id)) return id;
    }
    throw new DomainError('no_server_available', 'No server can take the account now; try again later', { retryAfterSeconds: 30 });
  }

  private checked(loads: ServerLoad[], id: number, source: 'server_id' | 'pinned'): number {
    const which = source === 'server_id' ? `server ${id}` : `the token's pinned server ${id}`;
    const server = Number.isSafeInteger(id) ? loads.find((s) => s.id === id) : undefined;
    if (!server) throw DomainError.field('server_id', `${which} does not exist`);
    if (server.state === 'offline') throw DomainError.field('server_id', `${which} is offline`);
    if (server.state === 'draining') throw DomainError.conflict(`${which} is draining and takes no new accounts`, 'server_id');
    if (!hasRoom(server)) throw DomainError.conflict(`${which} is full (${server.accounts} of ${server.capacity} accounts)`, 'server_id');
    return id;
  }
}

function leastLoaded(loads: ServerLoad[]): number {
  let best: ServerLoad | undefined;
  for (const s of loads) {
    if (s.state !== 'online' || s.healthStatus === 'down' || !hasRoom(s)) continue;
    if (!best || s.accounts < best.accounts) best = s;
  }
  if (!best) throw new DomainError('no_server_available', 'No online server with room is available for a new account', { retryAfterSeconds: 30 });
  return best.id;
}
