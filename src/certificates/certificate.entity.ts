import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * pending: asked for at create, not tried yet; issuing: an issuance under way (one at a time);
 * issued: a certificate is installed (a later failed renewal keeps it, with last_error);
 * failed: none is installed and the last attempt failed.
 */
export type CertificateStatus = 'pending' | 'issuing' | 'issued' | 'failed';

/** An account's certificate as the panel knows it; the key and the chain live with the agent only. */
@Entity('certificates')
export class AccountCertificate {
  @PrimaryColumn({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 16 })
  status: CertificateStatus;

  @Column({ name: 'redirect_http', type: 'boolean', default: false })
  redirectHttp: boolean;

  @Column({ name: 'self_signed', type: 'boolean', default: false })
  selfSigned: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  issuer: string | null;

  /** JSON array of the DNS names. */
  @Column({ type: 'text', nullable: true })
  names: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  serial: string | null;

  @Column({ name: 'not_before', type: 'datetime', nullable: true })
  notBefore: Date | null;

  @Column({ name: 'not_after', type: 'datetime', nullable: true })
  notAfter: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  /** Failed attempts since the last success: the backoff's exponent. */
  @Column({ type: 'integer', default: 0 })
  failures: number;

  /** When the renewal job tries next (renewal window or backoff); null while an issuance runs. */
  @Column({ name: 'next_attempt_at', type: 'datetime', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
