import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Signatures accepted within the replay window; the primary key refuses a second use. */
@Entity('seen_signatures')
export class SeenSignature {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  signature: string;

  @Column({ name: 'seen_at', type: 'datetime' })
  seenAt: Date;
}
