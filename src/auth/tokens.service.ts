import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { DatabaseService } from '../platform/database/database.service';
import { ApiToken } from './api-token.entity';
import { SecretBox } from './signing/secret-box';
import { Principal } from './principal';
import { parseScopes, ungranted } from './scopes';
import { hashTokenSecret, newTokenSecret, visiblePrefix } from './token-secret';

export interface NewToken {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
  /** Keep the secret encrypted so the token can sign requests (X-Signature). */
  canSign?: boolean;
  /** The dialect the token speaks where paths collide (TOKEN_DIALECTS); null: native. */
  dialect?: string | null;
  /** Pins the token's account creates to this server (it must exist). */
  serverId?: number | null;
  /** With canSign: accept only version-2 signatures from it (bound to method, path and a nonce). */
  requireSignatureV2?: boolean;
  /**
   * The token minting this one over the API: the new token may hold only scopes it grants
   * (403 otherwise). Absent for the operator (CLI, first start), who may grant anything.
   */
  grantedBy?: Principal;
}

/** Dialects a token can be made for. An Opterius token also reads packages: Opterius' GET /packages needs no scope. */
export const TOKEN_DIALECTS = ['opterius'] as const;

const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a looked-up token is trusted without asking the database again. A revocation on this
 * instance takes effect at once; on another instance sharing the database, within this time.
 */
export const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;

/** The secret's hash, or null for one no token can have (empty, or longer than any we issue). */
function secretHashOf(secret: string): string | null {
  return secret && secret.length <= 200 ? hashTokenSecret(secret) : null;
}

function principalOfToken(token: ApiToken): Principal {
  return Object.freeze({
    tokenId: token.id,
    name: token.name,
    scopes: Object.freeze(parseScopes(token.scopes)) as string[],
    dialect: token.dialect,
    serverId: token.serverId,
  });
}

@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    private readonly db: DatabaseService,
    private readonly box: SecretBox,
  ) {}

  /** By secret hash: the row and the principal made of it once (frozen: every request of the token shares it). */
  private readonly cache = new Map<string, { token: ApiToken; principal: Principal; until: number }>();

  /** Creates a token; the secret is returned here and never again. */
  async create(input: NewToken): Promise<{ token: ApiToken; secret: string }> {
    const beyond = input.grantedBy ? ungranted(input.grantedBy.scopes, input.scopes) : [];
    if (beyond.length) {
      throw new DomainError('forbidden', `A token can grant only scopes it holds; this token does not hold ${beyond.join(', ')}`);
    }
    if (input.serverId != null) await this.assertServer(input.serverId);
    const secret = newTokenSecret();
    const token = this.tokens.create({
      name: input.name,
      prefix: visiblePrefix(secret),
      secretHash: hashTokenSecret(secret),
      secretEnc: input.canSign ? this.box.seal(secret) : null,
      requireSignatureV2: input.canSign === true && input.requireSignatureV2 === true,
      scopes: [...new Set(input.dialect === 'opterius' ? [...input.scopes, 'packages:read'] : input.scopes)].join(','),
      dialect: input.dialect ?? null,
      serverId: input.serverId ?? null,
      createdAt: new Date(),
      lastUsedAt: null,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    });
    await this.db.transaction((em) => em.save(token));
    return { token, secret };
  }

  private async assertServer(serverId: number): Promise<void> {
    const rows: unknown[] = Number.isSafeInteger(serverId) ? await this.db.dataSource.query('SELECT id FROM servers WHERE id = ?', [serverId]) : [];
    const problem = `server ${serverId} does not exist`;
    // The problem is the message too: the CLI prints only the message.
    if (!rows.length) throw DomainError.validation([{ field: 'server_id', message: problem }], problem);
  }

  list(): Promise<ApiToken[]> {
    return this.tokens.find({ order: { id: 'ASC' } });
  }

  async get(id: number): Promise<ApiToken> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw DomainError.notFound('Token');
    return token;
  }

  async revoke(id: number): Promise<ApiToken> {
    const token = await this.get(id);
    if (!token.revokedAt) {
      token.revokedAt = new Date();
      await this.db.write((em) => em.update(ApiToken, { id }, { revokedAt: token.revokedAt }));
    }
    for (const [hash, entry] of this.cache) if (entry.token.id === id) this.cache.delete(hash);
    return token;
  }

  /** The principal for a presented secret, or null when unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Principal | null> {
    const hash = secretHashOf(secret);
    if (!hash) return null;
    const cached = this.fromCache(hash);
    if (cached !== undefined) return cached;
    const token = await this.tokens.findOneBy({ secretHash: hash });
    if (!token) return null;
    if (this.cache.size >= TOKEN_CACHE_MAX) this.cache.clear();
    const entry = { token, principal: principalOfToken(token), until: Date.now() + TOKEN_CACHE_MS };
    this.cache.set(hash, entry);
    return this.checked(entry);
  }

  /**
   * `authenticate` without the database: the answer when the cache decides it, undefined when the
   * secret must be looked up. The auth guard's synchronous path for the usual request.
   */
  authenticateCached(secret: string): Principal | null | undefined {
    const hash = secretHashOf(secret);
    return hash ? this.fromCache(hash) : null;
  }

  private fromCache(hash: string): Principal | null | undefined {
    const entry = this.cache.get(hash);
    return entry && entry.until > Date.now() ? this.checked(entry) : undefined;
  }

  principalFor(token: ApiToken): Principal | null {
    return this.checked({ token, principal: principalOfToken(token) });
  }

  /** Null when revoked or expired; else the principal, and last_used_at written at most once a minute. */
  private checked({ token, principal }: { token: ApiToken; principal: Principal }): Principal | null {
    const now = Date.now();
    if (token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now)) return null;
    if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      const at = new Date(now);
      token.lastUsedAt = at;
      void this.db.write((em) => em.update(ApiToken, { id: token.id }, { lastUsedAt: at })).catch(() => undefined);
    }
    return principal;
  }

  /** On a fresh install: an admin token, so the operator can start. Returns its secret, or null. */
  async ensureFirstAdminToken(): Promise<string | null> {
    if ((await this.tokens.count()) > 0) return null;
    const { secret } = await this.create({ name: 'admin', scopes: ['*'] });
    return secret;
  }
}
