import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SuspensionType } from './suspension-types';

/** One suspension in force on an account: at most one per type; the row goes when it is lifted (or with its account). */
@Entity('account_suspensions')
@Index('uq_account_suspensions_type', ['accountId', 'type'], { unique: true })
export class AccountSuspension {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 16 })
  type: SuspensionType;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reason: string | null;

  /** Who added it: the dialect and the token's name (never a secret); `migration` for one carried over. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  actor: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
