import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ACCOUNT_STATUSES = ['provisioning', 'active', 'suspended', 'deleting', 'failed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

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

  @Column({ name: 'suspend_reason', type: 'varchar', length: 255, nullable: true })
  suspendReason: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
