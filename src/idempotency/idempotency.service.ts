import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DomainError } from '../common/errors/domain-error';
import { DatabaseService, isUniqueViolation } from '../platform/database/database.service';
import { IdempotencyKey } from './idempotency-key.entity';

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;
/** A key still "running" after this long belongs to a request that died with its process. */
const ABANDONED_AFTER_MS = 10 * 60_000;

export type Claim = { kind: 'claimed'; id: number } | { kind: 'replay'; status: number; body: unknown };

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so the same body always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return sha256(`${method.toUpperCase()} ${path}\n${stableJson(body)}`);
}

/**
 * Idempotency-Key bookkeeping. The unique index (token_id, key_hash) decides who runs a request:
 * the first insert wins, everyone else reads what the winner left.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly db: DatabaseService) {}

  async claim(tokenId: number, key: string, fingerprint: string): Promise<Claim> {
    const keyHash = sha256(key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = Object.assign(new IdempotencyKey(), {
        tokenId,
        keyHash,
        fingerprint,
        state: 'running',
        responseStatus: null,
        responseBody: null,
        createdAt: new Date(),
      });
      try {
        await this.db.write((em) => em.insert(IdempotencyKey, row));
        return { kind: 'claimed', id: row.id };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await this.db.manager.findOneBy(IdempotencyKey, { tokenId, keyHash });
      if (!existing) continue; // released meanwhile: try again
      const age = Date.now() - existing.createdAt.getTime();
      if (age > IDEMPOTENCY_WINDOW_MS || (existing.state === 'running' && age > ABANDONED_AFTER_MS)) {
        await this.release(existing.id);
        continue;
      }
      if (existing.fingerprint !== fingerprint) {
        throw new DomainError('idempotency_mismatch', 'This Idempotency-Key was used with a different request; use a new key');
      }
      if (existing.state === 'running') {
        throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still running; retry later');
      }
      return { kind: 'replay', status: existing.responseStatus ?? 200, body: existing.responseBody === null ? undefined : JSON.parse(existing.responseBody) };
    }
    throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still running; retry later');
  }

  async complete(id: number, status: number, body: unknown): Promise<void> {
    const responseBody = body === undefined ? null : JSON.stringify(body);
    await this.db.write((em) => em.update(IdempotencyKey, { id }, { state: 'done', responseStatus: status, responseBody }));
  }

  async release(id: number): Promise<void> {
    await this.db.write((em) => em.delete(IdempotencyKey, { id }));
  }

  @Interval(3600_000)
  async purgeExpired(): Promise<void> {
    const cutoff = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS);
    try {
      await this.db.write((em) => em.createQueryBuilder().delete().from(IdempotencyKey).where('created_at < :cutoff', { cutoff }).execute());
    } catch (error) {
      this.logger.warn(`purging expired idempotency keys failed: ${(error as Error).message}`);
    }
  }
}
