import { ArrayNotEmpty, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { SCOPES, Scope } from '../scopes';
import { TOKEN_DIALECTS } from '../tokens.service';

export class CreateTokenDto {
  /** A name that says who uses the token, e.g. `whmcs`. */
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, { message: 'name may hold letters, digits, space, dot, dash and underscore' })
  name: string;

  /** What the token may do. */
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of ${SCOPES.join(', ')}` })
  scopes: Scope[];

  /** When the token stops working (ISO-8601); never when absent. */
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expires_at must be an ISO-8601 date-time' })
  expires_at?: string;

  /**
   * Allow the token to sign requests (X-Timestamp + X-Signature, as billing modules do). Its secret
   * is then kept encrypted (AES-256-GCM, server key) instead of only hashed.
   */
  @IsOptional()
  @IsBoolean()
  can_sign?: boolean;

  /**
   * `opterius`: on the paths the Opterius dialect shares with the native API (`GET /api/v1/packages`)
   * this token gets Opterius' shapes. Absent: the native API everywhere.
   */
  @IsOptional()
  @IsIn(TOKEN_DIALECTS, { message: `dialect must be one of ${TOKEN_DIALECTS.join(', ')}` })
  dialect?: (typeof TOKEN_DIALECTS)[number];

  /**
   * With `can_sign`: accept only version-2 signatures from this token (X-Signature-Version: 2,
   * bound to method, path with query, a nonce and the body). Version 1 signatures cover neither
   * method nor path; leave this off only for billing modules that speak nothing else.
   */
  @IsOptional()
  @IsBoolean()
  require_signature_v2?: boolean;

  /** Pins the token's account creates to this server (a create's own `server_id` still comes first, except in the Opterius dialect). */
  @IsOptional()
  @IsInt({ message: 'server_id must be a whole number' })
  @Min(1, { message: 'server_id must be a server id' })
  server_id?: number;
}
