import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/**
 * The one way to write. better-sqlite3 gives TypeORM a single shared connection, so two
 * overlapping transactions would nest into each other; on SQLite we queue them instead.
 * MariaDB runs them concurrently on pooled connections.
 *
 * SQLite transactions begin IMMEDIATE: another process on the same file (the agent daemon and
 * the panel share it for the DNS rows) may commit between a deferred transaction's first read
 * and its first write, and SQLite then fails the write at once with SQLITE_BUSY_SNAPSHOT
 * ("database is locked") — the busy timeout (5 s, data-source-options) cannot help there. An
 * immediate transaction takes the write lock first, waiting out the busy timeout if it must.
 */
@Injectable()
export class DatabaseService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    if (this.isSqlite) beginImmediately(dataSource);
  }

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.inTurn(() => this.dataSource.transaction(work));
  }

  /**
   * A short transaction of conditional statements that is safe to run again whole: on MariaDB a
   * deadlock victim (rolled back whole) is retried, as `write` retries a lone statement. On a
   * Galera cluster a transaction that loses certification to another node's commit fails the same
   * way (1213) and is retried the same way.
   */
  retryableTransaction<T>(work: (em: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
    if (this.isSqlite) return this.transaction(work);
    return this.retryingDeadlocks(() => this.dataSource.transaction(work), attempts);
  }

  /**
   * One statement, atomic by itself: on MariaDB it skips the START TRANSACTION and COMMIT round
   * trips; on SQLite it still waits its turn so it cannot land inside another transaction.
   */
  write<T>(statement: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSqlite) return this.inTurn(() => statement(this.dataSource.manager));
    return this.retryingDeadlocks(() => statement(this.dataSource.manager));
  }

  /**
   * InnoDB may pick a lone statement as a deadlock victim (concurrent conditional UPDATEs and a
   * DELETE of one account lock its primary and status-index entries in different orders), and
   * Galera fails a write that lost certification to another node with the same 1213. The
   * statement was rolled back whole, so it is safe to run again.
   */
  private async retryingDeadlocks<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= attempts || !isDeadlock(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (!this.isSqlite) return work();
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async ping(): Promise<boolean> {
    try {
      if (!this.dataSource.isInitialized) return false;
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

const IMMEDIATE = Symbol('hw-begin-immediate');

/** better-sqlite3's one shared query runner starts every transaction with BEGIN IMMEDIATE (see DatabaseService). */
function beginImmediately(dataSource: DataSource): void {
  type Runner = { query: (sql: string, ...rest: unknown[]) => Promise<unknown>; [IMMEDIATE]?: true };
  const runner = dataSource.driver.createQueryRunner('master') as unknown as Runner;
  if (runner[IMMEDIATE]) return;
  const query = runner.query.bind(runner);
  runner.query = (sql, ...rest) => query(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest);
  runner[IMMEDIATE] = true;
}

/** True when MariaDB rolled the statement back as a deadlock victim (or a lock wait timed out). */
export function isDeadlock(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error as QueryFailedError & { driverError?: { errno?: number } }).driverError;
  return driverError?.errno === 1213 || driverError?.errno === 1205;
}

/** True when a unique index refused the write, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error as QueryFailedError & { driverError?: { code?: string; errno?: number } }).driverError;
  return (
    driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    driverError?.code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062
  );
}

/** True when a foreign key refused the write (a row still referenced, or a missing parent). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error as QueryFailedError & { driverError?: { code?: string; errno?: number } }).driverError;
  return (
    driverError?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
    // SQLite reports an ON DELETE RESTRICT refusal as a trigger constraint.
    (driverError?.code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(error.message)) ||
    driverError?.errno === 1451 ||
    driverError?.errno === 1452
  );
}
