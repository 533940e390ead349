import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const SERVER_STATES = ['online', 'offline', 'draining'] as const;
export type ServerState = (typeof SERVER_STATES)[number];
export const HEALTH_STATUSES = ['up', 'down', 'unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/**
 * One web server of the fleet and its agent. agent_url null: the panel's own agent (in-process, or
 * HW_AGENT_URL), which only server 1 may be. The health columns are the probe's last answer.
 */
@Entity('servers')
export class Server {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ name: 'agent_url', type: 'varchar', length: 500, nullable: true })
  agentUrl: string | null;

  /** The agent's HMAC secret, sealed with the server key (SecretBox); never answered. */
  @Column({ name: 'agent_secret_enc', type: 'text', nullable: true })
  agentSecretEnc: string | null;

  @Column({ type: 'varchar', length: 15, nullable: true })
  ipv4: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ipv6: string | null;

  /** JSON array of host names; empty: HW_NAMESERVERS. */
  @Column({ type: 'text' })
  nameservers: string;

  /** How many accounts it may hold; null: no limit. */
  @Column({ type: 'integer', nullable: true })
  capacity: number | null;

  @Column({ type: 'varchar', length: 16 })
  state: ServerState;

  @Column({ name: 'health_status', type: 'varchar', length: 16 })
  healthStatus: HealthStatus;

  @Column({ name: 'last_seen_at', type: 'datetime', nullable: true })
  lastSeenAt: Date | null;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs: number | null;

  @Column({ name: 'agent_version', type: 'varchar', length: 64, nullable: true })
  agentVersion: string | null;

  @Column({ name: 'health_error', type: 'varchar', length: 500, nullable: true })
  healthError: string | null;

  @Column({ name: 'probed_at', type: 'datetime', nullable: true })
  probedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}

export function nameserversOf(server: Server): string[] {
  try {
    const list: unknown = JSON.parse(server.nameservers);
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return [];
  }
}
