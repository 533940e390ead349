import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type IdempotencyState = 'running' | 'done';

/** One Idempotency-Key of one token: the request it stands for and, once done, its answer. */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'token_id', type: 'integer' })
  tokenId: number;

  /** SHA-256 of the key: exact on both dialects (MariaDB's collation would fold case). */
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  /** SHA-256 of method, path and body. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ type: 'varchar', length: 16 })
  state: IdempotencyState;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
