import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A mailbox of an account's domain; Postfix and Dovecot read these rows themselves (README "Mail"). */
@Entity('mailboxes')
@Index('uq_mailboxes_address', ['domain', 'localPart'], { unique: true })
export class Mailbox {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_mailboxes_account')
  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 253 })
  domain: string;

  @Column({ name: 'local_part', type: 'varchar', length: 64 })
  localPart: string;

  /** `{ARGON2ID}$argon2id$v=19$m=…,t=…,p=…$…`: what Dovecot's passdb query answers and verifies. Never in a view. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'quota_mb', type: 'integer' })
  quotaMb: number;

  /** `{domain}/{local part}/` under /var/mail/vdomains: Postfix's virtual_mailbox_maps answer. */
  @Column({ type: 'varchar', length: 320 })
  maildir: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
