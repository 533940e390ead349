import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A forwarder of an account's domain; Postfix's virtual_alias_maps reads these rows (README "Mail"). */
@Entity('mail_aliases')
@Index('uq_mail_aliases_address', ['domain', 'localPart'], { unique: true })
export class MailAlias {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_mail_aliases_account')
  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 253 })
  domain: string;

  @Column({ name: 'local_part', type: 'varchar', length: 64 })
  localPart: string;

  /** `a@example.net,b@example.org`: what the virtual_alias_maps query answers. */
  @Column({ type: 'text' })
  destinations: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
