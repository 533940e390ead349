import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Signatures accepted within the replay window; the primary key refuses a second use. */
@Entity('seen_signatures')
export class SeenSignature {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  signature: string;

  @Index('ix_seen_signatures_seen_at')
  @Column({ name: 'seen_at', type: 'datetime' })
  seenAt: Date;
}
