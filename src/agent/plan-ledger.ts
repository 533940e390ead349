import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plan } from '../agent-protocol/plan';
import { StalePlanError } from '../agent-protocol/agent-errors';
import { UnsafeValueError } from '../agent-protocol/safe-values';

/** How far ahead of the agent's clock a plan's expiry may be (the panel sets now + 300 s). */
const MAX_EXPIRY_AHEAD_SECONDS = 3600;

/**
 * The agent's memory of which plans it may still run, kept in its own data dir so it survives a
 * restart (a fleet agent has no panel database): for every username and every domain, the highest
 * generation it has started a plan for. A plan that is expired, or whose generation is below that
 * of its username or its domain, is refused before any step runs — a captured `remove` of a
 * deleted account cannot wipe a newer account of the same name. Equal generations run (a retry or
 * the reconciler repeating the same operation). The file is rewritten (temp + rename) before the
 * plan runs.
 */
export class PlanLedger {
  private readonly file: string;
  private readonly latest = new Map<string, number>();

  constructor(
    dir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'plan-generations.json');
    let saved: Record<string, number> = {};
    try {
      saved = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, number>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${this.file} is unreadable: ${(error as Error).message}`, { cause: error });
    }
    for (const [key, value] of Object.entries(saved)) if (Number.isSafeInteger(value)) this.latest.set(key, value);
  }

  /** Checks the plan's expiry and generation and records the generation; throws StalePlanError to refuse. */
  admit(plan: Plan): void {
    if (plan.generation === undefined) throw new UnsafeValueError('generation', 'is required');
    if (plan.expires_at === undefined) throw new UnsafeValueError('expires_at', 'is required');
    const nowSeconds = Math.floor(this.now() / 1000);
    if (plan.expires_at < nowSeconds) throw new StalePlanError(`the plan expired ${nowSeconds - plan.expires_at} s ago`);
    if (plan.expires_at > nowSeconds + MAX_EXPIRY_AHEAD_SECONDS) throw new StalePlanError('the plan expires too far ahead');
    const keys = [`user:${plan.target.username}`, `domain:${plan.target.domain}`];
    for (const key of keys) {
      const seen = this.latest.get(key) ?? -1;
      if (plan.generation < seen) throw new StalePlanError(`generation ${plan.generation} is older than ${seen}, the last one run for ${key}`);
    }
    let changed = false;
    for (const key of keys) {
      if ((this.latest.get(key) ?? -1) < plan.generation) {
        this.latest.set(key, plan.generation);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.latest)), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
