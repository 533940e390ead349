import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AccountSuspension } from './suspensions/account-suspension.entity';

/**
 * provisioning → active ⇄ suspended, → deleting → (row gone), failed. The transitional statuses
 * suspending, unsuspending and updating (a PHP move) are held while that operation's plan runs:
 * every other lifecycle call on the account gets 409 meanwhile, in any process.
 */
export const ACCOUNT_STATUSES = ['provisioning', 'active', 'suspending', 'suspended', 'unsuspending', 'updating', 'deleting', 'failed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
/** Statuses of an operation under way: the reconciler finishes them when their process is gone. */
export const TRANSITIONAL_STATUSES: AccountStatus[] = ['provisioning', 'suspending', 'unsuspending', 'updating', 'deleting'];

/** An `updating` row's work: the PHP move and the fields written once it is done. */
export interface PendingUpdate {
  php: { from: string; to: string };
  changes: Record<string, unknown>;
}

@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stable UUID, the same in every API dialect. */
  @Column({ type: 'varchar', length: 36, unique: true })
  guid: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  username: string;

  @Column({ type: 'varchar', length: 253, unique: true })
  domain: string;

  /** The domain's labels reversed, with a trailing dot (`com.example.alice.`): finds parents and children by index. */
  @Column({ name: 'domain_rev', type: 'varchar', length: 254, unique: true })
  domainReversed: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @Index('ix_accounts_client')
  @Column({ name: 'client_id', type: 'integer', nullable: true })
  clientId: number | null;

  @Index('ix_accounts_status')
  @Column({ type: 'varchar', length: 16 })
  status: AccountStatus;

  /** PHP version the pool was written for (the package's at create or last package change). */
  @Column({ name: 'php_version', type: 'varchar', length: 8 })
  phpVersion: string;

  /** Per-account overrides of the package's limits, when a billing system sends them. */
  @Column({ name: 'disk_limit_mb', type: 'integer', nullable: true })
  diskLimitMb: number | null;

  @Column({ name: 'bandwidth_limit_mb', type: 'integer', nullable: true })
  bandwidthLimitMb: number | null;

  /** The billing system's id for this service (WHMCS serviceid); unique, null when none was sent. */
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId: string | null;

  /** Free text (Plesk's webspace description); null when none. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  description: string | null;

  /** The reason of the oldest suspension in force, why the account went down (null when none, or it gave none). */
  @Column({ name: 'suspend_reason', type: 'varchar', length: 255, nullable: true })
  suspendReason: string | null;

  /** The server it is on (servers.id; placement chose it at create): every plan goes to that server's agent. */
  @Index('ix_accounts_server')
  @Column({ name: 'server_id', type: 'integer', default: 1 })
  serverId: number;

  /** Not columns: its server's name and IPv4 address (ServerDirectory), filled by the repository's reads. */
  serverName?: string | null;
  serverIpv4?: string | null;

  /** Not a column: the suspensions in force (account_suspensions), oldest first; the repository's reads fill it. */
  suspensions?: AccountSuspension[];

  /** Bumped by every operation; generationOf(id, opSeq) is the generation of its plans. */
  @Column({ name: 'op_seq', type: 'integer', default: 0 })
  opSeq: number;

  /** Where the operation under way lands: suspended, active (also an update's own status), or null. */
  @Column({ name: 'target_status', type: 'varchar', length: 16, nullable: true })
  targetStatus: AccountStatus | null;

  /** JSON PendingUpdate of an `updating` row; null otherwise. */
  @Column({ type: 'text', nullable: true })
  pending: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
