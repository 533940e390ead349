import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** First characters of the token, shown in listings so an operator can tell tokens apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  /** SHA-256 hex of the whole token; the token itself is never stored. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, unique: true })
  secretHash: string;

  /** AES-256-GCM ciphertext of the token, kept only for tokens allowed to sign requests. */
  @Column({ name: 'secret_enc', type: 'text', nullable: true })
  secretEnc: string | null;

  /** A signing token whose signatures must be version 2 (bound to method, path and nonce); version 1 is refused. */
  @Column({ name: 'require_signature_v2', type: 'boolean', default: false })
  requireSignatureV2: boolean;

  @Column({ type: 'varchar', length: 500 })
  scopes: string;

  /** The dialect the token speaks on paths two APIs share (`opterius`); null: the native API. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  dialect: string | null;

  /** Pins the token's account creates to this server (servers.id); null: placement chooses. */
  @Column({ name: 'server_id', type: 'integer', nullable: true })
  serverId: number | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'datetime', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'expires_at', type: 'datetime', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', nullable: true })
  revokedAt: Date | null;
}
