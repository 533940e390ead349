import { Injectable, Logger } from '@nestjs/common';
import { PlanPreview, StepObserver } from '../agent-protocol/agent-client';
import { AgentUnreachableError, describeError, RemovalIncompleteError, StalePlanError, StepFailedError } from '../agent-protocol/agent-errors';
import { DomainError } from '../common/errors/domain-error';
import { sqlNow } from '../platform/database/columns';
import { DatabaseService } from '../platform/database/database.service';
import { MetricsService } from '../platform/observability/metrics.service';
import { assertPlanTarget, buildPlan, generationOf, Plan, PlanAction } from '../agent-protocol/plan';
import { AccountProvisioner, AccountTarget, markUnchanged } from './provisioning.port';
import { PlanTarget, UnsafeValueError } from '../agent-protocol/safe-values';
import { PlanSecrets } from '../agent-protocol/plan-secrets';
import { OWN_SERVER_ID } from '../servers/server-addresses';
import { AgentClients } from './agent-clients';

/**
 * The accounts service's provisioner: turns each call into a plan (data), hands it to the agent
 * (in-process or the daemon) and turns the agent's failures into domain errors. Remembers which
 * accounts it is working on so the reconciler leaves them alone.
 */
@Injectable()
export class ProvisioningService extends AccountProvisioner {
  private readonly logger = new Logger('Provisioning');
  private readonly working = new Map<number, number>();

  constructor(
    private readonly agents: AgentClients,
    private readonly db: DatabaseService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  private readonly observeStep: StepObserver = (t) => this.metrics.observeProvisioningStep(t.step, t.seconds, t.ok);

  /** True while this process runs a plan for the account (the reconciler skips it). */
  isWorkingOn(accountId: number): boolean {
    return this.working.has(accountId);
  }

  async create(target: AccountTarget): Promise<void> {
    await this.run('create', target);
  }

  async suspend(target: AccountTarget): Promise<void> {
    await this.run('suspend', target);
  }

  async unsuspend(target: AccountTarget): Promise<void> {
    await this.run('unsuspend', target);
  }

  /** The removal names the account's hosting databases and users (rows of hosting-databases): the agent drops them and checks they are gone. */
  async remove(target: AccountTarget): Promise<void> {
    const names = async (table: string) =>
      ((await this.db.dataSource.query(`SELECT name FROM ${table} WHERE account_id = ? ORDER BY name`, [target.id])) as { name: string }[]).map((r) => r.name);
    await this.run('remove', { ...target, databases: await names('hosting_databases'), databaseUsers: await names('hosting_database_users') });
  }

  async changePhpVersion(target: AccountTarget, fromVersion: string): Promise<void> {
    await this.run('change_php', target, fromVersion);
  }

  async changePassword(target: AccountTarget, password: string): Promise<void> {
    await this.run('change_password', { ...target, password });
  }

  async removeMailbox(target: AccountTarget, localPart: string): Promise<void> {
    await this.run('remove_mailbox', target, undefined, localPart);
  }

  async plan(target: AccountTarget): Promise<PlanPreview> {
    const plan = buildPlan('create', this.safe('create', target));
    try {
      const { agent, host } = await this.agents.forServer(target.serverId ?? OWN_SERVER_ID);
      return await agent.preview({ ...plan, host });
    } catch (error) {
      throw this.toDomainError(error, 'create');
    }
  }

  /** The agent's own check, run before sending: what it would refuse is a 422 here (a removal needs only safe names). */
  private safe(action: PlanAction, target: AccountTarget): PlanTarget {
    try {
      return assertPlanTarget(action, {
        username: target.username,
        domain: target.domain,
        email: target.email,
        php_version: target.phpVersion,
        ...(target.databases?.length ? { databases: target.databases } : {}),
        ...(target.databaseUsers?.length ? { database_users: target.databaseUsers } : {}),
      });
    } catch (error) {
      throw this.toDomainError(error, action);
    }
  }

  private async run(action: PlanAction, target: AccountTarget, fromVersion?: string, mailbox?: string): Promise<void> {
    const plan = buildPlan(action, this.safe(action, target), fromVersion, target.generation ?? generationOf(target.id, 0), Date.now(), mailbox);
    const secrets: PlanSecrets = target.password === undefined ? {} : { password: target.password };
    this.working.set(target.id, (this.working.get(target.id) ?? 0) + 1);
    try {
      const { agent, host } = await this.agents.forServer(target.serverId ?? OWN_SERVER_ID);
      // A create's zone points at the account's server (plan-host.ts).
      if (action === 'create') plan.host = host;
      await agent.execute(plan, this.observeStep, secrets);
    } catch (error) {
      this.logger.error(`${action} ${target.username} on server ${target.serverId ?? OWN_SERVER_ID} failed: ${describeError(error)}`);
      if (action === 'create' && needsCleanup(error)) await this.cleanUp(plan, target.serverId ?? OWN_SERVER_ID);
      throw this.toDomainError(error, action);
    } finally {
      const left = (this.working.get(target.id) ?? 1) - 1;
      if (left > 0) this.working.set(target.id, left);
      else this.working.delete(target.id);
    }
  }

  /**
   * A create whose rollback did not finish (or whose fate is unknown): one more full removal, and
   * when that fails too, a note the reconciler works off later (the account row itself goes).
   */
  private async cleanUp(plan: Plan, serverId: number): Promise<void> {
    try {
      await (await this.agents.forServer(serverId)).agent.execute(buildPlan('remove', plan.target, undefined, plan.generation), this.observeStep);
    } catch (error) {
      this.logger.error(`clean-up of ${plan.target.username} failed, left to the reconciler: ${describeError(error)}`);
      const t = plan.target;
      await this.db
        .transaction((em) =>
          em.query('INSERT INTO provisioning_cleanups (username, domain, email, php_version, generation, server_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
            t.username,
            t.domain,
            t.email ?? '',
            t.php_version,
            plan.generation ?? 0,
            serverId,
            sqlNow(),
          ]),
        )
        .catch((dbError: unknown) => this.logger.error(`could not record the clean-up of ${t.username}: ${describeError(dbError)}`));
    }
  }

  /** The domain error, marked unchanged when the agent ran nothing or undid everything it ran. */
  private toDomainError(error: unknown, action: PlanAction): DomainError {
    const mapped = this.mapError(error, action);
    const unchanged =
      error instanceof UnsafeValueError ||
      error instanceof StalePlanError ||
      (error instanceof AgentUnreachableError && !error.maybeDelivered) ||
      (error instanceof StepFailedError && action !== 'remove' && error.undoFailed.length === 0);
    return unchanged ? markUnchanged(mapped) : mapped;
  }

  private mapError(error: unknown, action: PlanAction): DomainError {
    if (error instanceof DomainError) return error;
    if (error instanceof UnsafeValueError) return DomainError.field(error.field, error.message);
    if (error instanceof StalePlanError) return DomainError.conflict(`The provisioning agent refused the plan: ${error.message}`);
    if (error instanceof AgentUnreachableError) {
      const message = error.maybeDelivered
        ? 'The provisioning agent stopped answering; what it may have made is being removed. Try again later.'
        : 'The provisioning agent is unreachable; nothing was changed. Try again later.';
      return new DomainError('agent_unreachable', message, { retryAfterSeconds: 30 });
    }
    if (error instanceof StepFailedError && action !== 'remove') {
      return new DomainError('provisioning_failed', `Provisioning failed at step "${error.step}"; the changes made so far were undone`);
    }
    if (error instanceof RemovalIncompleteError) {
      return new DomainError(
        'provisioning_failed',
        `Some of the account's resources could not be removed (${error.failedSteps.join(', ')}); the account is kept as failed and the request can be repeated`,
      );
    }
    return new DomainError('provisioning_failed', 'Provisioning failed; the changes made so far were undone');
  }
}

function needsCleanup(error: unknown): boolean {
  return (error instanceof StepFailedError && error.undoFailed.length > 0) || (error instanceof AgentUnreachableError && error.maybeDelivered);
}
