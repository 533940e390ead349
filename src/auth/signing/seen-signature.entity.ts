import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Signed requests accepted within the replay window, by replay key (see RequestSignatureService):
 * the primary key refuses a second use. In the database, so a restart does not forget them.
 */
@Entity('seen_signatures')
export class SeenSignature {
  /** sha256 hex of the replay key (the column kept its first name: it held the bare signature). */
  @PrimaryColumn({ name: 'signature', type: 'varchar', length: 64 })
  replayKey: string;

  @Index('ix_seen_signatures_seen_at')
  @Column({ name: 'seen_at', type: 'datetime' })
  seenAt: Date;
}
