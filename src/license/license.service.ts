import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { isoUtc } from '../common/dates';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { DatabaseService } from '../platform/database/database.service';
import { LicenseClock } from './license-clock';
import { LicenseDocument, LicenseRejected, parsePublicKey, verifyLicenseText } from './license-file';
import { SeatCounter } from './seat-counter';

export const FREE_PLAN = { plan: 'free', maxAccounts: 5 } as const;

export type LicenseStatusName = 'free' | 'valid' | 'expired' | 'invalid';

export interface LicenseStatus {
  status: LicenseStatusName;
  plan: string | null;
  /** 0 = unlimited; null when the licence is unreadable. */
  maxAccounts: number | null;
  expiresAt: Date | null;
  licensee: string | null;
  /** Why writes are blocked (expired / invalid), else null. */
  reason: string | null;
}

/** What the file on disk holds, before the clock is consulted. */
type Loaded = { kind: 'free' } | { kind: 'licensed'; doc: LicenseDocument; expiresAt: Date } | { kind: 'invalid'; reason: string };

/**
 * Owns the licence: reads and verifies config.license.file (offline, Ed25519), decides whether
 * writes are allowed, and reserves an account seat atomically. Expiry is judged against the clock
 * on every call, so a licence stops allowing writes at its expires_at without waiting for a re-check.
 */
@Injectable()
export class LicenseService implements OnModuleInit {
  private readonly logger = new Logger('License');
  private readonly publicKey?: KeyObject;
  private loaded: Loaded = { kind: 'free' };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: LicenseClock,
    private readonly seatCounter: SeatCounter,
  ) {
    // A malformed key is a configuration error: the server refuses to start, naming the variable.
    if (config.license.publicKey) this.publicKey = parsePublicKey(config.license.publicKey);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  /** The licence as of now. */
  status(): LicenseStatus {
    const loaded = this.loaded;
    if (loaded.kind === 'free') {
      return { status: 'free', plan: FREE_PLAN.plan, maxAccounts: FREE_PLAN.maxAccounts, expiresAt: null, licensee: null, reason: null };
    }
    if (loaded.kind === 'invalid') {
      return { status: 'invalid', plan: null, maxAccounts: null, expiresAt: null, licensee: null, reason: loaded.reason };
    }
    const { payload } = loaded.doc;
    const expired = this.clock.now() >= loaded.expiresAt;
    return {
      status: expired ? 'expired' : 'valid',
      plan: payload.plan,
      maxAccounts: payload.max_accounts,
      expiresAt: loaded.expiresAt,
      licensee: payload.licensee,
      reason: expired ? `the licence expired at ${isoUtc(loaded.expiresAt)}` : null,
    };
  }

  /** Throws 403 license_required when the licence is invalid or expired. */
  assertWritable(): void {
    const current = this.status();
    if (current.status === 'invalid' || current.status === 'expired') {
      throw new DomainError('license_required', `Writes are blocked: ${current.reason}. Install a valid licence (PUT /api/v1/license).`);
    }
  }

  /**
   * Called inside the account-create transaction, before the insert: throws 403
   * account_limit_reached when no seat is left (the SeatCounter says how many are taken). On
   * MariaDB it writes the license_state row first (bumps seat_generation), so concurrent creates
   * queue on its lock and each counts the rows the previous ones committed. A write, not a locking
   * read: on a Galera cluster a lock orders one node only, and only written rows are certified, so
   * creates on two nodes conflict at commit and the loser (1213) runs again (the create runs this
   * in a retryableTransaction). On SQLite DatabaseService already runs one transaction at a time.
   */
  async reserveSeat(em: EntityManager): Promise<void> {
    this.assertWritable();
    const { maxAccounts, plan } = this.status();
    if (!this.db.isSqlite) {
      const result = await em.queryRunner!.query('UPDATE license_state SET seat_generation = seat_generation + 1 WHERE id = 1', [], true);
      if (result.affected !== 1) throw new Error('license_state row 1 is missing: the seat lock cannot be taken');
    }
    if (!maxAccounts) return; // 0: unlimited
    const used = await this.seatCounter.seatsUsed(em);
    if (used >= maxAccounts) {
      throw new DomainError('account_limit_reached', `Account limit reached (${used}/${maxAccounts}) for the ${plan} plan`);
    }
  }

  /** Seats used and allowed (null: no limit, or no valid licence to say). For /metrics and server stats. */
  async seats(): Promise<{ used: number; max: number | null }> {
    return { used: await this.accountsUsed(), max: this.status().maxAccounts || null };
  }

  accountsUsed(): Promise<number> {
    return this.seatCounter.seatsUsed();
  }

  /** Re-reads the licence file (a new file placed on disk is picked up); logs when the state changes. */
  async reload(): Promise<LicenseStatus> {
    const before = this.status();
    this.loaded = await this.readFile();
    const after = this.status();
    if (before.status !== after.status || before.plan !== after.plan || before.expiresAt?.getTime() !== after.expiresAt?.getTime()) {
      const line = `licence ${after.status}${after.plan ? ` (${after.plan})` : ''}${after.reason ? `: ${after.reason}` : ''}`;
      if (after.status === 'invalid' || after.status === 'expired') this.logger.warn(line);
      else this.logger.log(line);
    }
    return after;
  }

  /**
   * Verifies a licence text and, when it is valid now, writes it atomically to the licence file and
   * uses it at once. Throws 422 naming the reason (malformed, bad signature, wrong server, expired).
   */
  async install(text: string): Promise<LicenseStatus> {
    const loaded = this.judge(text);
    if (loaded.kind === 'invalid') throw DomainError.field('license', loaded.reason);
    if (loaded.kind === 'licensed' && this.clock.now() >= loaded.expiresAt) {
      throw DomainError.field('license', `the licence expired at ${isoUtc(loaded.expiresAt)}`);
    }
    await writeAtomically(this.config.license.file, text.endsWith('\n') ? text : `${text}\n`);
    this.loaded = loaded;
    this.logger.log(`licence installed: ${this.status().plan} for ${this.status().licensee}`);
    return this.status();
  }

  private async readFile(): Promise<Loaded> {
    let text: string;
    try {
      text = await readFile(this.config.license.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'free' };
      return { kind: 'invalid', reason: `the licence file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    return this.judge(text);
  }

  private judge(text: string): Loaded {
    if (!this.publicKey) return { kind: 'invalid', reason: 'no public key is configured (HW_LICENSE_PUBLIC_KEY), so the licence cannot be verified' };
    try {
      const doc = verifyLicenseText(text, this.publicKey, this.config.license.serverId);
      return { kind: 'licensed', doc, expiresAt: new Date(doc.payload.expires_at) };
    } catch (error) {
      if (error instanceof LicenseRejected) return { kind: 'invalid', reason: `${error.problem}: ${error.message}` };
      throw error;
    }
  }
}

/** temp file in the same directory + rename: readers see the old or the new licence, never half. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o644, flush: true });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
