import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DiskMeasurement, LogCursor, TrafficRead } from '../agent-protocol/usage';
import { sqlDatetime } from '../platform/database/columns';
import { DatabaseService, isUniqueViolation } from '../platform/database/database.service';

export interface DiskRow {
  homeBytes: number;
  mailBytes: number;
  databasesBytes: number | null;
  complete: boolean;
  measuredAt: Date;
}

export interface TrafficFigure {
  bytes: number;
  readAt: Date;
}

export interface LimitFlags {
  disk: boolean;
  bandwidth: boolean;
}

export type LimitKind = keyof LimitFlags;

/** Work to do inside a figure's transaction, with its EntityManager (the limit flags and their events). */
export type InTransaction = (em: EntityManager) => Promise<unknown>;

export interface StoredCursor extends LogCursor {
  accountId: number;
  domain: string;
}

/** Someone else moved the cursor since we read it (a second instance that lost its lease): nothing of ours is kept. */
export class CursorMovedError extends Error {}

/** The usage tables (see the Usage and UsageLimitFlags migrations): their only reader and writer. */
@Injectable()
export class UsageStore {
  constructor(private readonly db: DatabaseService) {}

  async disk(accountId?: number, em?: EntityManager): Promise<Map<number, DiskRow>> {
    const where = accountId === undefined ? '' : ' WHERE account_id = ?';
    const rows: Record<string, unknown>[] = await (em ?? this.db.manager).query(
      `SELECT account_id, home_bytes, mail_bytes, databases_bytes, complete, measured_at FROM usage_disk${where}`,
      accountId === undefined ? [] : [accountId],
    );
    return new Map(
      rows.map((r) => [
        Number(r.account_id),
        {
          homeBytes: Number(r.home_bytes),
          mailBytes: Number(r.mail_bytes),
          databasesBytes: r.databases_bytes === null ? null : Number(r.databases_bytes),
          complete: Boolean(Number(r.complete)),
          measuredAt: dateOf(r.measured_at),
        },
      ]),
    );
  }

  /** Bytes of `month` per account that the traffic job has read at least once (others: not measured). */
  async traffic(month: string, accountId?: number, em?: EntityManager): Promise<Map<number, TrafficFigure>> {
    const where = accountId === undefined ? '' : ' WHERE c.account_id = ?';
    const rows: Record<string, unknown>[] = await (em ?? this.db.manager).query(
      `SELECT c.account_id, c.read_at, t.bytes FROM usage_log_cursors c LEFT JOIN usage_traffic t ON t.account_id = c.account_id AND t.month = ?${where}`,
      accountId === undefined ? [month] : [month, accountId],
    );
    return new Map(rows.map((r) => [Number(r.account_id), { bytes: Number(r.bytes ?? 0), readAt: dateOf(r.read_at) }]));
  }

  async cursors(): Promise<Map<number, StoredCursor>> {
    const rows: Record<string, unknown>[] = await this.db.dataSource.query('SELECT account_id, domain, log_inode, log_offset FROM usage_log_cursors');
    return new Map(
      rows.map((r) => [
        Number(r.account_id),
        { accountId: Number(r.account_id), domain: String(r.domain), inode: r.log_inode === null ? null : String(r.log_inode), offset: Number(r.log_offset) },
      ]),
    );
  }

  async saveDisk(accountId: number, m: DiskMeasurement, also?: InTransaction): Promise<void> {
    const values = [m.home_bytes, m.mail_bytes, m.databases_bytes, m.complete ? 1 : 0, sqlDatetime(new Date(m.measured_at))];
    const sql = this.db.isSqlite
      ? `INSERT INTO usage_disk (account_id, home_bytes, mail_bytes, databases_bytes, complete, measured_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET home_bytes = excluded.home_bytes, mail_bytes = excluded.mail_bytes,
         databases_bytes = excluded.databases_bytes, complete = excluded.complete, measured_at = excluded.measured_at`
      : `INSERT INTO usage_disk (account_id, home_bytes, mail_bytes, databases_bytes, complete, measured_at) VALUES (?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE home_bytes = VALUES(home_bytes), mail_bytes = VALUES(mail_bytes), databases_bytes = VALUES(databases_bytes),
         complete = VALUES(complete), measured_at = VALUES(measured_at)`;
    await this.db.retryableTransaction(async (em) => {
      await em.query(sql, [accountId, ...values]);
      await also?.(em);
    });
  }

  /**
   * Adds what one read counted and moves the cursor past it, in one transaction: either both are
   * kept or neither (a crash before the commit leaves the old cursor, and the next read counts the
   * same lines once). The cursor moves only from the one the read started at, so two readers can
   * never both count the same lines.
   */
  async addTraffic(accountId: number, domain: string, from: LogCursor | null, read: TrafficRead, at: Date, also?: InTransaction): Promise<void> {
    await this.db.transaction(async (em) => {
      await this.moveCursor(em, accountId, domain, from, read.cursor, at);
      for (const [month, bytes] of Object.entries(read.months)) {
        if (bytes <= 0) continue;
        const sql = this.db.isSqlite
          ? 'INSERT INTO usage_traffic (account_id, month, bytes, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, month) DO UPDATE SET bytes = bytes + excluded.bytes, updated_at = excluded.updated_at'
          : 'INSERT INTO usage_traffic (account_id, month, bytes, updated_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE bytes = bytes + VALUES(bytes), updated_at = VALUES(updated_at)';
        await em.query(sql, [accountId, month, bytes, sqlDatetime(at)]);
      }
      await also?.(em);
    });
  }

  async limitFlags(): Promise<Map<number, LimitFlags>> {
    const rows: Record<string, unknown>[] = await this.db.manager.query('SELECT account_id, disk_over_limit, bandwidth_over_limit FROM usage_limit_flags');
    return new Map(rows.map((r) => [Number(r.account_id), { disk: Boolean(Number(r.disk_over_limit)), bandwidth: Boolean(Number(r.bandwidth_over_limit)) }]));
  }

  /**
   * Sets the account's flags to `now` inside the caller's transaction; answers the flags that flipped.
   * Each flip is a conditional UPDATE, so two jobs settling one account flip (and report) it once.
   */
  async flipLimitFlags(em: EntityManager, accountId: number, now: LimitFlags, at: Date): Promise<LimitKind[]> {
    const runner = em.queryRunner!;
    if (now.disk || now.bandwidth) {
      const ignore = this.db.isSqlite ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
      await runner.query(`${ignore} INTO usage_limit_flags (account_id, disk_over_limit, bandwidth_over_limit, updated_at) VALUES (?, 0, 0, ?)`, [
        accountId,
        sqlDatetime(at),
      ]);
    }
    const flipped: LimitKind[] = [];
    for (const kind of ['disk', 'bandwidth'] as const) {
      const column = `${kind}_over_limit`;
      const value = now[kind] ? 1 : 0;
      const result = await runner.query(
        `UPDATE usage_limit_flags SET ${column} = ?, updated_at = ? WHERE account_id = ? AND ${column} <> ?`,
        [value, sqlDatetime(at), accountId, value],
        true,
      );
      if ((result.affected ?? 0) === 1) flipped.push(kind);
    }
    return flipped;
  }

  /** The traffic job read these accounts' logs and found nothing new: the figures stand, as of `at`. */
  async touchCursors(accountIds: number[], at: Date): Promise<void> {
    if (accountIds.length === 0) return;
    await this.db.write((em) =>
      em.query(`UPDATE usage_log_cursors SET read_at = ? WHERE account_id IN (${accountIds.map(() => '?').join(', ')})`, [sqlDatetime(at), ...accountIds]),
    );
  }

  /** Figures of accounts that no longer exist (their ids are never reused, but their rows would only grow). */
  async forgetDeleted(): Promise<void> {
    for (const table of ['usage_log_cursors', 'usage_disk', 'usage_traffic', 'usage_limit_flags']) {
      await this.db.write((em) => em.query(`DELETE FROM ${table} WHERE account_id NOT IN (SELECT id FROM accounts)`));
    }
  }

  private async moveCursor(em: EntityManager, accountId: number, domain: string, from: LogCursor | null, to: LogCursor, at: Date): Promise<void> {
    const runner = em.queryRunner!;
    if (from === null) {
      try {
        await runner.query('INSERT INTO usage_log_cursors (account_id, domain, log_inode, log_offset, read_at) VALUES (?, ?, ?, ?, ?)', [
          accountId,
          domain,
          to.inode,
          to.offset,
          sqlDatetime(at),
        ]);
        return;
      } catch (error) {
        if (isUniqueViolation(error)) throw new CursorMovedError(`cursor of account ${accountId} was created meanwhile`);
        throw error;
      }
    }
    const inodeIs = from.inode === null ? 'log_inode IS NULL' : 'log_inode = ?';
    const result = await runner.query(
      `UPDATE usage_log_cursors SET log_inode = ?, log_offset = ?, read_at = ? WHERE account_id = ? AND log_offset = ? AND ${inodeIs}`,
      [to.inode, to.offset, sqlDatetime(at), accountId, from.offset, ...(from.inode === null ? [] : [from.inode])],
      true,
    );
    if ((result.affected ?? 0) !== 1) throw new CursorMovedError(`cursor of account ${accountId} moved meanwhile`);
  }
}

function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}
