import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, Repository } from 'typeorm';
import { canonicalString, signCanonical } from '../../agent-protocol/hmac';
import { DatabaseService, isUniqueViolation } from '../../platform/database/database.service';
import { ApiToken } from '../api-token.entity';
import { Principal } from '../principal';
import { TokensService } from '../tokens.service';
import { SecretBox } from './secret-box';
import { SeenSignature } from './seen-signature.entity';

export const SIGNATURE_WINDOW_SECONDS = 300;

/** The first line of a version-2 canonical string (the agent's own scheme is `hw1`). */
export const REQUEST_SIGNATURE_SCHEME = 'hw2';

export interface SignedRequest {
  /** 1: X-Timestamp + X-Signature alone; 2: X-Signature-Version: 2 and X-Nonce as well. */
  version: 1 | 2;
  timestamp: string;
  signature: string;
  /** Version 2 only. */
  nonce?: string;
  method: string;
  /** The request target as received: the path and the query string, as sent. */
  target: string;
  /** The body bytes exactly as received; empty for bodiless requests. */
  rawBody: Buffer;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Billing-module signing, keyed with the token itself. The request does not say which token
 * signed it, so every signing token is tried.
 *
 * Version 1: X-Signature = hex HMAC-SHA256(X-Timestamp ‖ raw body). It covers neither method,
 * path nor query. Its replay key is method + target + signature, so two different bodiless calls
 * signed in the same second (identical signatures) both pass and only an identical re-send is
 * refused — a captured request can still be re-sent within the window with another method, path
 * or query. Version 2 closes that.
 *
 * Version 2: X-Signature = hex HMAC-SHA256 of `hw2\nMETHOD\n/path?query\ntimestamp\nnonce\nsha256hex(body)`,
 * the agent protocol's canonical form (agent-protocol/hmac.ts) under its own first line. Its replay
 * key is token + nonce: a nonce is used once per token within the window.
 *
 * Replay keys are stored (hashed) in seen_signatures, so a restart does not reopen the window.
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
    if (!TIMESTAMP.test(request.timestamp) || !SIGNATURE.test(request.signature)) return null;
    if (request.version === 2 && !NONCE.test(request.nonce ?? '')) return null;
    if (Math.abs(now / 1000 - Number(request.timestamp)) > SIGNATURE_WINDOW_SECONDS) return null;
    const presented = Buffer.from(request.signature, 'hex');
    const matches = request.version === 2 ? matcherV2(request, presented) : matcherV1(request, presented);
    const candidates = await this.tokens.find({ where: { secretEnc: Not(IsNull()), revokedAt: IsNull() } });
    for (const token of candidates) {
      const secret = this.box.open(token.secretEnc!);
      if (!secret || !matches(secret)) continue;
      if (request.version === 1 && token.requireSignatureV2) return null;
      const principal = this.tokensService.principalFor(token);
      if (!principal || !(await this.firstUse(replayKey(request, token.id)))) return null;
      return principal;
    }
    return null;
  }

  /** Records the replay key; false when it was seen before (a replay). */
  private async firstUse(replayKey: string): Promise<boolean> {
    try {
      await this.db.write((em) => em.insert(SeenSignature, { replayKey, seenAt: new Date() }));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Keys older than the window can never be replayed (the timestamp check refuses them). */
  @Interval(60_000)
  async forgetExpired(): Promise<void> {
    const cutoff = new Date(Date.now() - 2 * SIGNATURE_WINDOW_SECONDS * 1000);
    await this.db.write((em) => em.delete(SeenSignature, { seenAt: LessThan(cutoff) }));
  }
}

/** Version 1 over the raw body; a bodiless request is signed over "{}" by the shipped client, over "" by a literal reading. */
function matcherV1(request: SignedRequest, presented: Buffer): (secret: string) => boolean {
  const bodies = request.rawBody.length ? [request.rawBody] : [Buffer.alloc(0), Buffer.from('{}')];
  return (secret) => bodies.some((body) => timingSafeEqual(presented, hmac(secret, request.timestamp, body)));
}

/** Version 2: the canonical string is built (and the body hashed) once, whatever the number of signing tokens. */
function matcherV2(request: SignedRequest, presented: Buffer): (secret: string) => boolean {
  const canonical = canonicalString(
    { method: request.method, path: request.target, body: request.rawBody, timestamp: request.timestamp, nonce: request.nonce! },
    REQUEST_SIGNATURE_SCHEME,
  );
  return (secret) => timingSafeEqual(presented, Buffer.from(signCanonical(secret, canonical), 'hex'));
}

/**
 * Version 1: method, target and signature — what tells two requests apart, since the signature
 * alone does not. Version 2: token and nonce. Hashed, so any target fits the 64-character key.
 */
function replayKey(request: SignedRequest, tokenId: number): string {
  const key = request.version === 2 ? `v2\n${tokenId}\n${request.nonce}` : `v1\n${request.method.toUpperCase()}\n${request.target}\n${request.signature.toLowerCase()}`;
  return createHash('sha256').update(key).digest('hex');
}

/** Version 1's HMAC: X-Timestamp followed by the body. */
function hmac(secret: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(timestamp).update(body).digest();
}
