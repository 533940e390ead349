import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DatabaseService } from '../../database/database.service';

interface LocalWindow {
  endsAt: number;
  hits: number;
}

/** Rows kept this long after their window ended, then deleted (by whichever panel prunes first). */
const KEEP_ENDED_MS = 60_000;
const PRUNE_EVERY_MS = 60_000;
/** Buckets shared per statement. */
const BATCH = 200;

/**
 * The budgets of several panels on one database, counted as one. Each panel counts in memory (a
 * request costs a map lookup, no query) and every HW_RATE_LIMIT_SYNC_MS writes its own hits per
 * bucket that changed (`rate_limit_counts`, one row per bucket and instance, so panels never write
 * the same row and Galera never has them conflict) and reads the sum of the other panels' hits in
 * their current windows. A panel allows a request while its own hits plus the others' stay within
 * the limit; the others' hits are at most one sync interval old, so all panels together may pass
 * the limit by what the others accept within one interval (bounded by their rate × interval).
 * Windows are each panel's own (a fixed window from its first hit), compared by wall clock: the
 * panels' clocks should agree (NTP). Off on SQLite (one panel) and with HW_RATE_LIMIT_SYNC_MS=0.
 */
@Injectable()
export class SharedWindowCounts implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RateLimitSync');
  private readonly dirty = new Map<string, LocalWindow>();
  private others = new Map<string, number>();
  /** The first `:`-part of the others' buckets ('auth', 'default'): a cheap "nothing to add" test. */
  private otherKinds = new Set<string>();
  private timer?: NodeJS.Timeout;
  private lastPrune = 0;
  private syncing?: Promise<void>;
  readonly enabled: boolean;

  constructor(
    private readonly db: DatabaseService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.enabled = !db.isSqlite && config.rateLimit.syncMs > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    // unref: the sync never holds a stopping process open.
    this.timer = setInterval(() => void this.sync(), this.config.rateLimit.syncMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing;
  }

  /** The other panels' hits in `bucket` as of the last sync (0 when sharing is off). */
  othersHits(bucket: string): number {
    return this.others.get(bucket) ?? 0;
  }

  /** True when another panel has hits in some bucket starting `kind:`. */
  othersHave(kind: string): boolean {
    return this.otherKinds.has(kind);
  }

  /** This panel's hits in `bucket`'s current window, to be shared at the next sync. */
  record(bucket: string, endsAt: number, hits: number): void {
    if (this.enabled) this.dirty.set(bucket, { endsAt, hits });
  }

  /** Writes this panel's changed buckets and reads the others' sums; one at a time. */
  sync(now = Date.now()): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    this.syncing ??= this.exchange(now)
      .catch((error) => this.logger.warn(`rate-limit counts not shared this time: ${(error as Error).message}`))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async exchange(now: number): Promise<void> {
    const changed = [...this.dirty];
    this.dirty.clear();
    for (let i = 0; i < changed.length; i += BATCH) {
      const batch = changed.slice(i, i + BATCH);
      const values = batch.map(() => '(?, ?, ?, ?)').join(', ');
      const params = batch.flatMap(([bucket, w]) => [bucket, this.config.instanceId, w.endsAt, w.hits]);
      await this.db.write((em) =>
        em.query(
          `INSERT INTO rate_limit_counts (bucket, instance_id, window_ends_at, hits) VALUES ${values} ` +
            'ON DUPLICATE KEY UPDATE window_ends_at = VALUES(window_ends_at), hits = VALUES(hits)',
          params,
        ),
      );
    }
    const rows: { bucket: string; hits: number | string }[] = await this.db.manager.query(
      'SELECT bucket, SUM(hits) AS hits FROM rate_limit_counts WHERE instance_id <> ? AND window_ends_at > ? GROUP BY bucket',
      [this.config.instanceId, now],
    );
    this.others = new Map(rows.map((row) => [row.bucket, Number(row.hits)]));
    this.otherKinds = new Set(rows.map((row) => row.bucket.split(':')[0]));
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await this.db.write((em) => em.query('DELETE FROM rate_limit_counts WHERE window_ends_at < ?', [now - KEEP_ENDED_MS]));
    }
  }
}
