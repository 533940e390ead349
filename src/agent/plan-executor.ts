import { Inject, Injectable, Logger } from '@nestjs/common';
import { parsePlan, Plan, PlanStep } from '../agent-protocol/plan';
import { PlanSecrets } from '../agent-protocol/plan-secrets';
import { ReloadCoalescer, ReloadTicket } from './system/reload-coalescer';
import { PlanLedger } from './plan-ledger';
import { StepCatalog, StepInput } from './steps';
import { StepObserver } from '../agent-protocol/agent-client';
import { describeError, RemovalIncompleteError, StepFailedError } from '../agent-protocol/agent-errors';

/** Token of the step catalog the executor runs; tests override it to inject a fault at any step. */
export const PROVISIONING_STEPS = Symbol('PROVISIONING_STEPS');

const ignore: StepObserver = () => undefined;

/**
 * The agent's core: checks a plan (again: values, expiry, generation) and runs it step by step. A failure at step k runs the
 * reverse op of steps k-1…1 and throws StepFailedError; a removal runs every step regardless and
 * reports the ones that failed.
 */
@Injectable()
export class PlanExecutor {
  private readonly logger = new Logger('Agent');

  constructor(
    @Inject(PROVISIONING_STEPS) private readonly steps: StepCatalog,
    private readonly reloads: ReloadCoalescer,
    private readonly ledger: PlanLedger,
  ) {}

  /** Runs the plan; `observe` hears every step run, rollbacks included, as it ends. `secrets` reach the steps only (see plan-secrets.ts). */
  async execute(input: unknown, observe: StepObserver = ignore, secrets: PlanSecrets = {}): Promise<void> {
    const plan = parsePlan(input);
    // Expired, or older than what already ran for this username or domain: refused before any step.
    this.ledger.admit(plan);
    const stepInput: StepInput = { target: plan.target, fromPhpVersion: plan.from_php_version, mailbox: plan.mailbox, host: plan.host, secrets };
    if (plan.steps.some((s) => s.step === 'reload')) {
      // The configuration files this plan adds: a failing nginx/php-fpm test is narrowed down to them.
      const staged = plan.steps.filter((s) => s.op === 'apply').flatMap((s) => this.steps[s.step].stages?.(stepInput) ?? []);
      const services = [...new Set(plan.steps.flatMap((s) => this.steps[s.step].services ?? []))];
      stepInput.reload = this.reloads.hold(staged, services);
    }
    const ticket = stepInput.reload;
    const release = () => ticket?.release();
    const run = (step: PlanStep) => this.timed(step, stepInput, observe);
    try {
      if (plan.action === 'remove') await this.runAll(plan, run, release);
      else await this.runWithRollback(plan, run, release, ticket);
    } finally {
      ticket?.end();
    }
  }

  private async timed(s: PlanStep, input: StepInput, observe: StepObserver): Promise<void> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      await this.steps[s.step][s.op](input);
    } catch (error) {
      observe({ step: s.step, seconds: seconds(), ok: false });
      throw error;
    }
    observe({ step: s.step, seconds: seconds(), ok: true });
  }

  private async runWithRollback(plan: Plan, run: (step: PlanStep) => Promise<void>, release: () => void, ticket: ReloadTicket | undefined): Promise<void> {
    const done: PlanStep[] = [];
    for (const s of plan.steps) {
      if (s.step === 'reload') release();
      try {
        await run(s);
        done.push(s);
      } catch (error) {
        this.logger.error(`${plan.action} ${plan.target.username}: step ${s.step} failed: ${describeError(error)}`);
        const undoFailed: string[] = [];
        for (const d of done.reverse()) {
          try {
            await run({ step: d.step, op: d.op === 'apply' ? 'undo' : 'apply' });
          } catch (undoError) {
            undoFailed.push(d.step);
            this.logger.error(`${plan.action} ${plan.target.username}: undo of ${d.step} failed: ${describeError(undoError)}`);
          }
        }
        ticket?.end();
        // Another plan's reload may have picked up files we have just removed or rewritten.
        if (ticket?.live && done.length) await this.reloads.request().catch(() => undefined);
        throw new StepFailedError(s.step, undoFailed, describeError(error));
      }
    }
  }

  private async runAll(plan: Plan, run: (step: PlanStep) => Promise<void>, release: () => void): Promise<void> {
    const failed: string[] = [];
    for (const s of plan.steps) {
      if (s.step === 'reload') release();
      try {
        await run(s);
      } catch (error) {
        failed.push(s.step);
        this.logger.error(`${plan.action} ${plan.target.username}: step ${s.step} failed: ${describeError(error)}`);
      }
    }
    if (failed.length) throw new RemovalIncompleteError(failed);
  }
}
