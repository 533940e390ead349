import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Account, AccountStatus, PendingUpdate, TRANSITIONAL_STATUSES } from '../accounts/account.entity';
import { AccountsRepository } from '../accounts/accounts.repository';
import { APP_CONFIG, AppConfig } from '../platform/config/app-config';
import { DatabaseService } from '../platform/database/database.service';
import { describeError } from '../agent-protocol/agent-errors';
import { nowToTheSecond } from '../common/whole-seconds';
import { targetOf } from './provisioning.port';
import { ProvisioningService } from './provisioning.service';

interface CleanupRow {
  id: number;
  username: string;
  domain: string;
  email: string;
  php_version: string;
  generation: number | string;
  server_id: number | string;
}

const INTERVAL_NAME = 'provisioning-reconciler';

/**
 * Finishes what a killed process left, driving each row to the target its operation recorded:
 * `provisioning` is rolled back (pieces removed, row deleted: the client never got its 201 and the
 * password hash is not stored yet), `deleting` is deleted, `suspending`/`unsuspending` re-run the
 * plan towards target_status (suspended or active) and land there, `updating` re-runs the PHP move
 * in `pending` and writes its changes. Every plan is idempotent, so re-running a half-run one is
 * safe; it carries the operation's own generation. Runs at start and every
 * HW_RECONCILE_INTERVAL seconds; skips rows this process is working on and rows touched within
 * the last interval (another instance may still be on them). Every pass is idempotent.
 */
@Injectable()
export class ProvisioningReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly db: DatabaseService,
    private readonly accounts: AccountsRepository,
    private readonly provisioner: ProvisioningService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.provisioning.reconcileIntervalSeconds;
    this.scheduler.addInterval(
      INTERVAL_NAME,
      setInterval(() => void this.reconcile(), seconds * 1000),
    );
    void this.reconcile();
  }

  onModuleDestroy(): Promise<unknown> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    return this.running ?? Promise.resolve();
  }

  /** One pass (joined when one is already running); resolves to the number of rows settled. */
  reconcile(graceSeconds = this.config.provisioning.reconcileIntervalSeconds): Promise<number> {
    if (!this.running) this.running = this.pass(graceSeconds).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(graceSeconds: number): Promise<number> {
    let settled = 0;
    try {
      const stuck = await this.accounts.findStuck(TRANSITIONAL_STATUSES, new Date(Date.now() - graceSeconds * 1000));
      for (const account of stuck) {
        if (this.stopped) break;
        if (this.provisioner.isWorkingOn(account.id)) continue;
        if (await this.settle(account)) settled++;
      }
      settled += await this.cleanUps();
    } catch (error) {
      if (!this.stopped) this.logger.error(`reconcile pass failed: ${describeError(error)}`);
    }
    return settled;
  }

  /** Leftovers of failed creates whose clean-up failed; skipped once the name belongs to an account again. */
  private async cleanUps(): Promise<number> {
    const rows: CleanupRow[] = await this.db.dataSource.query(
      'SELECT id, username, domain, email, php_version, generation, server_id FROM provisioning_cleanups ORDER BY id',
    );
    let done = 0;
    for (const row of rows) {
      if (this.stopped) break;
      const owners = await this.accounts.statusesHolding(row.username, row.domain);
      // The failed create's own row may not be gone yet, or a retry is under way: next pass.
      if (owners.some((status) => status === 'provisioning' || status === 'deleting')) continue;
      // A later create of the same name succeeded: its pieces are not ours to remove.
      if (!owners.length) {
        try {
          const generation = Number(row.generation);
          await this.provisioner.remove({
            id: 0,
            serverId: Number(row.server_id),
            username: row.username,
            domain: row.domain,
            email: row.email,
            phpVersion: row.php_version,
            generation,
          });
        } catch (error) {
          this.logger.warn(`clean-up of ${row.username} failed, retrying next pass: ${describeError(error)}`);
          continue;
        }
      }
      await this.db.write((em) => em.query('DELETE FROM provisioning_cleanups WHERE id = ?', [row.id]));
      done++;
    }
    return done;
  }

  /**
   * A stuck create is rolled back as a delete: the row moves provisioning → deleting first, so a
   * create that finishes meanwhile keeps its account (and its pieces) instead of losing them.
   */
  private async settle(account: Account): Promise<boolean> {
    const left = account.status;
    if (left === 'suspending' || left === 'unsuspending') return this.finishSuspension(account);
    if (left === 'updating') return this.finishUpdate(account);
    if (left === 'provisioning' && !(await this.accounts.transition(account, ['provisioning'], 'deleting'))) return false;
    const target = targetOf(account);
    try {
      await this.provisioner.remove(target);
    } catch (error) {
      this.logger.warn(`account ${account.id} (${left}): removal failed, retrying next pass: ${describeError(error)}`);
      return false;
    }
    // A create rolled back here (now, or by an earlier pass) still has the target its create recorded.
    const event = left === 'provisioning' || account.targetStatus === 'active' ? 'account.provisioning_failed' : 'account.deleted';
    if (!(await this.accounts.deleteIfStatus(account.id, ['deleting'], event))) return false;
    this.logger.log(`account ${account.id} (${account.username}) was left ${left}: ${left === 'provisioning' ? 'rolled back' : 'deleted'}`);
    return true;
  }

  /** A suspend or unsuspend (or its undo) that stopped midway: the plan towards target_status, then the row lands there. */
  private async finishSuspension(account: Account): Promise<boolean> {
    const left = account.status;
    const to: AccountStatus =
      account.targetStatus === 'active' || account.targetStatus === 'suspended' ? account.targetStatus : left === 'suspending' ? 'suspended' : 'active';
    try {
      if (to === 'suspended') await this.provisioner.suspend(targetOf(account));
      else await this.provisioner.unsuspend(targetOf(account));
    } catch (error) {
      this.logger.warn(`account ${account.id} (${left}): driving it ${to} failed, retrying next pass: ${describeError(error)}`);
      return false;
    }
    const suspendReason = to === 'active' ? null : account.suspendReason;
    const landed = (left === 'suspending') === (to === 'suspended');
    const event = landed ? (to === 'suspended' ? 'account.suspended' : 'account.unsuspended') : undefined;
    if (!(await this.accounts.transition(account, [left], to, { targetStatus: null, suspendReason }, event))) return false;
    this.logger.log(`account ${account.id} (${account.username}) was left ${left}: now ${to}`);
    return true;
  }

  /** A package change whose PHP move stopped midway: the move again, then the recorded changes and status. */
  private async finishUpdate(account: Account): Promise<boolean> {
    let pending: PendingUpdate | null = null;
    try {
      pending = account.pending ? (JSON.parse(account.pending) as PendingUpdate) : null;
    } catch {
      pending = null;
    }
    const to: AccountStatus = account.targetStatus === 'suspended' ? 'suspended' : 'active';
    const changes: Record<string, unknown> = { ...(pending?.changes ?? {}) };
    if (pending?.php) {
      try {
        await this.provisioner.changePhpVersion({ ...targetOf(account), phpVersion: pending.php.to }, pending.php.from);
      } catch (error) {
        this.logger.warn(`account ${account.id} (updating): the PHP move failed, retrying next pass: ${describeError(error)}`);
        return false;
      }
      changes.phpVersion = pending.php.to;
    }
    const done = { ...changes, status: to, targetStatus: null, pending: null, updatedAt: nowToTheSecond() } as Partial<Account>;
    const landed = await this.accounts.updateIfStatus(account.id, ['updating'], done, 'account.updated').catch(async (error: unknown) => {
      // A client or package named in the changes went meanwhile: keep the move, drop the rest.
      this.logger.warn(`account ${account.id} (updating): recorded changes refused (${describeError(error)}); only the PHP version is kept`);
      const phpOnly = {
        status: to,
        targetStatus: null,
        pending: null,
        updatedAt: nowToTheSecond(),
        ...(pending?.php ? { phpVersion: pending.php.to } : {}),
      } as Partial<Account>;
      return this.accounts.updateIfStatus(account.id, ['updating'], phpOnly, 'account.updated');
    });
    if (!landed) return false;
    this.logger.log(`account ${account.id} (${account.username}) was left updating: now ${to}`);
    return true;
  }
}
