import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabaseService, isUniqueViolation } from '../database/database.service';

export type ExclusiveResult<T> = { ran: true; result: T } | { ran: false };

/**
 * Named leases in `scheduler_leases(name, holder, expires_at)`, so that a scheduled job runs on one
 * panel instance at a time when several share one database. Every decision is a single conditional
 * statement judged by the database, against the database's clock (instances' clocks may differ).
 * A holder that dies keeps its lease only until expires_at; then anyone may take it.
 */
@Injectable()
export class LeaseService {
  private readonly logger = new Logger('Leases');
  /** This instance's name in the holder column (unique per app instance, readable in the table). */
  readonly holder = `${hostname().slice(0, 80)}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly db: DatabaseService) {}

  /**
   * Takes the lease when nobody holds it or its holder let it expire; true when this instance now
   * holds it. Holding it already counts as taken: a second run of the same job on this instance waits
   * its turn like any other.
   */
  async acquire(name: string, ttlSeconds: number): Promise<boolean> {
    const { now, later } = this.clock();
    try {
      return await this.take(name, ttlSeconds, now, later);
    } catch (error) {
      // Racing takers can deadlock on MariaDB (duplicate-key inserts meeting a release): the database
      // picked a winner, and it is not us.
      if (isLockConflict(error)) return false;
      throw error;
    }
  }

  private async take(name: string, ttlSeconds: number, now: string, later: string): Promise<boolean> {
    const taken = await this.db.transaction((em) =>
      affected(em, `UPDATE scheduler_leases SET holder = ?, expires_at = ${later} WHERE name = ? AND expires_at <= ${now}`, [this.holder, this.ttl(ttlSeconds), name]),
    );
    if (taken === 1) return true;
    try {
      await this.db.transaction((em) =>
        em.query(`INSERT INTO scheduler_leases (name, holder, expires_at) VALUES (?, ?, ${later})`, [name, this.holder, this.ttl(ttlSeconds)]),
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false; // someone else holds it (or took it a moment ago)
      throw error;
    }
  }

  /** Extends a lease we hold; false when it is no longer ours (it expired and another instance took it). */
  async renew(name: string, ttlSeconds: number): Promise<boolean> {
    const { later } = this.clock();
    const changed = await this.db.transaction((em) =>
      affected(em, `UPDATE scheduler_leases SET expires_at = ${later} WHERE name = ? AND holder = ?`, [this.ttl(ttlSeconds), name, this.holder]),
    );
    return changed === 1;
  }

  /** Gives the lease up (only if it is ours). */
  async release(name: string): Promise<void> {
    await this.db.transaction((em) => em.query('DELETE FROM scheduler_leases WHERE name = ? AND holder = ?', [name, this.holder]));
  }

  /**
   * Runs `fn` only if this instance can take the lease `name`; otherwise returns `{ ran: false }` at
   * once (another instance is running the job). The lease is renewed every ttl/3 while `fn` runs and
   * released when it ends. If a renewal fails, `signal` is aborted: `fn` should stop at its next step.
   */
  async runExclusive<T>(name: string, ttlSeconds: number, fn: (signal: AbortSignal) => Promise<T>): Promise<ExclusiveResult<T>> {
    if (!(await this.acquire(name, ttlSeconds))) return { ran: false };
    const lost = new AbortController();
    const renewal = setInterval(
      () => {
        this.renew(name, ttlSeconds).then(
          (ok) => ok || lost.abort(new Error(`lease ${name} lost`)),
          (error) => lost.abort(error),
        );
      },
      Math.max(250, (ttlSeconds * 1000) / 3),
    );
    renewal.unref();
    try {
      return { ran: true, result: await fn(lost.signal) };
    } finally {
      clearInterval(renewal);
      await this.release(name).catch((error) => this.logger.warn(`could not release lease ${name}: ${String(error)}`));
    }
  }

  /** The parameter of `later`: seconds for MariaDB, a '+N seconds' modifier for SQLite. */
  private ttl(seconds: number): number | string {
    if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`lease ttl must be a whole number of seconds >= 1 (got ${seconds})`);
    return this.db.isSqlite ? `+${seconds} seconds` : seconds;
  }

  /** SQL for "now" and "now + ? seconds" on the database's own clock, in the 'YYYY-MM-DD HH:MM:SS' UTC form. */
  private clock(): { now: string; later: string } {
    return this.db.isSqlite
      ? { now: "strftime('%Y-%m-%d %H:%M:%S', 'now')", later: "strftime('%Y-%m-%d %H:%M:%S', 'now', ?)" }
      : { now: 'UTC_TIMESTAMP()', later: 'UTC_TIMESTAMP() + INTERVAL ? SECOND' };
  }
}

function isLockConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } })?.driverError;
  return driverError?.errno === 1213 || driverError?.errno === 1205 || driverError?.code === 'SQLITE_BUSY';
}

/** Rows changed by one statement, on either dialect. */
async function affected(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const result = await em.queryRunner!.query(sql, params, true);
  return result.affected ?? 0;
}
