import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One write request: who (token), what (method + route pattern), on what (target id), result, when. */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'token_id', type: 'integer', nullable: true })
  tokenId: number | null;

  /** Null when the request carried no valid token (a refused write is audited too). */
  @Column({ name: 'token_name', type: 'varchar', length: 100, nullable: true })
  tokenName: string | null;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  /** The route pattern (`/api/v1/accounts/:id`), or the path when no route matched. */
  @Column({ type: 'varchar', length: 255 })
  route: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  target: string | null;

  @Column({ type: 'integer' })
  status: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
