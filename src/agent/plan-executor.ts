import { Inject, Injectable, Logger } from '@nestjs/common';
import { parsePlan, Plan, PlanStep } from '../provisioning/plan';
import { ReloadCoalescer } from '../provisioning/reload-coalescer';
import { StepCatalog, StepInput } from '../provisioning/steps';
import { describeError, RemovalIncompleteError, StepFailedError } from './agent-errors';

/** Token of the step catalog the executor runs; tests override it to inject a fault at any step. */
export const PROVISIONING_STEPS = Symbol('PROVISIONING_STEPS');

/**
 * The agent's core: checks a plan (again) and runs it step by step. A failure at step k runs the
 * reverse op of steps k-1…1 and throws StepFailedError; a removal runs every step regardless and
 * reports the ones that failed.
 */
@Injectable()
export class PlanExecutor {
  private readonly logger = new Logger('Agent');

  constructor(
    @Inject(PROVISIONING_STEPS) private readonly steps: StepCatalog,
    private readonly reloads: ReloadCoalescer,
  ) {}

  async execute(input: unknown): Promise<void> {
    const plan = parsePlan(input);
    const release = plan.steps.some((s) => s.step === 'reload') ? this.reloads.hold() : () => undefined;
    const stepInput: StepInput = { target: plan.target, fromPhpVersion: plan.from_php_version };
    try {
      if (plan.action === 'remove') await this.runAll(plan, stepInput, release);
      else await this.runWithRollback(plan, stepInput, release);
    } finally {
      release();
    }
  }

  private async runWithRollback(plan: Plan, input: StepInput, release: () => void): Promise<void> {
    const done: PlanStep[] = [];
    for (const s of plan.steps) {
      if (s.step === 'reload') release();
      try {
        await this.steps[s.step][s.op](input);
        done.push(s);
      } catch (error) {
        this.logger.error(`${plan.action} ${plan.target.username}: step ${s.step} failed: ${describeError(error)}`);
        const undoFailed: string[] = [];
        for (const d of done.reverse()) {
          try {
            await this.steps[d.step][d.op === 'apply' ? 'undo' : 'apply'](input);
          } catch (undoError) {
            undoFailed.push(d.step);
            this.logger.error(`${plan.action} ${plan.target.username}: undo of ${d.step} failed: ${describeError(undoError)}`);
          }
        }
        release();
        // Another plan's reload may have picked up files we have just removed.
        if (plan.steps.some((p) => p.step === 'reload') && done.length) await this.reloads.request().catch(() => undefined);
        throw new StepFailedError(s.step, undoFailed, describeError(error));
      }
    }
  }

  private async runAll(plan: Plan, input: StepInput, release: () => void): Promise<void> {
    const failed: string[] = [];
    for (const s of plan.steps) {
      if (s.step === 'reload') release();
      try {
        await this.steps[s.step][s.op](input);
      } catch (error) {
        failed.push(s.step);
        this.logger.error(`${plan.action} ${plan.target.username}: step ${s.step} failed: ${describeError(error)}`);
      }
    }
    if (failed.length) throw new RemovalIncompleteError(failed);
  }
}
