import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { HEALTH_STATUSES, HealthStatus, Server, SERVER_STATES, ServerState } from '../server.entity';
import { ServerAddresses } from '../server-addresses';

/** The health probe's last answer (every HW_SERVER_PROBE_SECONDS, signed GET /v1/health). */
export class ServerHealthView {
  @ApiProperty({ enum: HEALTH_STATUSES, example: 'up' })
  status: HealthStatus;
  @ApiProperty({ example: 4, nullable: true, type: Number })
  latency_ms: number | null;
  /** When the agent last answered. */
  @ApiProperty({ example: '2026-04-08T14:32:00Z', nullable: true, type: String })
  last_seen_at: string | null;
  @ApiProperty({ example: '0.1.0', nullable: true, type: String })
  agent_version: string | null;
  /** Why the last probe failed; null when it answered. */
  @ApiProperty({ example: null, nullable: true, type: String })
  error: string | null;
}

/** A server of the fleet. Its agent secret is never answered. */
export class ServerView {
  @ApiProperty({ example: 2 })
  id: number;
  @ApiProperty({ example: 'web2' })
  name: string;
  /** null: the panel's own agent (in-process, or HW_AGENT_URL); server 1 only. */
  @ApiProperty({ example: 'http://10.0.0.12:7443', nullable: true, type: String })
  agent_url: string | null;
  /** Its accounts' A records (server 1 without one: HW_SERVER_IP). */
  @ApiProperty({ example: '203.0.113.12', nullable: true, type: String })
  ipv4: string | null;
  @ApiProperty({ example: null, nullable: true, type: String })
  ipv6: string | null;
  /** Its zones' NS records; empty: HW_NAMESERVERS. */
  @ApiProperty({ example: ['ns1.example.net', 'ns2.example.net'], type: [String] })
  nameservers: string[];
  @ApiProperty({ example: 500, nullable: true, type: Number })
  capacity: number | null;
  @ApiProperty({ enum: SERVER_STATES, example: 'online' })
  state: ServerState;
  @ApiProperty({ example: 37 })
  accounts_count: number;
  @ApiProperty({ type: ServerHealthView })
  health: ServerHealthView;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  updated_at: string;

  static of(s: Server, addresses: ServerAddresses, accounts: number): ServerView {
    return {
      id: s.id,
      name: s.name,
      agent_url: s.agentUrl,
      ipv4: addresses.ipv4,
      ipv6: addresses.ipv6,
      nameservers: addresses.nameservers,
      capacity: s.capacity,
      state: s.state,
      accounts_count: accounts,
      health: {
        status: s.healthStatus,
        latency_ms: s.latencyMs,
        last_seen_at: isoUtc(s.lastSeenAt),
        agent_version: s.agentVersion,
        error: s.healthError,
      },
      created_at: isoUtc(s.createdAt)!,
      updated_at: isoUtc(s.updatedAt)!,
    };
  }
}
