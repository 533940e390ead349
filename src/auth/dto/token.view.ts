import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { ApiToken } from '../api-token.entity';
import { parseScopes } from '../scopes';

export class TokenView {
  id: number;
  @ApiProperty({ example: 'whmcs' })
  name: string;
  /** The first characters of the token, to tell tokens apart. */
  @ApiProperty({ example: 'hw_Ab3dE9f' })
  prefix: string;
  @ApiProperty({ example: ['accounts:write', 'packages:read'] })
  scopes: string[];
  /** Whether the token may sign requests (X-Signature); its secret is then kept encrypted. */
  can_sign: boolean;
  /** The dialect the token speaks on shared paths (`opterius`); null: native. */
  @ApiProperty({ nullable: true, type: String, example: null })
  dialect: string | null;
  /** The server its account creates go to; null: placement chooses. */
  @ApiProperty({ nullable: true, type: Number, example: null })
  server_id: number | null;
  /** Whether its signatures must be version 2 (version 1 is then refused). */
  require_signature_v2: boolean;
  @ApiProperty({ example: '2026-04-08T14:32:00Z' })
  created_at: string;
  @ApiProperty({ nullable: true, type: String })
  last_used_at: string | null;
  @ApiProperty({ nullable: true, type: String })
  expires_at: string | null;
  @ApiProperty({ nullable: true, type: String })
  revoked_at: string | null;

  static of(token: ApiToken): TokenView {
    return {
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      scopes: parseScopes(token.scopes),
      can_sign: Boolean(token.secretEnc),
      dialect: token.dialect ?? null,
      server_id: token.serverId ?? null,
      require_signature_v2: Boolean(token.requireSignatureV2),
      created_at: isoUtc(token.createdAt)!,
      last_used_at: isoUtc(token.lastUsedAt),
      expires_at: isoUtc(token.expiresAt),
      revoked_at: isoUtc(token.revokedAt),
    };
  }
}

export class CreatedTokenView extends TokenView {
  /** The token itself. Shown only in this answer: store it now. */
  @ApiProperty({ example: 'hw_Ab3dE9f…' })
  token: string;
}
