import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('packages')
export class HostingPackage {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stable UUID: Plesk service plans are found and switched by guid. */
  @Column({ type: 'varchar', length: 36, unique: true })
  guid: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ name: 'disk_quota_mb', type: 'integer' })
  diskQuotaMb: number;

  @Column({ name: 'bandwidth_mb', type: 'integer' })
  bandwidthMb: number;

  @Column({ name: 'max_domains', type: 'integer' })
  maxDomains: number;

  @Column({ name: 'max_databases', type: 'integer' })
  maxDatabases: number;

  @Column({ name: 'max_email_accounts', type: 'integer' })
  maxEmailAccounts: number;

  /** Records an account's zone may hold besides its SOA and apex NS; 0 means unlimited. */
  @Column({ name: 'dns_records_limit', type: 'integer', default: 0 })
  dnsRecordsLimit: number;

  @Column({ name: 'php_version', type: 'varchar', length: 8 })
  phpVersion: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
