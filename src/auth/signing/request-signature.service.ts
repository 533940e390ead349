import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, Repository } from 'typeorm';
import { DatabaseService, isUniqueViolation } from '../../platform/database/database.service';
import { ApiToken } from '../api-token.entity';
import { Principal } from '../principal';
import { TokensService } from '../tokens.service';
import { SecretBox } from './secret-box';
import { SeenSignature } from './seen-signature.entity';

export const SIGNATURE_WINDOW_SECONDS = 300;

export interface SignedRequest {
  timestamp: string;
  signature: string;
  /** The body bytes exactly as received; empty for bodiless requests. */
  rawBody: Buffer;
}

/**
 * Billing-module signing: X-Signature = hex HMAC-SHA256(key = token, X-Timestamp ‖ raw body).
 * The request does not say which token signed it, so every signing token is tried.
 */
@Injectable()
export class RequestSignatureService {
  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    private readonly tokensService: TokensService,
    private readonly box: SecretBox,
    private readonly db: DatabaseService,
  ) {}

  async verify(request: SignedRequest, now = Date.now()): Promise<Principal | null> {
    if (!/^\d{1,12}$/.test(request.timestamp) || !/^[0-9a-fA-F]{64}$/.test(request.signature)) return null;
    if (Math.abs(now / 1000 - Number(request.timestamp)) > SIGNATURE_WINDOW_SECONDS) return null;
    const presented = Buffer.from(request.signature, 'hex');
    // A bodiless request is signed over "{}" by the shipped client, over "" by a literal reading.
    const bodies = request.rawBody.length ? [request.rawBody] : [Buffer.alloc(0), Buffer.from('{}')];
    const candidates = await this.tokens.find({ where: { secretEnc: Not(IsNull()), revokedAt: IsNull() } });
    for (const token of candidates) {
      const secret = this.box.open(token.secretEnc!);
      if (!secret) continue;
      const matches = bodies.some((body) => timingSafeEqual(presented, hmac(secret, request.timestamp, body)));
      if (!matches) continue;
      const principal = this.tokensService.principalFor(token);
      if (!principal || !(await this.firstUse(request.signature.toLowerCase()))) return null;
      return principal;
    }
    return null;
  }

  /** Records the signature; false when it was seen before (a replay). */
  private async firstUse(signature: string): Promise<boolean> {
    try {
      await this.db.write((em) => em.insert(SeenSignature, { signature, seenAt: new Date() }));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Signatures older than the window can never be replayed (the timestamp check refuses them). */
  @Interval(60_000)
  async forgetExpired(): Promise<void> {
    const cutoff = new Date(Date.now() - 2 * SIGNATURE_WINDOW_SECONDS * 1000);
    await this.db.write((em) => em.delete(SeenSignature, { seenAt: LessThan(cutoff) }));
  }
}

export function hmac(secret: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(timestamp).update(body).digest();
}
